using System.Diagnostics;

namespace Router.LoadTool;

/// <summary>Reads the server's resident memory and CPU time from /proc (summed over its processes: nginx has workers).</summary>
internal sealed class ServerProbe(IReadOnlyList<int> pids)
{
    private static readonly double s_ticksPerSecond = 100.0; // USER_HZ on Linux

    public IReadOnlyList<int> Pids { get; } = pids;

    /// <summary>Sum of VmRSS in KiB; 0 when no pid was given.</summary>
    public long RssKiB()
    {
        long total = 0;
        foreach (var pid in Pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
            }
        }
        return total;
    }

    /// <summary>Sum of user and system CPU seconds.</summary>
    public double CpuSeconds()
    {
        double total = 0;
        foreach (var pid in Pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / s_ticksPerSecond;
            }
            catch (IOException)
            {
            }
        }
        return total;
    }

    /// <summary>
    /// Busy CPU seconds of the whole machine (all cores, from /proc/stat). Minus the tool's and the server's own,
    /// it shows how much else ran during a scenario (on a shared machine, other processes compete for the cores).
    /// </summary>
    public static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return busy / s_ticksPerSecond;
    }

    /// <summary>The tool's own CPU seconds (Process.TotalProcessorTime).</summary>
    public static double ToolCpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }
}
