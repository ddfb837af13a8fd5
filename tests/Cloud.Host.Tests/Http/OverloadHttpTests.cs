using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// Overload and abandoned requests over HTTP, on a model whose run lasts milliseconds (samples/models/tiny/slow_sum.onnx).
/// A flood on a queue of two rows: every request is either answered or refused at once with 429, Retry-After and the
/// protocol's error shape, and the refusals are counted. A request whose client gives up while it waits is dropped
/// before it is computed.
/// </summary>
public sealed partial class OverloadHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        await PushSlowAsync("slow", """{"maxBatchSize": 2, "maxEnqueuedBatches": 1, "numBatchThreads": 1}""");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/v1/models/slow:predict", """{"instances": [[3]]}""", "predictions")]
    [InlineData("/v2/models/slow/infer", """{"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [3]}]}""", "outputs")]
    public async Task AFloodIsAnsweredOrRefusedAtOnceWith429AndRetryAfter(string path, string body, string answerKey)
    {
        // One request first, so the version is loaded (and warmed up) before the flood.
        var first = await _host.Client.PostAsync(path, new StringContent(body));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rejectedBefore = await RejectedAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => _host.Client.PostAsync(path, new StringContent(body))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)r.StatusCode}"));
        var answered = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(answered);
        Assert.NotEmpty(refused);
        foreach (var ok in answered)
        {
            // y = x * 2^24, summed the slow way: 3 * 16777216.
            var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty(answerKey);
            var value = answerKey == "predictions" ? json[0][0].GetSingle() : json[0].GetProperty("data")[0].GetSingle();
            Assert.Equal(3f * 16777216f, value);
        }

        foreach (var no in refused)
        {
            var error = JsonDocument.Parse(await no.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
            var match = Overloaded().Match(error);
            Assert.True(match.Success, error);
            var retryAfter = Assert.Single(no.Headers.GetValues("Retry-After"));
            Assert.Equal(match.Groups["seconds"].Value, retryAfter);
            Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        }

        Assert.Equal(refused.Count, await RejectedAsync() - rejectedBefore);
    }

    [Fact]
    public async Task ARequestWhoseClientGoesAwayWhileItWaitsIsNeverComputed()
    {
        // Full batches of 4 rows (about 40 ms each), one at a time: six of them go ahead of the one-row request
        // that is abandoned, so it waits for at least five runs after it arrives. While it waits the queue holds
        // 4k + 1 rows, and only then: that is how the test knows it is queued, whatever the others are doing.
        await PushSlowAsync("slow4", """{"maxBatchSize": 4, "maxEnqueuedBatches": 8, "numBatchThreads": 1}""");
        const string full = """{"instances": [[1], [2], [3], [4]]}""";
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/v1/models/slow4:predict", new StringContent(full))).StatusCode);
        var before = await BatchingAsync("slow4");

        var ahead = Enumerable.Range(0, 6).Select(_ => _host.Client.PostAsync("/v1/models/slow4:predict", new StringContent(full))).ToArray();
        using var giveUp = new CancellationTokenSource();
        var abandoned = _host.Client.PostAsync("/v1/models/slow4:predict", new StringContent("""{"instances": [[5]]}"""), giveUp.Token);
        await Eventually.TrueAsync(async () => (await BatchingAsync("slow4")).GetProperty("queuedRows").GetInt32() % 4 == 1, "the one-row request to queue");
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.All(await Task.WhenAll(ahead), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var after = await BatchingAsync("slow4");
        Assert.Equal(1, Count(after, "cancelledBeforeRun") - Count(before, "cancelledBeforeRun"));
        Assert.Equal(6, Count(after, "items") - Count(before, "items")); // the six ahead ran; the abandoned one did not
        Assert.Equal(24, Count(after, "rows") - Count(before, "rows"));
    }

    private async Task PushSlowAsync(string name, string batching)
    {
        var model = await _host.Client.PutAsync($"/api/models/{name}/versions/1.0.0/files/model.onnx",
            new ByteArrayContent(File.ReadAllBytes(SampleModels.Tiny("slow_sum.onnx"))));
        model.EnsureSuccessStatusCode();
        var manifest = await _host.Client.PutAsync($"/api/models/{name}/versions/1.0.0/files/model.json", new StringContent(
            $$"""{"name": "{{name}}", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "batching": {{batching}}}"""));
        Assert.True(manifest.IsSuccessStatusCode, await manifest.Content.ReadAsStringAsync());
    }

    private async Task<long> RejectedAsync() => Count(await BatchingAsync("slow"), "rejected");

    private async Task<JsonElement> BatchingAsync(string model)
    {
        var status = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement;
        return status.GetProperty("loaded").EnumerateArray().Single(l => l.GetProperty("model").GetString() == model).GetProperty("batching");
    }

    private static long Count(JsonElement batching, string name) => batching.GetProperty(name).GetInt64();

    [GeneratedRegex(@"^slow 1\.0\.0 is overloaded: \d+ rows already wait \(the limit is 2\)\. Retry after (?<seconds>\d+) s\.$")]
    private static partial Regex Overloaded();
}
