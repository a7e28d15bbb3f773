using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.Versioning;

/// <summary>
/// One compiled <see cref="TransformStepOptions"/>. Immutable, so one instance serves every thread;
/// <see cref="Apply"/> changes only the data object it is given.
/// </summary>
internal abstract class TransformStep
{
    public abstract void Apply(JsonObject data);

    /// <summary>
    /// Compiles a declared step, or adds every problem to <paramref name="errors"/> and returns null.
    /// <paramref name="label"/> locates the step, e.g. <c>question.created v1→v2, step 2</c>.
    /// </summary>
    public static TransformStep? Compile(TransformStepOptions? options, string label, List<string> errors)
    {
        if (options is null)
        {
            errors.Add($"{label}: the step is empty");
            return null;
        }
        if (string.IsNullOrEmpty(options.Op))
        {
            errors.Add($"{label}: 'op' is required");
            return null;
        }
        label = $"{label} ({options.Op})";
        var op = options.Op.ToLowerInvariant();
        var arguments = op switch
        {
            "rename" or "move" or "copy" => Argument.From | Argument.To,
            "set" or "default" => Argument.Path | Argument.Value,
            "remove" => Argument.Path,
            _ => Argument.None,
        };
        if (arguments == Argument.None)
        {
            errors.Add($"{label}: unknown op; expected rename, set, default, remove, move or copy");
            return null;
        }

        var errorCount = errors.Count;
        var path = ReadPath(Argument.Path, "path", options.Path);
        var from = ReadPath(Argument.From, "from", options.From);
        var to = ReadPath(Argument.To, "to", options.To);
        CheckPresence(Argument.Value, "value", options.Value);
        if (from is not null && to is not null && from.Text == to.Text)
        {
            errors.Add($"{label}: 'to' must differ from 'from'");
        }
        if (errors.Count > errorCount)
        {
            return null;
        }
        return op switch
        {
            "rename" or "move" => new MoveStep(from!, to!),
            "copy" => new CopyStep(from!, to!),
            "set" => new SetStep(path!, ParseValue(options.Value!)),
            "default" => new DefaultStep(path!, ParseValue(options.Value!)),
            _ => new RemoveStep(path!),
        };

        DataPath? ReadPath(Argument argument, string name, string? text)
        {
            if (!CheckPresence(argument, name, text))
            {
                return null;
            }
            if (!DataPath.TryParse(text!, out var parsed, out var problem))
            {
                errors.Add($"{label}: '{name}' '{text}' is not a valid path ({problem})");
            }
            return parsed;
        }

        // True when the argument is wanted and given. An argument the op does not use is an error
        // rather than ignored: it is almost always a mistake (path written for from, say), and a
        // silently ignored key would make the conversion do something other than what was meant.
        bool CheckPresence(Argument argument, string name, string? text)
        {
            var wanted = arguments.HasFlag(argument);
            if (wanted && text is null)
            {
                errors.Add($"{label}: '{name}' is required");
            }
            else if (!wanted && text is not null)
            {
                errors.Add($"{label}: '{name}' does not apply to {op}");
            }
            return wanted && text is not null;
        }
    }

    /// <summary>
    /// Normalises a declared value to compact UTF-8 JSON; text that is not JSON becomes a string.
    /// The bytes, not a parsed node, are kept: a node can have only one parent, and a shared
    /// JsonDocument's string cache is not safe to read from several threads at once.
    /// </summary>
    private static byte[] ParseValue(string text)
    {
        JsonNode? node;
        try
        {
            node = DataJson.Parse(Encoding.UTF8.GetBytes(text));
        }
        catch (JsonException)
        {
            node = JsonValue.Create(text);
        }
        return DataJson.ToUtf8(node, text.Length);
    }

    /// <summary>
    /// The object that holds <paramref name="path"/>'s leaf. With <paramref name="create"/>, missing
    /// or null parents are replaced by new empty objects. Null when a parent is missing (and not
    /// created) or is a value other than an object, which no step overwrites.
    /// </summary>
    /// <remarks>
    /// Creation starts only after the last existing parent, so a null result never leaves parents
    /// half-created behind it.
    /// </remarks>
    private static JsonObject? ParentOf(JsonObject data, DataPath path, bool create)
    {
        var current = data;
        foreach (var segment in path.Parents)
        {
            if (current.TryGetPropertyValue(segment, out var child) && child is not null)
            {
                if (child is not JsonObject childObject)
                {
                    return null;
                }
                current = childObject;
            }
            else if (create)
            {
                var created = new JsonObject();
                current[segment] = created;
                current = created;
            }
            else
            {
                return null;
            }
        }
        return current;
    }

    [Flags]
    private enum Argument
    {
        None = 0,
        Path = 1,
        From = 2,
        To = 4,
        Value = 8,
    }

    private sealed class MoveStep(DataPath from, DataPath to) : TransformStep
    {
        public override void Apply(JsonObject data)
        {
            var source = ParentOf(data, from, create: false);
            var index = source?.IndexOf(from.Leaf) ?? -1;
            if (index < 0)
            {
                return;
            }
            var value = source!.GetAt(index).Value;
            // Detach first: the target's parents may run through the source (author → author.name
            // turns a string into an object), and a node cannot be attached while it has a parent.
            source.RemoveAt(index);
            var target = ParentOf(data, to, create: true);
            if (target is null)
            {
                source.Insert(index, from.Leaf, value);
            }
            else if (ReferenceEquals(target, source) && !target.ContainsKey(to.Leaf))
            {
                // A rename within one object keeps the field where it was.
                target.Insert(index, to.Leaf, value);
            }
            else
            {
                target[to.Leaf] = value;
            }
        }
    }

    private sealed class CopyStep(DataPath from, DataPath to) : TransformStep
    {
        public override void Apply(JsonObject data)
        {
            var source = ParentOf(data, from, create: false);
            if (source is null || !source.TryGetPropertyValue(from.Leaf, out var value))
            {
                return;
            }
            var copy = value?.DeepClone();
            var target = ParentOf(data, to, create: true);
            if (target is not null)
            {
                target[to.Leaf] = copy;
            }
        }
    }

    private sealed class SetStep(DataPath path, byte[] value) : TransformStep
    {
        public override void Apply(JsonObject data)
        {
            var target = ParentOf(data, path, create: true);
            if (target is not null)
            {
                target[path.Leaf] = JsonNode.Parse(value);
            }
        }
    }

    private sealed class DefaultStep(DataPath path, byte[] value) : TransformStep
    {
        public override void Apply(JsonObject data)
        {
            if (ParentOf(data, path, create: false)?[path.Leaf] is not null)
            {
                return;
            }
            var target = ParentOf(data, path, create: true);
            if (target is not null)
            {
                target[path.Leaf] = JsonNode.Parse(value);
            }
        }
    }

    private sealed class RemoveStep(DataPath path) : TransformStep
    {
        public override void Apply(JsonObject data) => ParentOf(data, path, create: false)?.Remove(path.Leaf);
    }
}
