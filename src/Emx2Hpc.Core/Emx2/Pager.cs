using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Reads a whole offset-paged list (the reference daemon read only the first page of 100 and
/// then dropped local state for jobs it had not seen). Lists change while they are read — jobs get claimed
/// away from the PENDING list, new ones are appended — so items are deduplicated by id, and when total_count
/// shrinks between two pages the reader steps back by the shrinkage before going on: removals before the offset
/// shift later items left, and without stepping back those would be skipped. Best effort by nature (a removal
/// hidden by an equal number of insertions is invisible), but it never duplicates, never stops early on growth
/// and always terminates.</summary>
internal static class Pager
{
    /// <summary>Safety stop against a server that ignores offset and returns the same full page forever.</summary>
    private const int MaxPages = 100_000;

    public static async Task<IReadOnlyList<T>> CollectAsync<T>(int pageSize,
        Func<int, int, CancellationToken, Task<PagedList<T>>> fetch, Func<T, string> idOf, CancellationToken ct)
    {
        if (pageSize < 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "must not be negative");
        var items = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var offset = 0;
        int? lastTotal = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var page = await fetch(pageSize, offset, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
                if (seen.Add(idOf(item))) items.Add(item);

            // limit=0 means "everything" on the server.
            if (pageSize == 0) return items;

            var shrunk = lastTotal is { } previous && page.TotalCount < previous ? previous - page.TotalCount : 0;
            lastTotal = page.TotalCount;
            if (shrunk > 0)
            {
                // This page was read after items before it disappeared, so it starts `shrunk` items later than
                // intended: re-read from that far back (the overlap is deduplicated).
                offset = Math.Max(0, offset - shrunk);
                continue;
            }
            if (page.Items.Count < pageSize) return items;
            offset += page.Items.Count;
        }
        throw new InvalidOperationException($"paging stopped after {MaxPages} pages; the server does not seem to honour offset");
    }
}
