using Xunit;
namespace Emx2Hpc.Tests.Unit.TestSupport;

/// <summary>A fact that runs only against real infrastructure (EMX2HPC_E2E=1); otherwise it is reported as
/// skipped with the reason, never silently passed.</summary>
public sealed class E2EFactAttribute : FactAttribute
{
    public const string Variable = "EMX2HPC_E2E";

    public E2EFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
            Skip = $"end-to-end test: set {Variable}=1 on a machine with a running Slurm cluster";
    }
}
