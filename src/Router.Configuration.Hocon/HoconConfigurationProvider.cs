using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon;

/// <summary>
/// Loads a HOCON file (see the HOCON spec, lightbend/config HOCON.md) into IConfiguration.
/// </summary>
/// <remarks>
/// <para><b>Supported HOCON.</b> Objects with or without root braces; <c>a.b.c = 1</c> paths; quoted keys
/// (<c>"question.created" = 1</c> is one key); <c>=</c>, <c>:</c> or nothing before <c>{</c>; commas or
/// newlines between fields and elements (one trailing comma allowed); <c>#</c> and <c>//</c> comments; unquoted,
/// quoted (JSON escapes) and <c>"""</c>triple-quoted<c>"""</c> strings; numbers, booleans, null; arrays; object
/// merging of duplicate keys; value concatenation (<c>${base}/data</c>, <c>[1] [2]</c>, <c>${a} { b = 1 }</c>);
/// <c>+=</c>; <c>include "file"</c>, <c>include file("file")</c> and <c>include required("file")</c>, relative to
/// the including file's directory (a missing plain include is ignored); <c>${path}</c> and <c>${?path}</c>
/// substitutions, resolved after parsing against the whole merged document, with self-references looking back
/// to earlier values, and falling back to the environment variable named exactly as the path
/// (<see cref="HoconConfigurationSource.EnvironmentLookup"/>). An undefined <c>${?path}</c> drops the field, so
/// an earlier value stays (<c>x = default</c> then <c>x = ${?ENV}</c>). Not supported: <c>url()</c> and
/// <c>classpath()</c> includes, includes without an extension trying several formats, and array roots.</para>
/// <para><b>Keys.</b> Path segments are joined with <c>:</c>; array elements get the index segments <c>0</c>,
/// <c>1</c>, …; dashes are removed from every segment, quoted ones included, so <c>router.publish.max-body</c>
/// becomes <c>router:publish:maxbody</c>, binds to a property <c>MaxBody</c>, and is overridden by the
/// environment variable <c>Router__Publish__MaxBody</c>. Keys are case-insensitive, as everywhere in
/// IConfiguration. A quoted key keeps its dots (<c>"question.created"</c> stays one segment); a <c>:</c> in a
/// quoted key would read as a separator in IConfiguration, so avoid it. Keys that differ only by case or dashes
/// collide and the later one wins.</para>
/// <para><b>Values.</b> Strings as written; numbers as written in the file (JSON number syntax, invariant);
/// booleans as <c>true</c>/<c>false</c>; <c>null</c> leaves the key out; empty objects and empty arrays produce
/// no keys (IConfiguration cannot represent them). Environment-variable values are treated like unquoted text.</para>
/// <para><b>Durations.</b> An <i>unquoted</i> string that is a number and a duration unit becomes TimeSpan text in
/// the invariant <c>"c"</c> format, which the binder parses: <c>ns</c>/<c>nano(s)</c>/<c>nanosecond(s)</c>,
/// <c>us</c>/<c>micro(s)</c>/<c>microsecond(s)</c> (both rounded to 100 ns ticks), <c>ms</c>/<c>milli(s)</c>/
/// <c>millisecond(s)</c>, <c>s</c>/<c>second(s)</c>, <c>m</c>/<c>minute(s)</c>, <c>h</c>/<c>hour(s)</c>,
/// <c>d</c>/<c>day(s)</c>, lowercase only, with optional whitespace between number and unit and an optional
/// fraction: <c>30s</c> → <c>00:00:30</c>, <c>7d</c> → <c>7.00:00:00</c>, <c>1500ms</c> → <c>00:00:01.5000000</c>,
/// <c>5 minutes</c> → <c>00:05:00</c>.</para>
/// <para><b>Sizes.</b> An <i>unquoted</i> number with a size unit becomes a whole number of bytes:
/// <c>B</c>, <c>b</c>, <c>byte(s)</c>; powers of ten <c>kB</c>/<c>KB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c>,
/// <c>PB</c>, <c>EB</c> (and the spelled-out <c>kilobyte(s)</c>…); powers of two <c>K</c>/<c>Ki</c>/<c>KiB</c>,
/// <c>M</c>/<c>Mi</c>/<c>MiB</c>, <c>G</c>/<c>Gi</c>/<c>GiB</c>, <c>T</c>…, <c>P</c>…, <c>E</c>… (and
/// <c>kibibyte(s)</c>…). <c>1MiB</c> → <c>1048576</c>, <c>10kB</c> → <c>10000</c>. Lowercase one-letter units
/// other than <c>b</c> are not sizes (<c>m</c> is minutes). A size that is not a whole number of bytes or does
/// not fit a long is an error.</para>
/// <para><b>Quoted strings are never converted</b>: <c>"30s"</c> stays the text <c>30s</c>. A concatenation
/// counts as quoted when any of its parts was quoted.</para>
/// <para><b>Errors</b> are <see cref="HoconException"/>s whose message starts with <c>file(line,column):</c>.
/// Loading through a configuration builder wraps them, as the JSON provider does, in an
/// <see cref="InvalidDataException"/> naming the file. Changes to included files are not watched for reload;
/// only the file added to the builder is.</para>
/// </remarks>
public sealed class HoconConfigurationProvider : FileConfigurationProvider
{
    public HoconConfigurationProvider(HoconConfigurationSource source)
        : base(source)
    {
    }

    public override void Load(Stream stream)
    {
        var source = (HoconConfigurationSource)Source;
        using var reader = new StreamReader(stream, leaveOpen: true);
        var text = reader.ReadToEnd();

        // Includes resolve against the file's real directory; a file provider without physical paths
        // (embedded resources, for example) can still load a document that has only absolute includes.
        var fullPath = source.Path is null ? null : source.FileProvider?.GetFileInfo(source.Path).PhysicalPath;
        var directory = fullPath is null ? null : Path.GetDirectoryName(fullPath);
        Data = HoconConfigurationParser.Read(text, source.Path ?? HoconConfigurationParser.StringOrigin, directory, fullPath, source.EnvironmentLookup);
    }
}
