using System.Text.Json;

namespace Router.Events;

/// <summary>
/// Who may receive a private event (SPEC §3 <c>audience</c>): a connection whose user is in <c>users</c>, or
/// that shares a group or a role. Parsed once per routed event from the stored JSON, never per connection.
/// An audience that lists nobody, or that cannot be read, admits nobody: a private event fails closed.
/// </summary>
internal sealed class Audience
{
    private static readonly Audience s_nobody = new([], [], []);

    private readonly HashSet<string> _users;
    private readonly HashSet<string> _groups;
    private readonly HashSet<string> _roles;

    private Audience(HashSet<string> users, HashSet<string> groups, HashSet<string> roles)
    {
        _users = users;
        _groups = groups;
        _roles = roles;
    }

    /// <summary>Null for a public event (no audience stored).</summary>
    public static Audience? Parse(ReadOnlyMemory<byte>? json)
    {
        if (json is not { } bytes)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return s_nobody;
            }
            return new Audience(
                Read(document.RootElement, "users"),
                Read(document.RootElement, "groups"),
                Read(document.RootElement, "roles"));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // The ingest validates audiences, so this is a journal written by something else: deliver to nobody.
            return s_nobody;
        }
    }

    /// <summary>True when the subscriber is the user named, or shares a group or a role with the audience.</summary>
    public bool Admits(string? userId, IReadOnlySet<string> groups, IReadOnlySet<string> roles) =>
        (userId is not null && _users.Contains(userId))
        || Overlaps(_groups, groups)
        || Overlaps(_roles, roles);

    private static bool Overlaps(HashSet<string> audience, IReadOnlySet<string> subscriber) =>
        audience.Count > 0 && subscriber.Count > 0 && subscriber.Any(audience.Contains);

    private static HashSet<string> Read(JsonElement root, string name)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.String)
                {
                    set.Add(entry.GetString()!);
                }
            }
        }
        return set;
    }
}
