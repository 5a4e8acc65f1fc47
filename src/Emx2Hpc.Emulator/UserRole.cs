namespace Emx2Hpc.Emulator;

/// <summary>Privilege of a token user on the HPC resources, in ascending order (SERVER-SPEC §4.1/§4.4). The real
/// server also knows Exists/Range/Aggregator/Count below Viewer; none of them passes any HPC route, so the
/// emulator only models the four roles that matter.</summary>
public enum UserRole
{
    Viewer = 1,
    Editor = 2,
    Manager = 3,
    Owner = 4,
}

internal static class UserRoles
{
    public static bool TryParse(string? text, out UserRole role)
    {
        role = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        // Enum.TryParse would also accept "3" or "Viewer,Owner"; only the names are meaningful here.
        foreach (var candidate in Enum.GetValues<UserRole>())
        {
            if (string.Equals(candidate.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }
        return false;
    }

    public static string Names => string.Join("|", Enum.GetNames<UserRole>());
}
