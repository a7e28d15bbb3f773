using System.Text;
using System.Threading.Channels;
using Router.TestKit;

namespace Router.Host.Cli;

/// <summary>A console for in-process CLI runs: stdout and stderr lines arrive on channels a test awaits, stdin is given.</summary>
internal sealed class CapturedConsole
{
    public CapturedConsole(string? input = null)
    {
        Console = new CliConsole(Out, Error, new StringReader(input ?? string.Empty), input is not null);
    }

    public LineWriter Out { get; } = new();

    public LineWriter Error { get; } = new();

    public CliConsole Console { get; }

    public Task<int> RunAsync(params string[] args) => RouterCli.InvokeAsync(args, Console).DefaultTimeout();

    /// <summary>Collects whole lines; every write is under one lock (a command may write from any thread).</summary>
    internal sealed class LineWriter : TextWriter
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _partial = new();
        private readonly StringBuilder _all = new();
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return _all.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                _all.Append(value);
                if (value == '\n')
                {
                    _lines.Writer.TryWrite(_partial.ToString().TrimEnd('\r'));
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value) => Write(value + "\n");

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task FlushAsync() => Task.CompletedTask;

        /// <summary>The next complete line, bounded by the default timeout.</summary>
        public Task<string> NextLineAsync() => _lines.Reader.ReadAsync().AsTask().DefaultTimeout();

        /// <summary>The next line that does not start with <c>#</c> (tail's control lines on stderr start with it).</summary>
        public async Task<string> NextLineStartingAsync(string prefix)
        {
            while (true)
            {
                var line = await NextLineAsync();
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
    }
}
