using System.Text.RegularExpressions;

namespace Emx2Hpc.Emulator.Model;

/// <summary>UUID acceptance as Java's UUID.fromString: five dash-separated hex groups, any case, and short groups
/// tolerated (e.g. "1-2-3-4-5"). The server validates X-Request-Id and job/artifact path ids this way.</summary>
internal static partial class JavaUuid
{
    [GeneratedRegex("^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$")]
    private static partial Regex Shape();

    public static bool IsValid(string? text) => text is not null && Shape().IsMatch(text);

    /// <summary>Checks a path id and throws the server's 400 messages.</summary>
    public static string RequirePathId(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw HpcProblemException.BadRequest("id is required");
        if (!IsValid(id)) throw HpcProblemException.BadRequest("id must be a valid UUID format");
        return id;
    }
}
