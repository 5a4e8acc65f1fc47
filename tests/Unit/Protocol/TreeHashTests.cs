using Emx2Hpc.Core.Protocol;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Protocol;

public class TreeHashTests
{
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public void No_files_have_no_hash() => Assert.Null(TreeHash.Compute([]));

    [Fact]
    public void One_file_is_its_own_hash() => Assert.Equal(A, TreeHash.Compute([("only.txt", A)]));

    [Fact]
    public void Many_files_hash_the_sorted_concatenation_without_separators() =>
        Assert.Equal(BodyHash.OfUtf8($"a.txt:{A}b.txt:{B}"), TreeHash.Compute([("b.txt", B), ("a.txt", A)]));

    [Fact]
    public void Sort_is_ordinal_code_unit_order_not_culture_order()
    {
        // Ordinal: "B" (0x42) < "a" (0x61) < "é" (0xE9); a culture sort would put "a" first and "é" next to "e".
        var expected = BodyHash.OfUtf8($"B:{A}a:{B}é:{A}");
        Assert.Equal(expected, TreeHash.Compute([("é", A), ("a", B), ("B", A)]));
    }

    [Fact]
    public void Order_of_input_does_not_matter() =>
        Assert.Equal(TreeHash.Compute([("x/1", A), ("x/2", B), ("y", A)]), TreeHash.Compute([("y", A), ("x/2", B), ("x/1", A)]));
}
