namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Endpoint metadata read by the gate (SERVER-SPEC §4.4): the least role a token user needs, whether the
/// route refuses HMAC workers (credential management), and whether X-Worker-Id is mandatory (worker endpoints).</summary>
internal sealed record RouteAccess(UserRole MinimumRole, bool UserOnly = false, bool RequiresWorkerId = false)
{
    public static readonly RouteAccess Viewer = new(UserRole.Viewer);
    public static readonly RouteAccess Editor = new(UserRole.Editor);
    public static readonly RouteAccess Manager = new(UserRole.Manager);
    public static readonly RouteAccess WorkerEndpoint = new(UserRole.Manager, RequiresWorkerId: true);
    public static readonly RouteAccess ManagerUserOnly = new(UserRole.Manager, UserOnly: true);
}
