using Xunit;

namespace Emx2Hpc.Tests.MiniHpc.Support;

/// <summary>A fact that runs only on the mini HPC cluster (EMX2HPC_MINIHPC=1); otherwise it is reported as skipped
/// with the reason, never silently passed.</summary>
public sealed class MiniHpcFactAttribute : FactAttribute
{
    public const string Variable = "EMX2HPC_MINIHPC";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public MiniHpcFactAttribute()
    {
        if (!Enabled)
            Skip = $"mini HPC scenario: set {Variable}=1 and run on the head node of e2e/minihpc/minihpc.sh --up " +
                   "(e2e/minihpc/minihpc.sh --exec dotnet test tests/MiniHpc)";
    }
}
