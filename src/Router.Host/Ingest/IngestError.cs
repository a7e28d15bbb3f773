namespace Router.Host.Ingest;

/// <summary>Why a publish was refused, before anything was appended.</summary>
/// <param name="Status">400 (invalid), or 413 (over a size limit).</param>
/// <param name="Field">The field at fault (<c>type</c>, <c>data</c>, <c>body</c>, …).</param>
/// <param name="Index">The event's index in the request (0 for a single event), when one event is at fault.</param>
/// <param name="Message">A sentence a developer can act on.</param>
internal sealed record IngestError(int Status, string Field, int? Index, string Message, bool MalformedJson = false);
