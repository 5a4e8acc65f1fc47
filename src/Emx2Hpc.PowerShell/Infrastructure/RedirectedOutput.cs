using System.Management.Automation;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>cron and systemd redirect pwsh's output into a log, and pwsh 7 still colours warnings, verbose lines and
/// table headers there with ANSI escapes ($PSStyle.OutputRendering 'Host' does not strip them when the process's own
/// stdout is a file), which makes every log line of a cycle unreadable in less or grep. So when the console host's
/// output is redirected and the user left OutputRendering at its default, the module switches it to PlainText.
/// A user who chose Ansi (or runs the module in another host) keeps what they chose.</summary>
internal static class RedirectedOutput
{
    public static void UsePlainTextWhenRedirected(PSCmdlet cmdlet)
    {
        if (cmdlet.Host.Name != "ConsoleHost" || !Console.IsOutputRedirected) return;
        if (cmdlet.SessionState.PSVariable.GetValue("PSStyle") is not { } style) return;
        // PSStyle is not in the netstandard reference assembly the module compiles against; PowerShell's own
        // adapter reads the property and converts "PlainText" to its enum.
        var rendering = PSObject.AsPSObject(style).Properties["OutputRendering"];
        if (rendering?.Value?.ToString() == "Host") rendering.Value = "PlainText";
    }
}
