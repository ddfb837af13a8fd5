using System.Net;
using System.Text;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// The two limits on prediction bodies, on real Kestrel: one body's size (413, also for a chunked body that has no
/// length to check first), and the bytes all requests hold at once (429 with Retry-After while another body is held;
/// served again once it is answered).
/// </summary>
public sealed class RequestBodyLimitTests : IAsyncLifetime
{
    private const int BodyLimit = 4096;
    private const int InFlightLimit = 6144;
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartOverLoopbackAsync(
        ("Cloud:Serving:MaxRequestBodyBytes", $"{BodyLimit}"),
        ("Cloud:Serving:MaxRequestBodyBytesInFlight", $"{InFlightLimit}"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AChunkedBodyOverTheLimitIs413InTheErrorShape()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(PaddedIrisBody(BodyLimit * 3))));
        content.Headers.ContentLength = null; // chunked: the server learns the size only by reading

        var response = await _host.Client.PostAsync("/v1/models/iris:predict", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The request body is larger than the limit of 4,096 bytes (Cloud:Serving:MaxRequestBodyBytes).", await ErrorAsync(response));
    }

    [Fact]
    public async Task ABodyThatWouldPassTheBytesInFlightIs429UntilTheHeldOneIsAnswered()
    {
        // The first body declares 4,000 bytes and sends them slowly: the host holds its 4,000 from before reading.
        var first = PaddedIrisBody(4000);
        var gate = new TaskCompletionSource();
        var held = _host.Client.PostAsync("/v1/models/iris:predict", new SlowContent(Encoding.UTF8.GetBytes(first), gate.Task));
        await Eventually.TrueAsync(async () =>
            JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement.GetProperty("memory").GetProperty("requestBodiesHeldBytes").GetInt64() == 4000,
            "the host to hold the first body's 4,000 bytes");

        // 4,000 held + 3,000 > 6,144: refused before it is read.
        var probe = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(PaddedIrisBody(3000)));
        Assert.Equal(HttpStatusCode.TooManyRequests, probe.StatusCode);
        Assert.Equal("1", Assert.Single(probe.Headers.GetValues("Retry-After")));
        Assert.Equal("The host is holding 4,000 bytes of other prediction bodies and this one (3,000 bytes so far) would pass its limit of 6,144 (Cloud:Serving:MaxRequestBodyBytesInFlight); retry after the Retry-After delay.", await ErrorAsync(probe));

        // A small one still fits beside it: 4,000 + 1,000 <= 6,144.
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(PaddedIrisBody(1000)))).StatusCode);
        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(PaddedIrisBody(3000)))).StatusCode);
    }

    [Fact]
    public async Task ALargeBodyIsReadWholeAndAnswered()
    {
        // Over 1 MiB, a body is copied out of the request pipe as it arrives (RequestBody.CopyOutAsync), in many reads.
        await using var host = await ServingHost.StartOverLoopbackAsync();
        var body = PaddedIrisBody(3_000_000);

        var response = await host.Client.PostAsync("/v1/models/iris:predict", new StringContent(body));
        var answer = await response.Content.ReadAsStringAsync();
        var small = await (await host.Client.PostAsync("/v1/models/iris:predict", new StringContent(PaddedIrisBody(100)))).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(small, answer);
    }

    /// <summary>A valid iris request of exactly <paramref name="size"/> bytes (spaces pad it; JSON ignores them).</summary>
    private static string PaddedIrisBody(int size)
    {
        const string body = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";
        return body[..^1] + new string(' ', size - body.Length) + "}";
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

    /// <summary>Declares its length, sends the first byte, and the rest only once <paramref name="release"/> completes.</summary>
    private sealed class SlowContent(byte[] body, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, 1));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(body.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
