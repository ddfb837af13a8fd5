using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cloud.Sdk.Prediction;

namespace Cloud.Benchmarks;

/// <summary>
/// The SDK's own cost per prediction call, without a network or a server in the measurement: the same in-memory
/// transport (it answers every request at once with a canned iris answer and the served-by headers) under a raw
/// HttpClient with a prebuilt body (<see cref="Raw"/>), <c>PredictionClient.PredictJsonAsync</c> with the same bytes,
/// and <c>PredictAsync(float[][])</c>, which also writes the body. The differences are what the load harness's
/// sdk-overhead run measures with sockets and a host around them (docs/performance.md), here without their noise.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the instance and releases the clients in [GlobalCleanup].
public class SdkPipelineBenchmark
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"instances\":[[5.1,3.5,1.4,0.2]]}");
    private static readonly float[][] Row = [[5.1f, 3.5f, 1.4f, 0.2f]];
    private static readonly Uri Endpoint = new("http://127.0.0.1:7071/");
    private static readonly Uri Predict = new(Endpoint, "v1/models/iris:predict");

    private HttpClient _raw = null!;
    private PredictionClient _sdk = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new HttpClient(new CannedAnswer());
        _sdk = new PredictionClient(Endpoint, new PredictionClientOptions { Transport = new CannedAnswer() });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _sdk.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Raw()
    {
        using var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _raw.PostAsync(Predict, content).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return bytes.Length;
    }

    [Benchmark]
    public async Task<int> SdkJson() => (await _sdk.PredictJsonAsync("iris", Body).ConfigureAwait(false)).Body.Length;

    [Benchmark]
    public async Task<int> SdkTyped() => (await _sdk.PredictAsync("iris", Row).ConfigureAwait(false)).Body.Length;

    /// <summary>A transport that answers at once, as a host would, with the body and headers of an iris prediction.</summary>
    private sealed class CannedAnswer : HttpMessageHandler
    {
        private static readonly byte[] Answer = Encoding.UTF8.GetBytes("{\"predictions\":[[0.98,0.015,0.005]]}");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Answer), RequestMessage = request };
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            response.Headers.TryAddWithoutValidation("X-Cloud-Model", "iris");
            response.Headers.TryAddWithoutValidation("X-Cloud-Model-Version", "1.0.0");
            response.Headers.TryAddWithoutValidation("X-Cloud-Route", "stable");
            return Task.FromResult(response);
        }
    }
}
