using System.Management.Automation;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>Base of the cmdlets a person (not only the worker) uses against EMX2: they accept a user token, sent as
/// x-molgenis-token instead of the worker's HMAC signature, so jobs can be listed, created and cancelled with the
/// rights of that user.</summary>
public abstract class HpcUserCmdlet : HpcCmdlet
{
    /// <summary>An EMX2 user token, sent as x-molgenis-token instead of the worker signature.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Token { get; set; }

    private protected override string? UserToken => Token;
}
