using Router.Configuration.Hocon.Lexing;
using Router.Configuration.Hocon.Tree;

namespace Router.Configuration.Hocon.Resolution;

/// <summary>
/// Replaces every substitution, concatenation and merge stack in a parsed document with plain values, as the
/// spec's last parsing step. Lookups are lazy and see the final, merged document (forward references work);
/// a field is resolved at most once and stored back into its object, so later lookups reuse it. A path that is
/// not in the document falls back to the injected environment lookup.
/// </summary>
internal sealed class HoconResolver
{
    /// <summary>Far beyond any real chain of substitutions; it turns a pathological one into an error, not a stack overflow.</summary>
    private const int MaxChainLength = 1000;

    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;

    /// <summary>
    /// Stacks with an element under evaluation, and how many elements (from the bottom) lookups of that field
    /// may see meanwhile. This is the spec's "look back": in <c>a = ${a} [3]</c> the lookup of <c>a</c> sees
    /// only the definitions before this one, so self-references and <c>+=</c> build on the earlier value.
    /// </summary>
    private readonly Dictionary<HoconMergeStack, int> _lookBack = [];

    /// <summary>Substitutions being resolved, outermost first; meeting one again is a cycle, and the list is the message.</summary>
    private readonly List<HoconSubstitution> _resolving = [];

