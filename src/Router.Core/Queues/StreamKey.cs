namespace Router.Queues;

/// <summary>Which stream a <see cref="QueueActor"/> carries: one queue, or the tenant-level stream (<see cref="Queue"/> null).</summary>
internal readonly record struct StreamKey(string? Queue)
{
    public static StreamKey TenantLevel => default;

    public bool IsTenantLevel => Queue is null;

    /// <summary>The child's name in actor paths.</summary>
    public string ActorName => Queue is { } q ? $"queues/{q}" : "stream";

    public override string ToString() => Queue ?? "(tenant)";
}
