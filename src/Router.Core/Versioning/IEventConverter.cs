using System.Text.Json.Nodes;

namespace Router.Versioning;

/// <summary>
/// Converts an event's <c>data</c> between two adjacent versions of one base type: an upcaster
/// (<see cref="ToVersion"/> = <see cref="FromVersion"/> + 1) or a downcaster (− 1). Declared
/// conversions compile to this interface too; a C# implementation registered at start-up takes
/// part in the same chains and the same validation.
/// </summary>
/// <remarks>
/// The registry calls <see cref="Convert"/> concurrently from many threads: implementations must be
/// thread-safe and should be pure. The result is computed once per event and target version and
/// shared by every connection that needs it.
/// </remarks>
public interface IEventConverter
{
    /// <summary>The base type without its version suffix, e.g. <c>question.created</c>.</summary>
    string BaseType { get; }

    int FromVersion { get; }

    int ToVersion { get; }

    /// <summary>
    /// Converts <paramref name="data"/> (null is JSON <c>null</c>). The node belongs to this call: an
    /// implementation may change it in place and return it, or return another node.
    /// </summary>
    JsonNode? Convert(JsonNode? data);
}
