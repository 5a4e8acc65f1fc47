using System.Management.Automation;
using System.Text.Json;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Creates a job in EMX2.</summary>
/// <remarks>The job starts PENDING; a worker whose configuration has a matching processor and profile claims it.
/// -Parameters and -Inputs take a hashtable, an object or JSON text. Creating jobs needs an EMX2 user with the
/// Editor role or more, hence usually -Token. Outputs the created job.</remarks>
/// <example>
/// <code>New-HpcJob -Processor text-embedding:v3 -Profile gpu-medium -Parameters @{ model = 'small' } -Token $token</code>
/// Creates a job with one parameter.
/// </example>
/// <example>
/// <code>New-HpcJob -Processor demo:v1 -Token $token | Get-HpcJobTransition -Token $token</code>
/// Creates a job and shows its (first) transition.
/// </example>
[Cmdlet(VerbsCommon.New, "HpcJob", SupportsShouldProcess = true)]
[OutputType(typeof(Job))]
public sealed class NewHpcJobCommand : HpcUserCmdlet
{
    /// <summary>The processor that runs the job (e.g. text-embedding:v3).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(ProcessorCompleter))]
    [ValidateNotNullOrEmpty]
    public string Processor { get; set; } = "";

    /// <summary>The resource profile (e.g. gpu-medium). Default: the processor's default profile.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Profile { get; set; }

    /// <summary>Job parameters: a hashtable, an object or JSON text.</summary>
    [Parameter]
    [JsonArgument]
    public JsonElement? Parameters { get; set; }

    /// <summary>Input artifacts: a hashtable, an object, an array or JSON text, as the processor expects them.</summary>
    [Parameter]
    [JsonArgument]
    public JsonElement? Inputs { get; set; }

    /// <summary>Fail the job when it has not finished after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Processor, "Create job")) return;
        var request = new CreateJobRequest
        {
            Processor = Processor,
            Profile = Profile,
            Parameters = Parameters,
            Inputs = Inputs,
            TimeoutSeconds = TimeoutSeconds,
        };
        Emit(Processor, (session, ct) => session.NewJobAsync(request, ct), JobMapping.ToJob);
    }
}
