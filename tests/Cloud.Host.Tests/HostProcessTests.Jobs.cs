using System.Net.Http.Json;
using System.Text.Json;

namespace Cloud.Host.Tests;

/// <summary>Jobs across processes: a host killed mid-job, and the worker verb draining the queue another host filled.</summary>
public sealed partial class HostProcessTests
{
    private const int Kill = 9;

    // Short locks so a killed runner's job comes back within seconds; no samples, so only the test's job runs.
    private static string[] JobHost(string data, string samples, params string[] more) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--Cloud:Storage:DataDirectory", data,
        "--Cloud:Local:SeedModelsFrom", samples,
        "--Cloud:Jobs:LockDuration", "00:00:02",
        "--Cloud:Jobs:HeartbeatInterval", "00:00:00.3",
        "--Cloud:Jobs:ReceiveWait", "00:00:00.5",
        "--Cloud:Jobs:PollInterval", "00:00:00.1",
        .. more,
    ];

    [Fact]
    public async Task AHostKilledMidJobRetriesTheJobOnceWhenItIsBackAndTheJobSucceeds()
    {
        using var data = new TempDirectory();
        using var samples = new TempDirectory();
        await using (var first = await HostProcess.StartAsync(JobHost(data.Path, samples.Path)))
        {
            using var client = new HttpClient { BaseAddress = first.Url, Timeout = TimeSpan.FromSeconds(30) };
            var submitted = await client.PostAsJsonAsync("/api/jobs", new { kind = "probe", id = "probe-kill", spec = new { seconds = 3 } });
            submitted.EnsureSuccessStatusCode();
            await Eventually.TrueAsync(async () => await StatusAsync(client, "probe-kill") == "running", "the probe to run");

            Assert.Equal(0, kill(first.Id, Kill));
            Assert.Equal(128 + Kill, await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        await using var second = await HostProcess.StartAsync(JobHost(data.Path, samples.Path));
        using var again = new HttpClient { BaseAddress = second.Url, Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.TrueAsync(async () => await StatusAsync(again, "probe-kill") == "succeeded", "the probe to run again and succeed");

        var job = JsonDocument.Parse(await again.GetStringAsync("/api/jobs/probe-kill")).RootElement;
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.EndsWith($":{second.Id}", job.GetProperty("worker").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWorkerVerbRunsWhatAnotherHostQueuedAndExitsOnceTheQueueIsDrained()
    {
        using var data = new TempDirectory();
        using var samples = new TempDirectory();
        await using var host = await HostProcess.StartAsync(JobHost(data.Path, samples.Path, "--Cloud:Jobs:RunJobs", "false"));
        using var client = new HttpClient { BaseAddress = host.Url, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var id in new[] { "probe-a", "probe-b" })
        {
            (await client.PostAsJsonAsync("/api/jobs", new { kind = "probe", id })).EnsureSuccessStatusCode();
        }

        await using var worker = HostProcess.Start(["worker", "--until-empty", .. JobHost(data.Path, samples.Path)[2..]]);
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.Contains("is drained; the runner stops", worker.Output, StringComparison.Ordinal);
        foreach (var id in new[] { "probe-a", "probe-b" })
        {
            var job = JsonDocument.Parse(await client.GetStringAsync($"/api/jobs/{id}")).RootElement;
            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            Assert.EndsWith($":{worker.Id}", job.GetProperty("worker").GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task<string?> StatusAsync(HttpClient client, string id) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/jobs/{id}")).RootElement.GetProperty("status").GetString();
}
