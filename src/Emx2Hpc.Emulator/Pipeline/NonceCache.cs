using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>The server's nonce replay cache (SERVER-SPEC §4.3): nonce → client timestamp. Each check first drops
/// entries older than the clock window, rejects a known nonce, records the new one, then evicts least recently
/// used entries beyond the capacity. A time-ordered heap keeps the time eviction cheap at 50,000 entries.</summary>
internal sealed class NonceCache(int capacity = ProtocolConstants.NonceCacheCapacity)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byNonce = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly PriorityQueue<LinkedListNode<Entry>, long> _byTime = new();

    private sealed record Entry(string Nonce, long Timestamp);

    public int Count
    {
        get { lock (_gate) return _byNonce.Count; }
    }

    /// <summary>True when the nonce is fresh (and is now recorded); false for a replay.</summary>
    public bool TryRecord(string nonce, long clientTimestamp, long serverNow)
    {
        lock (_gate)
        {
            EvictOlderThan(serverNow - ProtocolConstants.HmacClockWindowSeconds);
            if (_byNonce.TryGetValue(nonce, out var known))
            {
                // Access-ordered map: a lookup refreshes recency, a replay included.
                _recency.Remove(known);
                _recency.AddLast(known);
                return false;
            }
            var node = _recency.AddLast(new Entry(nonce, clientTimestamp));
            _byNonce[nonce] = node;
            _byTime.Enqueue(node, clientTimestamp);
            while (_byNonce.Count > capacity) Remove(_recency.First!);
            return true;
        }
    }

    private void EvictOlderThan(long cutoff)
    {
        while (_byTime.TryPeek(out var node, out var timestamp) && timestamp < cutoff)
        {
            _byTime.Dequeue();
            // The node may already be gone through LRU eviction; only remove what is still the live entry.
            if (_byNonce.TryGetValue(node.Value.Nonce, out var live) && ReferenceEquals(live, node)) Remove(node);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _byNonce.Remove(node.Value.Nonce);
    }
}
