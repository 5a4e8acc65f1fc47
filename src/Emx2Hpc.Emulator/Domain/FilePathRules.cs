using Emx2Hpc.Emulator.Model;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Upload path rules (SERVER-SPEC §6.5): what keeps a file path inside its artifact.</summary>
internal static class FilePathRules
{
    public const int MaxLength = 1024;

    public static void Validate(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw HpcProblemException.BadRequest("File path is required");
        if (path.Length > MaxLength) throw HpcProblemException.BadRequest($"File path must be at most {MaxLength} characters");
        if (path.Contains('\0')) throw HpcProblemException.BadRequest("File path must not contain NUL characters");
        if (path[0] is '/' or '\\') throw HpcProblemException.BadRequest("File path must be relative (must not start with / or \\)");
        if (path.Replace('\\', '/').Split('/').Contains(".."))
            throw HpcProblemException.BadRequest("File path must not contain '..' segments");
    }
}
