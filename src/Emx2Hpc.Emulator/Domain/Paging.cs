using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>limit/offset as the server reads them (SERVER-SPEC §1): missing or non-integer ⇒ 100/0, negative ⇒ 0,
/// limit 0 ⇒ no limit (echoed as 0), no upper cap.</summary>
internal readonly record struct Paging(int Limit, int Offset)
{
    public static Paging From(IQueryCollection query) =>
        new(Read(query, "limit", ProtocolConstants.DefaultPageLimit), Read(query, "offset", 0));

    private static int Read(IQueryCollection query, string name, int fallback)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0) return fallback;
        // Integer.parseInt: optional sign, digits only, no whitespace, must fit in 32 bits.
        return int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? Math.Max(0, n)
            : fallback;
    }
}
