using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Cycle;

/// <summary>The cycle's filesystem side effect before submission: the job's directories under the jobs root and its
/// staged inputs. A port so a shadow cycle can hold it back (<see cref="Shadow.ShadowWorkspace"/>).</summary>
public interface IJobWorkspace
{
    Task PrepareAsync(string jobId, JsonElement? inputs, JobDirectories dirs, CancellationToken ct);
}

/// <summary>Creates the job's directories and stages its inputs into them.</summary>
internal sealed class StagingWorkspace(InputStager stager) : IJobWorkspace
{
    public async Task PrepareAsync(string jobId, JsonElement? inputs, JobDirectories dirs, CancellationToken ct)
    {
        dirs.Create();
        await stager.StageAsync(jobId, inputs, dirs, ct);
    }
}
