using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class ProgressReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string FilePath => _temp[ProgressReader.FileName];

    public void Dispose() => _temp.Dispose();

    private void Append(string text) => File.AppendAllText(FilePath, text);
    private void AppendBytes(params byte[] bytes) { using var s = new FileStream(FilePath, FileMode.Append); s.Write(bytes); }
    private long Length => new FileInfo(FilePath).Length;

    private ProgressUpdate? Single(string content)
    {
        File.WriteAllText(FilePath, content);
        return ProgressReader.ReadFile(FilePath, 0).Update;
    }

    [Fact]
    public void Last_valid_line_wins_and_the_offset_is_the_end()
    {
        Append("{\"phase\":\"a\",\"progress\":0.1}\n{\"phase\":\"b\",\"message\":\"m\",\"progress\":0.5}\n");

        var result = ProgressReader.ReadFile(FilePath, 0);

        Assert.Equal(new ProgressUpdate("b", "m", 0.5), result.Update);
        Assert.Equal(Length, result.Offset);
    }

    [Fact]
    public void Reads_through_the_output_directory_of_a_job()
    {
        var dirs = Emx2Hpc.Core.Scheduling.JobDirectories.For(_temp["jobs"], "j");
        dirs.Create();
        File.WriteAllText(Path.Combine(dirs.Output, ".hpc_progress.jsonl"), "{\"phase\":\"align\"}\n");

        Assert.Equal(new ProgressUpdate("align", null, null), ProgressReader.Read(dirs, 0).Update);
    }

    [Fact]
    public void A_partial_last_line_is_left_for_the_next_read()
    {
        Append("{\"phase\":\"b\"}\n");
        var complete = Length;
        Append("{\"phase\":\"c\",\"prog");

        var first = ProgressReader.ReadFile(FilePath, 0);
        Assert.Equal(new ProgressUpdate("b", null, null), first.Update);
        Assert.Equal(complete, first.Offset);

        Append("ress\":0.9}\n");
        var second = ProgressReader.ReadFile(FilePath, first.Offset);
        Assert.Equal(new ProgressUpdate("c", null, 0.9), second.Update);
        Assert.Equal(Length, second.Offset);

        var third = ProgressReader.ReadFile(FilePath, second.Offset);
        Assert.Equal(new ProgressReadResult(null, Length), third);
    }

    [Fact]
    public void A_complete_object_without_newline_counts_but_stays_unconsumed()
    {
        Append("{\"phase\":\"a\"}\n");
        var before = Length;
        Append("{\"phase\":\"d\"}");

        var first = ProgressReader.ReadFile(FilePath, 0);
        Assert.Equal(new ProgressUpdate("d", null, null), first.Update);
        Assert.Equal(before, first.Offset);

        var again = ProgressReader.ReadFile(FilePath, first.Offset);
        Assert.Equal(first.Update!.Fingerprint, again.Update!.Fingerprint);

        Append("\n");
        var terminated = ProgressReader.ReadFile(FilePath, again.Offset);
        Assert.Equal(new ProgressUpdate("d", null, null), terminated.Update);
        Assert.Equal(Length, terminated.Offset);
    }

    [Fact]
    public void Garbage_invalid_utf8_and_non_objects_are_skipped()
    {
        Append("{\"phase\":\"good\"}\n");
        Append("garbage\n");
        AppendBytes(0x7B, 0x22, 0x70, 0x68, 0x61, 0x73, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A); // {"phase":"\xFF\xFE"}
        Append("[1,2]\n\"just a string\"\n\n   \n{\"phase\":\n");

        Assert.Equal(new ProgressUpdate("good", null, null), ProgressReader.ReadFile(FilePath, 0).Update);
    }

    [Fact]
    public void A_lone_escaped_surrogate_makes_the_line_garbage()
    {
        Assert.Equal(new ProgressUpdate("good", null, null), Single("{\"phase\":\"good\"}\n{\"phase\":\"\\ud800\"}\n"));
    }

    [Fact]
    public void Bom_and_crlf_are_tolerated()
    {
        Assert.Equal(new ProgressUpdate("x", null, null), Single("\uFEFF{\"phase\":\"x\"}\r\n"));
    }

    [Fact]
    public void A_2_MiB_file_is_read_from_its_tail_only()
    {
        var line = new StringBuilder();
        using (var writer = new StreamWriter(FilePath))
        {
            for (var i = 0; Length2(writer) < 2 * 1024 * 1024; i++)
                writer.Write($"{{\"phase\":\"step {i}\",\"message\":\"{new string('m', 100)}\",\"progress\":0.{i % 10}}}\n");
            writer.Write("{\"phase\":\"final\",\"progress\":0.99}\n");
        }
        Assert.True(Length > 2 * 1024 * 1024);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var result = ProgressReader.ReadFile(FilePath, 0);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(new ProgressUpdate("final", null, 0.99), result.Update);
        Assert.Equal(Length, result.Offset);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");

        static long Length2(StreamWriter w) { w.Flush(); return w.BaseStream.Length; }
    }

    [Fact]
    public void A_line_longer_than_the_window_is_skipped()
    {
        Append(new string('x', 100 * 1024) + "\n{\"phase\":\"after\"}\n");
        Assert.Equal(new ProgressUpdate("after", null, null), ProgressReader.ReadFile(FilePath, 0).Update);

        File.WriteAllText(FilePath, new string('y', 200 * 1024)); // never terminated
        var result = ProgressReader.ReadFile(FilePath, 0);
        Assert.Equal(new ProgressReadResult(null, 200 * 1024), result);
    }

    [Fact]
    public void Truncation_starts_over()
    {
        Append("{\"phase\":\"old phase with a long name\"}\n{\"phase\":\"older\"}\n");
        var offset = ProgressReader.ReadFile(FilePath, 0).Offset;

        File.WriteAllText(FilePath, "{\"phase\":\"new\"}\n");
        var result = ProgressReader.ReadFile(FilePath, offset);

        Assert.Equal(new ProgressReadResult(new ProgressUpdate("new", null, null), Length), result);
    }

    [Fact]
    public void Nothing_new_returns_null_and_keeps_the_offset()
    {
        Append("{\"phase\":\"a\"}\n");
        var end = Length;
        Assert.Equal(new ProgressReadResult(null, end), ProgressReader.ReadFile(FilePath, end));
    }

    [Fact]
    public void Missing_file_directory_link_and_fifo_read_as_no_progress()
    {
        Assert.Equal(new ProgressReadResult(null, 0), ProgressReader.ReadFile(FilePath, 0));

        Directory.CreateDirectory(FilePath);
        Assert.Equal(new ProgressReadResult(null, 0), ProgressReader.ReadFile(FilePath, 10));
        Directory.Delete(FilePath);

        var secret = _temp.WriteFile("secret.jsonl", "{\"phase\":\"leaked\"}\n");
        File.CreateSymbolicLink(FilePath, secret);
        Assert.Equal(new ProgressReadResult(null, 0), ProgressReader.ReadFile(FilePath, 0));
        File.Delete(FilePath);

        SpecialFiles.Fifo(FilePath);
        Assert.Equal(new ProgressReadResult(null, 0), ProgressReader.ReadFile(FilePath, 0));
    }

    [Fact]
    public void Strings_are_stripped_of_control_characters_trimmed_and_truncated()
    {
        var update = Single($"{{\"phase\":\"{new string('p', 150)}\",\"message\":\"{new string('m', 600)}\"}}\n");
        Assert.Equal(new string('p', 100), update!.Phase);
        Assert.Equal(new string('m', 500), update.Message);

        update = Single("{\"phase\":\" a\\u0007b\\nc\\u001b[31m \",\"message\":\"\\t\\r\\n\"}\n");
        Assert.Equal(new ProgressUpdate("abc[31m", null, null), update);

        update = Single($"{{\"phase\":\"{new string('a', 99)}\\ud83d\\ude00\"}}\n"); // emoji straddles the limit
        Assert.Equal(new string('a', 99), update!.Phase);
    }

    [Theory]
    [InlineData("1.7", 1.0)]
    [InlineData("-0.2", 0.0)]
    [InlineData("-0.0", 0.0)]
    [InlineData("0.25", 0.25)]
    [InlineData("\"0.4\"", 0.4)]
    [InlineData("\" 1e-1 \"", 0.1)]
    [InlineData("1", 1.0)]
    public void Progress_is_clamped_to_the_unit_interval(string json, double expected)
    {
        var update = Single($"{{\"progress\":{json}}}\n");
        Assert.Equal(expected, update!.Progress);
        Assert.False(double.IsNegative(update.Progress!.Value));
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("1e400")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("\"half\"")]
    [InlineData("[0.5]")]
    public void Unusable_progress_values_are_dropped(string json)
    {
        var update = Single($"{{\"phase\":\"p\",\"progress\":{json}}}\n");
        Assert.Equal(new ProgressUpdate("p", null, null), update);
    }

    [Fact]
    public void Wrong_types_and_unknown_keys_are_dropped_and_an_empty_result_is_null()
    {
        Assert.Equal(new ProgressUpdate(null, "ok", null), Single("{\"phase\":5,\"message\":\"ok\",\"extra\":\"x\"}\n"));
        // The newest object wins even when nothing usable is in it: no fallback to older lines.
        Assert.Null(Single("{\"phase\":\"old\"}\n{\"foo\":1,\"phase\":{\"x\":1}}\n"));
        Assert.Null(Single("{}\n"));
    }

    [Fact]
    public void Detail_and_percent_follow_the_reference_format()
    {
        Assert.Equal("progress: align; reads 3/10; 30%", new ProgressUpdate("align", "reads 3/10", 0.3).Detail);
        Assert.Equal("progress: 13%", new ProgressUpdate(null, null, 0.125).Detail);
        Assert.Equal("progress: done", new ProgressUpdate("done", null, null).Detail);
        Assert.Equal(100, new ProgressUpdate(null, null, 1.0).Percent);
        Assert.Null(new ProgressUpdate("x", null, null).Percent);
    }

    [Fact]
    public void Fingerprint_is_stable_and_changes_with_content()
    {
        var a = Single("{\"phase\":\"b\",\"message\":\"m\",\"progress\":0.5}\n")!;
        var b = Single("{\"progress\":0.5,\"message\":\"m\",\"phase\":\"b\",\"ignored\":1}\n")!;

        Assert.Equal(a, b);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(BodyHash.OfUtf8("[\"b\",\"m\",\"0.5\"]"), a.Fingerprint);
        Assert.NotEqual(a.Fingerprint, new ProgressUpdate("b", "m", 0.51).Fingerprint);
        Assert.NotEqual(new ProgressUpdate("b", null, null).Fingerprint, new ProgressUpdate(null, "b", null).Fingerprint);
    }

    [Fact]
    public void Fingerprints_persisted_by_the_reflection_serializer_still_match()
    {
        // Stored fingerprints decide whether progress is posted again after an upgrade: escaping must not change.
        string?[] fields = ["<é\"\u0001&", null, "1"];
        Assert.Equal(BodyHash.OfUtf8(System.Text.Json.JsonSerializer.Serialize(fields)), new ProgressUpdate("<é\"\u0001&", null, 1.0).Fingerprint);
    }
}
