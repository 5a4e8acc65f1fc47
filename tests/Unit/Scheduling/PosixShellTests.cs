using Xunit;
using Emx2Hpc.Core.Scheduling.Slurm;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class PosixShellTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(rm -rf /)", "'$(rm -rf /)'")]
    [InlineData("a\nb", "'a\nb'")]
    [InlineData("'", "''\\'''")]
    public void Quote_wraps_in_single_quotes_and_escapes_only_the_quote(string value, string expected) =>
        Assert.Equal(expected, PosixShell.Quote(value));

    [Fact]
    public void Quote_refuses_NUL() => Assert.Throws<ArgumentException>(() => PosixShell.Quote("a\0b"));

    [Fact]
    public void QuoteAll_joins_with_spaces() => Assert.Equal("'a' 'b c'", PosixShell.QuoteAll(["a", "b c"]));
}
