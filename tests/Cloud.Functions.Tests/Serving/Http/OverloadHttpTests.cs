using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cloud.Functions.Tests.Registration;

namespace Cloud.Functions.Tests.Serving.Http;

/// <summary>
/// Overload over HTTP: a model whose run lasts milliseconds (samples/models/tiny/slow_sum.onnx) behind a queue of
/// two rows, flooded at once. Every request is either answered or refused at once with 429, Retry-After and the
/// protocol's error shape; nothing else, and the refusals are counted.
/// </summary>
public sealed partial class OverloadHttpTests : IAsyncLifetime
{
    private const string Manifest = """
        {"name": "slow", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx",
         "batching": {"maxBatchSize": 2, "maxEnqueuedBatches": 1, "numBatchThreads": 1}}
        """;

    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        var model = await _host.Client.PutAsync("/api/models/slow/versions/1.0.0/files/model.onnx",
            new ByteArrayContent(File.ReadAllBytes(RegistryHarness.Tiny("slow_sum.onnx"))));
        model.EnsureSuccessStatusCode();
        var manifest = await _host.Client.PutAsync("/api/models/slow/versions/1.0.0/files/model.json", new StringContent(Manifest));
        Assert.True(manifest.IsSuccessStatusCode, await manifest.Content.ReadAsStringAsync());
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

    private async Task<long> RejectedAsync()
    {
        var status = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement;
        var slow = status.GetProperty("loaded").EnumerateArray().Single(l => l.GetProperty("model").GetString() == "slow");
        return slow.GetProperty("batching").GetProperty("rejected").GetInt64();
    }

    [GeneratedRegex(@"^slow 1\.0\.0 is overloaded: \d+ rows already wait \(the limit is 2\)\. Retry after (?<seconds>\d+) s\.$")]
    private static partial Regex Overloaded();
}
