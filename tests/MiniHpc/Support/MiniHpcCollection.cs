using Xunit;

namespace Emx2Hpc.Tests.MiniHpc.Support;

/// <summary>One emulator, one worker and one cluster for every scenario, run one after another: the scenarios take
/// nodes down and drain them, which must not overlap.</summary>
[CollectionDefinition(Name)]
public sealed class MiniHpcCollection : ICollectionFixture<MiniHpcEnvironment>
{
    public const string Name = "minihpc";
}