    private HoconResolver(HoconObject root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <summary>Resolves <paramref name="root"/> in place; afterwards it holds only objects, arrays and scalars.</summary>
    public static HoconObject Resolve(HoconObject root, Func<string, string?> environment)
    {
        new HoconResolver(root, environment).ResolveDeep(root);
        return root;
    }

    private void ResolveDeep(HoconValue value)
    {
        switch (value)
        {
            case HoconObject obj:
                foreach (var key in obj.KeySnapshot())
                {
                    if (!obj.TryGetField(key, out var node))
                    {
                        continue;
                    }
                    if (node is HoconMergeStack stack && _lookBack.ContainsKey(stack))
                    {
                        // Only a path that runs through the field may look back; an object containing the field
                        // being defined cannot be complete yet: `a : { b : ${a} }`.
                        throw Cycle(_resolving.Count > 0 ? _resolving[^1].Position : stack.Position, "a value cannot contain a substitution of itself");
                    }
                    if (ResolveField(obj, key, node) is { } resolved)
                    {
                        ResolveDeep(resolved);
                    }
                }
                break;
            case HoconArray { IsResolved: false } array:
                var elements = new List<HoconValue>(array.Elements.Count);
                foreach (var element in array.Elements)
                {
                    // An undefined ${?x} element is left out, as the spec says.
                    if (Evaluate(element) is { } resolved)
                    {
                        ResolveDeep(resolved);
                        elements.Add(resolved);
                    }
                }
                array.MarkResolved(elements);
                break;
        }
    }

    /// <summary>The value of a field, resolving (and storing) a merge stack unless the field is being defined right now.</summary>
    private HoconValue? ResolveField(HoconObject owner, string key, HoconNode node)
    {
        if (node is not HoconMergeStack stack)
        {
            return Evaluate(node);
        }
        if (_lookBack.TryGetValue(stack, out var visible))
        {
            return ResolveStack(stack, visible);
        }
        var value = ResolveStack(stack, stack.Elements.Count);
        if (value is null)
        {
            owner.Remove(key);
        }
        else
        {
            owner.Replace(key, value);
        }
        return value;
    }

    /// <summary>
    /// Evaluates the lowest <paramref name="visible"/> definitions from the top down: an undefined one falls
    /// through to the one below, an object merges over the objects below it, anything else wins outright.
    /// </summary>
    private HoconValue? ResolveStack(HoconMergeStack stack, int visible)
    {
        HoconValue? result = null;
        for (var i = visible - 1; i >= 0; i--)
        {
            var value = stack.Elements[i] as HoconValue ?? EvaluateLookingBack(stack, i);
            if (value is null)
            {
                continue;
            }
            if (result is null)
            {
                result = value;
                if (value is not HoconObject)
                {
                    return result;
                }
            }
            else if (value is HoconObject lower)
            {
                result = HoconObject.Merge(lower, (HoconObject)result);
            }
            else
            {
                return result;
            }
        }
        return result;
    }

    private HoconValue? EvaluateLookingBack(HoconMergeStack stack, int index)
    {
        var nested = _lookBack.TryGetValue(stack, out var outer);
        _lookBack[stack] = index;
        try
        {
            return Evaluate(stack.Elements[index]);
        }
        finally
        {
            if (nested)
            {
                _lookBack[stack] = outer;
            }
            else
            {
                _lookBack.Remove(stack);
            }
        }
    }

    /// <summary>A node's value, or null when it is an undefined optional substitution (or made only of those).</summary>
    private HoconValue? Evaluate(HoconNode node) => node switch
    {
        HoconValue value => value,
        HoconSubstitution substitution => ResolveSubstitution(substitution),
        HoconConcatenation concatenation => HoconConcatenation.Join(
            [.. concatenation.Parts.Select(p => p is HoconSubstitution s ? ResolveSubstitution(s) : p)],
            concatenation.Position,
            concatenation.IsAppend),
        _ => throw new InvalidOperationException($"Unexpected {node.GetType().Name} outside a field."),
    };

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution)
    {
        var repeat = _resolving.IndexOf(substitution);
        if (repeat >= 0)
        {
            var chain = _resolving.Skip(repeat).Append(substitution).Select(s => s.ToString());
            throw new HoconException(substitution.Position, $"substitution cycle: {string.Join(" -> ", chain)}");
        }

        if (_resolving.Count >= MaxChainLength)
        {
            throw new HoconException(substitution.Position, $"substitutions refer to substitutions more than {MaxChainLength} deep");
        }
        _resolving.Add(substitution);
        try
        {
            var (found, lookedBackToNothing) = substitution.IncludePrefix.Count > 0
                ? Lookup([.. substitution.IncludePrefix, .. substitution.Path])
                : (null, false);
            if (found is null)
            {
                (found, lookedBackToNothing) = Lookup(substitution.Path);
            }
            if (found is not null)
            {
                ResolveDeep(found);
                return found;
            }

            // Environment values are treated as unquoted text, so ROUTER_TIMEOUT=30s converts like `30s` in a file.
            var name = HoconPath.EnvironmentName(substitution.Path);
            if (_environment(name) is { } environmentValue)
            {
                return new HoconScalar(ScalarKind.String, environmentValue, isQuoted: false, substitution.Position);
            }
            if (substitution.Optional)
            {
                return null;
            }
            throw lookedBackToNothing
                ? Cycle(substitution.Position, "a field cannot be defined in terms of itself unless an earlier value exists")
                : new HoconException(substitution.Position, $"could not resolve substitution {substitution}: '{HoconPath.Render(substitution.Path)}' is not defined in the document and there is no environment variable '{name}'; write ${{?...}} if it is optional");
        }
        finally
        {
            _resolving.RemoveAt(_resolving.Count - 1);
        }
    }

    /// <summary>
    /// Walks a path from the root. <c>LookedBackToNothing</c> tells that the walk ended at a field being defined
    /// that had no earlier value, which is how a cycle shows up once look-back has removed the field.
    /// </summary>
    private (HoconValue? Value, bool LookedBackToNothing) Lookup(IReadOnlyList<string> path)
    {
        HoconValue current = _root;
        foreach (var segment in path)
        {
            if (current is not HoconObject obj || !obj.TryGetField(segment, out var node))
            {
                return (null, false);
            }
            var value = ResolveField(obj, segment, node);
            if (value is null)
            {
                return (null, node is HoconMergeStack stack && _lookBack.ContainsKey(stack));
            }
            current = value;
        }
        return (current, false);
    }

    private HoconException Cycle(SourcePosition position, string explanation) =>
        new(position, $"substitution cycle: {string.Join(" -> ", _resolving.Select(s => s.ToString()))} ({explanation})");
}
