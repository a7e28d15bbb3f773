using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Router.Host.Http;

/// <summary>
/// A request's query parameters read straight from its query string, with <c>Request.Query</c>'s rules (names
/// compared ignoring case, <c>+</c> and percent escapes decoded, repeats kept in order). Not <c>Request.Query</c>
/// itself on the stream path: it parses into a dictionary (and a feature) the request then keeps, and a stream keeps
/// its request for hours, ~300 bytes of every idle connection. Each lookup walks the string; the stream reads a few.
/// </summary>
internal readonly struct QueryValues(string? queryString)
{
    public StringValues this[string name]
    {
        get
        {
            StringValues values = default;
            foreach (var pair in new QueryStringEnumerable(queryString))
            {
                if (pair.DecodeName().Span.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    values = StringValues.Concat(values, pair.DecodeValue().ToString());
                }
            }
            return values;
        }
    }

    public static QueryValues Of(HttpRequest request) => new(request.QueryString.Value);
}
