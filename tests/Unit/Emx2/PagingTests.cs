using System.Text.Json;
using System.Web;
using Emx2Hpc.Core.Emx2;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

/// <summary>Whole-list reads against a fake server whose list changes between page requests.</summary>
public class PagingTests
{
    /// <summary>Serves GET /jobs from a mutable list, applying a mutation after each request is answered.</summary>
    private static Func<RecordedRequest, HttpResponseMessage> JobsServer(List<string> ids, params Action<List<string>>[] afterPage)
    {
        var served = 0;
        return r =>
        {
            var q = HttpUtility.ParseQueryString(r.Uri.Query);
            var limit = int.Parse(q["limit"]!);
            var offset = int.Parse(q["offset"]!);
            var page = ids.Skip(offset).Take(limit == 0 ? int.MaxValue : limit).ToList();
            var body = JsonSerializer.Serialize(new
            {
                items = page.Select(id => new { id, status = "PENDING", processor = "embed" }),
                count = page.Count, total_count = ids.Count, limit, offset,
            });
            if (served < afterPage.Length) afterPage[served](ids);
            served++;
            return ScriptedHandler.Json(200, body);
        };
    }

    private static List<string> Ids(int from, int count) => Enumerable.Range(from, count).Select(i => $"job-{i:D4}").ToList();

    [Fact]
    public async Task Reads_every_page_while_the_list_grows()
    {
        var ids = Ids(0, 250);
        var (client, handler, _) = Create();
        handler.Fallback = JobsServer(ids, list => list.AddRange(Ids(250, 30)));

        var jobs = await client.ListAllJobsAsync(new JobQuery { Status = "CLAIMED", Processor = "embed" });

        Assert.Equal(Ids(0, 280), jobs.Select(j => j.Id).ToList());
        Assert.Equal([
            "/api/hpc/jobs?status=CLAIMED&processor=embed&limit=100&offset=0",
            "/api/hpc/jobs?status=CLAIMED&processor=embed&limit=100&offset=100",
            "/api/hpc/jobs?status=CLAIMED&processor=embed&limit=100&offset=200",
        ], handler.Requests.Select(r => r.PathAndQuery).ToArray());
    }

    [Fact]
    public async Task Steps_back_when_items_before_the_offset_disappear_so_none_is_skipped()
    {
        var ids = Ids(0, 300);
        var (client, handler, _) = Create();
        // After page 1, five jobs on page 1 are claimed away: everything after them shifts left by five.
        handler.Fallback = JobsServer(ids, list => list.RemoveRange(10, 5));

        var jobs = await client.ListAllJobsAsync(new JobQuery());

        var got = jobs.Select(j => j.Id).ToList();
        Assert.Equal(got.Count, got.Distinct().Count());
        Assert.Equal(Ids(0, 300), got.Order().ToList());
        Assert.Equal(["0", "100", "95", "195", "295"],
            handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Uri.Query)["offset"]!).ToArray());
    }

    [Fact]
    public async Task Duplicates_from_items_inserted_before_the_offset_are_dropped()
    {
        var ids = Ids(100, 200);
        var (client, handler, _) = Create();
        // An item sorting first appears after page 1: page 2 then repeats the last item of page 1.
        handler.Fallback = JobsServer(ids, list => list.Insert(0, "job-0000"));

        var jobs = await client.ListAllJobsAsync(new JobQuery { Limit = 100 });

        var got = jobs.Select(j => j.Id).ToList();
        Assert.Equal(got.Count, got.Distinct().Count());
        Assert.Equal(200, got.Count);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Limit_zero_asks_for_everything_in_one_request()
    {
        var (client, handler, _) = Create();
        handler.Fallback = JobsServer(Ids(0, 321));

        var jobs = await client.ListAllJobsAsync(new JobQuery { Limit = 0 });

        Assert.Equal(321, jobs.Count);
        Assert.Equal("/api/hpc/jobs?limit=0&offset=0", Assert.Single(handler.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Artifact_files_are_read_across_pages_with_an_escaped_prefix()
    {
        var (client, handler, _) = Create();
        string Page(int from, int count, int total) => JsonSerializer.Serialize(new
        {
            items = Enumerable.Range(from, count).Select(i => new { id = $"f{i}", path = $"out/{i:D3}.txt", sha256 = new string('a', 64), size_bytes = "12", content_type = "text/plain" }),
            count, total_count = total, limit = 100, offset = from,
        });
        handler.ThenJson(200, Page(0, 100, 150)).ThenJson(200, Page(100, 50, 150));

        var files = await client.ListAllArtifactFilesAsync(ArtifactId, "out/");

        Assert.Equal(150, files.Count);
        Assert.Equal("out/149.txt", files[^1].Path);
        Assert.Equal(12, files[0].SizeBytes);
        Assert.Equal($"/api/hpc/artifacts/{ArtifactId}/files?prefix=out%2F&limit=100&offset=100", handler.Requests[1].PathAndQuery);
    }
}
