using System.Management.Automation;
using System.Management.Automation.Host;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>The cron contract: <c>pwsh -NoProfile -NonInteractive -c 'Invoke-HpcCycle'</c> exits 0 on success, 1 when
/// EMX2 is down (a non-terminating error) and 2 when the configuration is unusable — the exit codes of
/// <c>emx2-hpc once</c>, so monitoring can tell "fix the file" from "wait for EMX2". pwsh -c itself only knows 0
/// and 1, so for a bad configuration the cmdlet asks the host for 2 with <see cref="PSHost.SetShouldExit"/>, the
/// mechanism behind <c>exit 2</c>. Only in a non-interactive console pwsh: in an interactive shell it would close the
/// user's session, and a host embedding PowerShell has its own exit code.</summary>
internal static class NonInteractiveExit
{
    public const int ConfigInvalid = 2;

    public static void RequestForBadConfig(PSHost host)
    {
        if (IsNonInteractiveConsole(host)) host.SetShouldExit(ConfigInvalid);
    }

    private static bool IsNonInteractiveConsole(PSHost host) =>
        host.Name == "ConsoleHost" && Environment.GetCommandLineArgs().Skip(1).Any(IsNonInteractiveSwitch);

    // pwsh accepts any unambiguous prefix of -NonInteractive from -noni on, with one or two dashes (or / on Windows).
    private static bool IsNonInteractiveSwitch(string argument)
    {
        var name = argument.TrimStart('-', '/').ToLowerInvariant();
        return argument.Length > name.Length && name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal);
    }
}
