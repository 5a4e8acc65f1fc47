namespace Emx2Hpc.Emulator.Model;

/// <summary>Who is calling: an HMAC-authenticated worker (all non-user-only privileges) or a token user with a role.</summary>
internal sealed record HpcPrincipal
{
    public bool IsWorker { get; private init; }
    public string? WorkerId { get; private init; }
    public string? UserName { get; private init; }
    public UserRole? Role { get; private init; }

    public static HpcPrincipal Worker(string workerId) => new() { IsWorker = true, WorkerId = workerId };
    public static HpcPrincipal User(string userName, UserRole role) => new() { UserName = userName, Role = role };

    /// <summary>Admin-ish users pass job ownership checks (cancel/delete someone else's job).</summary>
    public bool IsManagerOrAbove => Role is UserRole.Manager or UserRole.Owner;

    /// <summary>Ownership rule of cancel and delete (SERVER-SPEC §4.4): HMAC, Manager/Owner, or the submitter.</summary>
    public bool MayActOnJobOf(string? submitUser) =>
        IsWorker || IsManagerOrAbove || (UserName is not null && string.Equals(UserName, submitUser, StringComparison.Ordinal));
}
