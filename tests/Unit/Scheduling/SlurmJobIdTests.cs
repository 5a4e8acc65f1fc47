using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SlurmJobIdTests
{
    [Theory]
    [InlineData("123", "123", null)]
    [InlineData("123_4", "123", null)]
    [InlineData("123_[1-5]", "123", null)]
    [InlineData("123+0", "123", null)]
    [InlineData("123.batch", "123", "batch")]
    [InlineData("123_4.0", "123", "0")]
    [InlineData(" 42 ", "42", null)]
    public void Parses_base_id_and_step(string raw, string baseId, string? step)
    {
        var id = SlurmJobId.Parse(raw);
        Assert.Equal((baseId, step), (id.BaseId, id.Step));
        Assert.Equal(step is not null, id.IsStep);
    }

    [Theory]
    [InlineData("123", true)]
    [InlineData("123_4", true)]
    [InlineData("sim-1234abcd", false)]
    [InlineData("123;cluster", false)]
    [InlineData("", false)]
    [InlineData("1_2_3", false)]
    [InlineData("-1", false)]
    public void Only_numeric_ids_are_queryable(string id, bool expected) => Assert.Equal(expected, SlurmJobId.IsQueryable(id));

    [Theory]
    [InlineData("10_0", "10", true)]
    [InlineData("10_[1-2]", "10", true)]
    [InlineData("100", "10", false)]
    [InlineData("10_0", "10_0", true)]
    [InlineData("10_1", "10_0", false)]
    [InlineData("10_0.batch", "10_0", true)]
    public void Rows_belong_to_requested_ids(string row, string requested, bool expected) =>
        Assert.Equal(expected, SlurmJobId.Parse(row).BelongsTo(requested));
}
