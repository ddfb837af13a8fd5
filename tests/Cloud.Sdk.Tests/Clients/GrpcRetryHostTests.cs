using System.Diagnostics;
using System.Net;
using Cloud.Sdk.Prediction;
using Cloud.Sdk.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>
/// InferAsync over gRPC retries UNAVAILABLE as the HTTP pipeline retries 429/503: after the server's retry-after,
/// within CloudClientOptions.Retry, unary and streamed; past the retries the server's refusal is what the caller gets.
/// </summary>
public sealed class GrpcRetryHostTests
{
    private const string UnaryPath = "/inference.GRPCInferenceService/ModelInfer";
    private const string StreamPath = "/inference.GRPCInferenceService/ModelStreamInfer";

    private static readonly InferTensor[] Row = [InferTensor.Fp32("features", [1, 4], [5.1f, 3.5f, 1.4f, 0.2f])];

    [Fact]
    public async Task AUnaryCallRefusedTwiceWaitsTheRetryAfterEachTimeAndIsAnswered()
    {
        var refuse = new RefuseFirstCalls(UnaryPath, 2);
        await using var host = await StartAsync(refuse);
        using var client = new PredictionClient(host.Endpoint, new PredictionClientOptions { GrpcEndpoint = host.GrpcEndpoint });

        var clock = Stopwatch.StartNew();
        var answer = await client.InferAsync("iris", Row);

        Assert.Equal(3, refuse.Seen);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {clock.Elapsed}, before the two 1 s retry-after delays");
        Assert.Equal([0L], answer["label"].ToInt64Array()); // setosa: samples/models/iris/expected.csv's first row
    }

    [Fact]
    public async Task PastItsRetriesTheCallerGetsTheServersRefusal()
    {
        var refuse = new RefuseFirstCalls(UnaryPath, 5);
        await using var host = await StartAsync(refuse);
        var options = new PredictionClientOptions { GrpcEndpoint = host.GrpcEndpoint };
        options.Retry.MaxRetries = 1;
        using var client = new PredictionClient(host.Endpoint, options);

        var refused = await Assert.ThrowsAsync<CloudRequestException>(() => client.InferAsync("iris", Row));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, RefuseFirstCalls.Message), (refused.Status, refused.Message));
        Assert.Equal(2, refuse.Seen);
    }

    [Fact]
    public async Task AStreamRefusedAtItsStartIsOpenedAgainAndTheCallAnswered()
    {
        var refuse = new RefuseFirstCalls(StreamPath, 1);
        await using var host = await StartAsync(refuse);
        using var client = new PredictionClient(host.Endpoint, new PredictionClientOptions { GrpcEndpoint = host.GrpcEndpoint, GrpcStreaming = true });

        var answer = await client.InferAsync("iris", Row).WaitAsync(TestTimeout.Value);

        Assert.Equal(2, refuse.Seen);
        Assert.Equal([0L], answer["label"].ToInt64Array());
    }

    private static Task<LoopbackHost> StartAsync(RefuseFirstCalls refuse) =>
        LoopbackHost.StartAsync(builder => builder.Services.AddSingleton<IStartupFilter>(refuse));
}
