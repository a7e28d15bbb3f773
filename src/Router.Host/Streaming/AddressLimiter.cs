using System.Collections.Concurrent;
using System.Net;

namespace Router.Host.Streaming;

/// <summary>
/// Open streams per client address (SPEC §8, hostile input): one address opening thousands of streams gets 429
/// instead of eating the node's connection limit. Counted per open stream, not per request, so it bounds
/// exactly the long-lived resource. Behind a proxy every client shares the proxy's address: raise the limit there.
/// </summary>
internal sealed class AddressLimiter
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Takes a slot for the address; false (nothing taken) when it already holds <paramref name="max"/>.</summary>
    public bool TryEnter(IPAddress? address, int max)
    {
        if (address is null)
        {
            return true;
        }
        while (true)
        {
            var current = _open.GetOrAdd(address, 0);
            if (current >= max)
            {
                return false;
            }
            if (_open.TryUpdate(address, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Leave(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }
        while (_open.TryGetValue(address, out var current))
        {
            if (current <= 1 ? _open.TryRemove(KeyValuePair.Create(address, current)) : _open.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }
}
