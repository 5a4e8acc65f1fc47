using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Endpoints;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Emx2Hpc.Emulator.Storage;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Small server rules checked directly (the HTTP tests cover them end to end where HTTP can carry them).</summary>
public class EmulatorRulesTests
{
    [Theory]
    [InlineData("results/output.bin")]
    [InlineData("a/b/c.txt")]
    [InlineData("with space.txt")]
    [InlineData("..hidden/x")]
    [InlineData("a/..b")]
    public void Accepts_relative_paths(string path) => FilePathRules.Validate(path);

    [Theory]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData("../x", "'..'")]
    [InlineData("a/../../b", "'..'")]
    [InlineData("a\\..\\b", "'..'")]
    [InlineData("a/..", "'..'")]
    [InlineData("/abs", "relative")]
    [InlineData("\\x", "relative")]
    [InlineData("a\0b", "NUL")]
    public void Rejects_unsafe_paths(string path, string detail)
    {
        var ex = Assert.Throws<HpcProblemException>(() => FilePathRules.Validate(path));
        Assert.Equal(400, ex.Status);
        Assert.Contains(detail, ex.Detail);
    }

    [Fact]
    public void Rejects_paths_over_1024_characters()
    {
        FilePathRules.Validate(new string('a', 1024));
        Assert.Throws<HpcProblemException>(() => FilePathRules.Validate(new string('a', 1025)));
    }

    [Theory]
    [InlineData("file:///data/out")]
    [InlineData("file:///data/..x/out")]
    public void Accepts_posix_content_urls(string url) => ContentUrlRules.ValidatePosix(url);

    [Theory]
    [InlineData(null, "required")]
    [InlineData("s3://bucket/x", "file://")]
    [InlineData("file://relative/x", "absolute")]
    [InlineData("file:///data/../etc", "'..'")]
    [InlineData("file:///data/\0", "NUL")]
    public void Rejects_bad_posix_content_urls(string? url, string detail) =>
        Assert.Contains(detail, Assert.Throws<HpcProblemException>(() => ContentUrlRules.ValidatePosix(url)).Detail);

    [Theory]
    [InlineData("res", "res*")]
    [InlineData("a%b", "a*b*")]
    [InlineData("a_b", "a?b*")]
    [InlineData("a\\_b", "a_b*")]
    [InlineData("x*y?[", "x[*]y[?][[]*")]
    public void Like_prefix_becomes_an_equivalent_case_sensitive_glob(string prefix, string glob) =>
        Assert.Equal(glob, LikePattern.PrefixToGlob(prefix));

    [Theory]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", true)]
    [InlineData("550E8400-E29B-41D4-A716-446655440000", true)]
    [InlineData("1-2-3-4-5", true)]
    [InlineData("550e8400e29b41d4a716446655440000", false)]
    [InlineData("not-a-uuid-at-all-x", false)]
    [InlineData("", false)]
    public void Java_uuid_shapes(string text, bool valid) => Assert.Equal(valid, JavaUuid.IsValid(text));

    [Theory]
    [InlineData("2026-03-11T10:28", true)]
    [InlineData("2026-03-11 10:28:37", true)]
    [InlineData("2026-03-11T10:28:37.123456", true)]
    [InlineData("2026-03-11T10:28:37Z", false)]
    [InlineData("2026-03-11T10:28:37+01:00", false)]
    [InlineData("tomorrow", false)]
    public void Expires_at_must_be_a_naive_local_datetime(string text, bool valid) =>
        Assert.Equal(valid, LocalDateTimeParser.TryParse(text, out _));

    [Theory]
    [InlineData("results/out.txt", "attachment; filename=\"out.txt\"; filename*=UTF-8''out.txt")]
    [InlineData("a\\b\\report final.csv", "attachment; filename=\"report final.csv\"; filename*=UTF-8''report%20final.csv")]
    [InlineData("dir/", "attachment; filename=\"download\"; filename*=UTF-8''download")]
    [InlineData("é.txt", "attachment; filename=\"_.txt\"; filename*=UTF-8''%C3%A9.txt")]
    public void Content_disposition_uses_the_basename(string path, string expected) => Assert.Equal(expected, ContentDisposition.For(path));
}
