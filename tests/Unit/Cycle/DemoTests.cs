using Emx2Hpc.Cli.Demo;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class DemoTests
{
    [Fact]
    public async Task The_demo_runs_a_job_to_COMPLETED_with_committed_output_and_log_artifacts()
    {
        var dir = Directory.CreateTempSubdirectory("emx2hpc-demo-test-").FullName;
        try
        {
            using var writer = new StringWriter();
            var exit = await DemoScenario.RunAsync(writer, null, dir, default);
            var text = writer.ToString();

            Assert.True(exit == 0, text);
            Assert.Contains("demo: job COMPLETED with committed output and log artifacts", text);
            Assert.Matches(@"output artifact [0-9a-f-]{36}: COMMITTED, sha256 [0-9a-f]{64}", text);
            Assert.Matches(@"log artifact [0-9a-f-]{36}: COMMITTED, sha256 [0-9a-f]{64}", text);
            Assert.Matches(@"-\s+-> PENDING", text);
            Assert.Matches(@"STARTED\s+-> COMPLETED", text);
            Assert.Contains("| args: [\"--greeting\",\"hello\",\"3\",\"true\"]", text);
            Assert.Matches(@"\| +[0-9a-f-]{36}/data/greeting\.txt\t\d+\t[0-9a-f]{64}", text); // the staged input, verified
            Assert.Single(File.ReadAllLines(Path.Combine(dir, "state", "simulated-scheduler", "submissions.log")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
