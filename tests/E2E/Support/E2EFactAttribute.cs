using Xunit;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>A fact that runs only against real infrastructure (EMX2HPC_E2E=1); otherwise it is reported as skipped
/// with the reason, never silently passed.</summary>
public sealed class E2EFactAttribute : FactAttribute
{
    public const string Variable = "EMX2HPC_E2E";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public E2EFactAttribute()
    {
        if (!Enabled)
            Skip = $"end-to-end test: set {Variable}=1 on a machine with a running Slurm cluster (e2e/vagrant/provision.sh --local)";
    }
}
