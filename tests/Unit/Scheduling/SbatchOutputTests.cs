using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SbatchOutputTests
{
    [Fact]
    public void Reads_captured_22_05_plain_id() => Assert.Equal("16", SbatchOutput.ParseJobId(Fixtures.Slurm("22.05", "sbatch-parsable.txt")));

    [Fact]
    public void Reads_captured_22_05_id_with_cluster() =>
        Assert.Equal("17", SbatchOutput.ParseJobId(Fixtures.Slurm("22.05", "sbatch-parsable-cluster.txt")));

    [Fact]
    public void Reads_23_11_id_with_cluster() =>
        Assert.Equal("1048577", SbatchOutput.ParseJobId(Fixtures.Slurm("23.11", "sbatch-parsable-cluster.txt")));

    [Theory]
    [InlineData("")]
    [InlineData("Submitted batch job 12")]
    [InlineData("12\n13\n")]
    [InlineData("12;a;b")]
    [InlineData("abc")]
    public void Anything_else_is_not_an_id(string stdout) => Assert.Null(SbatchOutput.ParseJobId(stdout));
}
