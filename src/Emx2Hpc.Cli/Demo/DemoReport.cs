using System.Globalization;
using System.Text;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Cli.Demo;

/// <summary>Prints what an EMX2 user would see: the job's audit trail and its result artifacts.</summary>
internal static class DemoReport
{
    /// <summary>EMX2 stamps transitions in its own zone without saying which; shown in UTC so the reader knows.</summary>
    private static string Utc(Emx2Client user, string? timestamp) =>
        user.ServerClock.ToUtc(timestamp) is { } utc ? utc.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : timestamp ?? "-";

    public static async Task WriteAsync(TextWriter output, Emx2Client user, JobDto job, CancellationToken ct)
    {
        output.WriteLine();
        output.WriteLine($"transition history of job {job.Id} (times in UTC):");
        foreach (var t in await user.GetTransitionsAsync(job.Id, ct))
        {
            var progress = t.Progress is { } p ? $" [{p * 100:0}% {t.Phase}]" : "";
            output.WriteLine($"  {Utc(user, t.Timestamp),-24} {t.FromStatus ?? "-",-9} -> {t.ToStatus,-9} {t.Detail}{progress}");
        }
        foreach (var (role, id) in new[] { ("output", job.OutputArtifactId), ("log", job.LogArtifactId) })
        {
            output.WriteLine();
            if (id is null)
            {
                output.WriteLine($"{role} artifact: none");
                continue;
            }
            var artifact = await user.GetArtifactAsync(id, ct);
            output.WriteLine($"{role} artifact {id}: {artifact.Status}, sha256 {artifact.Sha256}, {artifact.SizeBytes} bytes");
            foreach (var file in await user.ListAllArtifactFilesAsync(id, null, ct))
            {
                output.WriteLine($"  {file.Path} ({file.SizeBytes} bytes, {file.ContentType}, sha256 {file.Sha256})");
                if (file.Path == "result.txt")
                {
                    using var buffer = new MemoryStream();
                    await user.DownloadFileAsync(id, file.Path, buffer, null, ct);
                    foreach (var line in Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        output.WriteLine($"    | {line}");
                }
            }
        }
        output.WriteLine();
    }
}
