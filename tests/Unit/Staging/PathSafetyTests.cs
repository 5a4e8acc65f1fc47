using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class PathSafetyTests
{
    [Theory]
    [InlineData("a.txt", null)]
    [InlineData("dir/sub/a.txt", null)]
    [InlineData("a..b/c", null)]
    [InlineData("", "path is blank")]
    [InlineData("   ", "path is blank")]
    [InlineData("/etc/passwd", "path is absolute")]
    [InlineData("\\share", "path is absolute")]
    [InlineData("../../etc/passwd", "path contains a '..' segment")]
    [InlineData("a\\..\\b", "path contains a '..' segment")]
    [InlineData("a/b/..", "path contains a '..' segment")]
    [InlineData("a\0b", "path contains a NUL character")]
    public void Server_rules(string path, string? problem)
    {
        Assert.Equal(problem, PathSafety.ServerPathProblem(path));
    }

    [Fact]
    public void Server_length_limit_is_1024()
    {
        Assert.Null(PathSafety.ServerPathProblem(new string('a', 1024)));
        Assert.Equal("path is longer than 1024 characters", PathSafety.ServerPathProblem(new string('a', 1025)));
    }

    [Theory]
    [InlineData("a\\b", "path contains a backslash")]
    [InlineData("a//b", "path has an empty segment")]
    [InlineData("a/", "path has an empty segment")]
    [InlineData("./a", "path has a '.' segment")]
    [InlineData("ok/fine.txt", null)]
    public void Local_rules_add_one_spelling_per_file(string path, string? problem)
    {
        Assert.Equal(problem, PathSafety.LocalPathProblem(path));
    }

    [Fact]
    public void Containment_uses_a_separator_so_sibling_prefixes_do_not_match()
    {
        Assert.True(PathSafety.IsInside("/data", "/data/x"));
        Assert.True(PathSafety.IsInside("/data/", "/data/x/y"));
        Assert.False(PathSafety.IsInside("/data", "/data2/x"));
        Assert.False(PathSafety.IsInside("/data", "/data"));
        Assert.False(PathSafety.IsInside("/data", "/data/x/../../etc"));
        Assert.True(PathSafety.IsSameOrInside("/data", "/data/"));
        Assert.False(PathSafety.IsSameOrInside("/data", "/data2"));
        Assert.True(PathSafety.IsSameOrInside("/", "/anything"));
    }

    [Fact]
    public void Symlink_components_between_root_and_target_are_found()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["root/real/deeper"]);
        Directory.CreateDirectory(temp["elsewhere"]);
        Directory.CreateSymbolicLink(temp["root/link"], temp["elsewhere"]);

        Assert.False(PathSafety.ContainsSymlink(temp["root"], temp["root/real/deeper/file"]));
        Assert.True(PathSafety.ContainsSymlink(temp["root"], temp["root/link/file"]));
        Assert.True(PathSafety.ContainsSymlink(temp["root"], temp["root/link"]));
        Assert.False(PathSafety.ContainsSymlink(temp["root"], temp["root/missing/x"]));
        Assert.Throws<ArgumentException>(() => PathSafety.ContainsSymlink(temp["root"], temp["elsewhere"]));
    }

    [Fact]
    public void Describe_escapes_control_characters_and_shortens()
    {
        Assert.Equal("a\\u000ab\\u0000", PathSafety.Describe("a\nb\0"));
        Assert.Equal("abc…(10 chars)", PathSafety.Describe("abcdefghij", 3));
    }

    [Fact]
    public void File_kinds_are_reported_without_following_links()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("f.txt", "x");
        File.CreateSymbolicLink(temp["link"], "/etc/passwd");
        Assert.Equal(FileKind.Regular, FileKindProbe.Of(file));
        Assert.Equal(FileKind.Directory, FileKindProbe.Of(temp.Path));
        Assert.Equal(FileKind.Symlink, FileKindProbe.Of(temp["link"]));
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(temp["nope"]));
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(temp["f.txt/below"]));
        Assert.Equal(FileKind.Special, FileKindProbe.Of("/dev/null"));
    }

    [Fact]
    public void Real_path_resolves_links_in_every_component()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("outside/secret.txt", "s");
        Directory.CreateDirectory(temp["allowed"]);
        Directory.CreateSymbolicLink(temp["allowed/dirlink"], "../outside"); // relative link
        File.CreateSymbolicLink(temp["allowed/chain1"], temp["allowed/dirlink/secret.txt"]);

        Assert.Equal(temp["outside/secret.txt"], RealPath.Resolve(temp["allowed/dirlink/secret.txt"]));
        Assert.Equal(temp["outside/secret.txt"], RealPath.Resolve(temp["allowed/chain1"]));
        Assert.Equal(temp["outside"], RealPath.Resolve(temp["allowed/dirlink/../outside"]));
        Assert.Throws<FileNotFoundException>(() => RealPath.Resolve(temp["allowed/none"]));
    }

    [Fact]
    public void Real_path_detects_link_loops()
    {
        using var temp = new TempDirectory();
        File.CreateSymbolicLink(temp["a"], temp["b"]);
        File.CreateSymbolicLink(temp["b"], temp["a"]);
        var e = Assert.Throws<IOException>(() => RealPath.Resolve(temp["a"]));
        Assert.Contains("too many levels of symbolic links", e.Message);
    }
}
