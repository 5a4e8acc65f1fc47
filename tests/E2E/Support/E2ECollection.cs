using Xunit;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>Every end-to-end test is in this one collection: they share one emulator, one worker configuration and
/// one Slurm cluster (whose two CPUs also serve other users), so they never run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class E2ECollection : ICollectionFixture<E2EEnvironment>
{
    public const string Name = "e2e: live Slurm cluster";
}
