using System.Collections.Frozen;
using System.Globalization;
using Router.Events;

namespace Router.Versioning;

internal sealed partial class EventTypeRegistry
{
    private const int MaxVersion = 9999;

    /// <summary>
    /// Compiles the declared conversions, adds the C# ones, and checks them all together.
    /// </summary>
    /// <exception cref="VersioningConfigurationException">Anything is wrong; every problem found is
    /// listed, each naming the type, the versions and, where it applies, the step.</exception>
    public static EventTypeRegistry Build(VersioningOptions? options, IEnumerable<IEventConverter> converters)
    {
        ArgumentNullException.ThrowIfNull(converters);
        var errors = new List<string>();
        var defined = new List<Definition>();

        var conversions = options?.Conversions ?? [];
        for (var i = 0; i < conversions.Count; i++)
        {
            var origin = string.Create(CultureInfo.InvariantCulture, $"conversion {i + 1}");
            var conversion = conversions[i];
            if (conversion is null)
            {
                errors.Add($"{origin}: the conversion is empty");
                continue;
            }
            var label = Label(string.IsNullOrEmpty(conversion.Type) ? origin : conversion.Type, conversion.From, conversion.To);
            var valid = CheckStep(conversion.Type, conversion.From, conversion.To, label, ("type", "from", "to"), errors);
            var steps = DeclarativeConverter.CompileSteps(conversion.Steps, label, errors);
            if (valid && steps is not null)
            {
                defined.Add(new(new DeclarativeConverter(conversion.Type!, conversion.From, conversion.To, steps), origin));
            }
        }

        foreach (var converter in converters)
        {
            if (converter is null)
            {
                throw new ArgumentException("A registered IEventConverter is null.", nameof(converters));
            }
            var origin = $"C# converter {converter.GetType().FullName}";
            var label = $"{Label(converter.BaseType ?? "(null)", converter.FromVersion, converter.ToVersion)} ({origin})";
            if (CheckStep(converter.BaseType, converter.FromVersion, converter.ToVersion, label, ("BaseType", "FromVersion", "ToVersion"), errors))
            {
                defined.Add(new(converter, origin));
            }
        }

        CheckDuplicates(defined, errors);
        CheckGaps(defined, errors);
        if (errors.Count > 0)
        {
            throw new VersioningConfigurationException(errors);
        }

        var types = defined
            .GroupBy(d => d.Converter.BaseType, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => BuildChains(g.Key, g.Select(d => d.Converter)), StringComparer.Ordinal);
        return new EventTypeRegistry(types);
    }

    private static Chains BuildChains(string baseType, IEnumerable<IEventConverter> converters)
    {
        var all = converters.ToArray();
        var versions = all.SelectMany(c => new[] { c.FromVersion, c.ToVersion }).Distinct().Order().ToArray();
        return new Chains(
            EventType.Parse(Versioned(baseType, versions[^1])),
            versions,
            all.Where(c => c.ToVersion > c.FromVersion).ToFrozenDictionary(c => c.FromVersion),
            all.Where(c => c.ToVersion < c.FromVersion).ToFrozenDictionary(c => c.FromVersion));
    }

    /// <summary>Checks a conversion's type and versions; the argument names are how its source spells them.</summary>
    private static bool CheckStep(string? type, int from, int to, string label, (string Type, string From, string To) names, List<string> errors)
    {
        var count = errors.Count;
        if (string.IsNullOrEmpty(type))
        {
            errors.Add($"{label}: '{names.Type}' is required");
        }
        else if (!IsBaseType(type))
        {
            errors.Add($"{label}: '{names.Type}' must be a base event type such as 'question.created' (lowercase, dot-separated, without the '.vN' suffix)");
        }
        var versionsValid = true;
        foreach (var (name, version) in new[] { (names.From, from), (names.To, to) })
        {
            if (version is < 1 or > MaxVersion)
            {
                errors.Add($"{label}: '{name}' must be a version from 1 to {MaxVersion}");
                versionsValid = false;
            }
        }
        if (versionsValid && Math.Abs(to - from) != 1)
        {
            errors.Add($"{label}: '{names.To}' must be '{names.From}' + 1 (upcast) or '{names.From}' - 1 (downcast)");
        }
        return errors.Count == count;
    }

    /// <summary>
    /// What <see cref="EventType"/> allows before <c>.vN</c>, at any version. A name that is itself a
    /// versioned type (<c>question.created.v1</c>) is refused although the grammar would allow it: it
    /// is the usual mistake, and events named <c>question.created.v1.v2</c> are not what anyone means.
    /// </summary>
    private static bool IsBaseType(string type) =>
        EventType.TryParse(Versioned(type, MaxVersion), out _) && !EventType.TryParse(type, out _);

    private static void CheckDuplicates(List<Definition> defined, List<string> errors)
    {
        var groups = defined.GroupBy(d => (d.Converter.BaseType, d.Converter.FromVersion, d.Converter.ToVersion));
        foreach (var group in groups)
        {
            if (group.Skip(1).Any())
            {
                var (baseType, from, to) = group.Key;
                errors.Add($"{Label(baseType, from, to)}: defined more than once ({string.Join(", ", group.Select(d => d.Origin))})");
            }
        }
    }

    /// <summary>
    /// Every upcast chain, and every downcast chain, of a base type must be unbroken: with 1→2 and
    /// 3→4 but no 2→3, a v1 event could never reach the newest version, and it would be found only
    /// when a client missed it.
    /// </summary>
    private static void CheckGaps(List<Definition> defined, List<string> errors)
    {
        foreach (var byType in defined.GroupBy(d => d.Converter.BaseType, StringComparer.Ordinal))
        {
            foreach (var (kind, direction) in new[] { ("upcast", 1), ("downcast", -1) })
            {
                var froms = byType
                    .Where(d => d.Converter.ToVersion - d.Converter.FromVersion == direction)
                    .Select(d => d.Converter.FromVersion)
                    .Distinct()
                    .Order()
                    .ToArray();
                if (direction < 0)
                {
                    Array.Reverse(froms);
                }
                for (var i = 1; i < froms.Length; i++)
                {
                    var (before, after) = (froms[i - 1], froms[i]);
                    if (after != before + direction)
                    {
                        errors.Add($"{byType.Key}: the {kind} chain has a gap: {Missing(before + direction, after, direction)} between {Step(before, before + direction)} and {Step(after, after + direction)}");
                    }
                }
            }
        }
    }

    /// <summary>Describes the missing steps from version <paramref name="first"/> to <paramref name="last"/>.</summary>
    private static string Missing(int first, int last, int direction)
    {
        var count = Math.Abs(last - first);
        if (count == 1)
        {
            return $"{Step(first, last)} is missing";
        }
        if (count > 3)
        {
            return $"{Step(first, first + direction)} … {Step(last - direction, last)} are missing";
        }
        var steps = Enumerable.Range(0, count).Select(i => Step(first + i * direction, first + (i + 1) * direction));
        return $"{string.Join(", ", steps)} are missing";
    }

    private static string Step(int from, int to) => string.Create(CultureInfo.InvariantCulture, $"v{from}→v{to}");

    private static string Label(string type, int from, int to) => $"{type} {Step(from, to)}";

    private static string Versioned(string baseType, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{baseType}.v{version}");

    /// <summary>A converter and where it came from, for error messages.</summary>
    private readonly record struct Definition(IEventConverter Converter, string Origin);
}
