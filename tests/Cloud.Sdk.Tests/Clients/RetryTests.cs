using System.Diagnostics;
using System.Net;
using Cloud.Sdk.Prediction;
using Microsoft.AspNetCore.Http;

namespace Cloud.Sdk.Tests.Clients;

public sealed class RetryTests
{
    private static readonly float[][] Row = [[5.1f, 3.5f, 1.4f, 0.2f]];

    [Fact]
    public async Task A503WithRetryAfterIsRetriedNoSoonerThanTheServerAsked()
    {
        await using var server = await FakeServer.StartAsync((context, index) => index < 2
            ? Unavailable(context, retryAfterSeconds: 1)
            : Predictions(context));
        using var client = new PredictionClient(server.Endpoint);

        var result = await client.PredictAsync("iris", Row);

        var times = server.Requests.Select(r => r.At).ToArray();
        Assert.Equal(3, times.Length);
        Assert.Equal("1.0.0", result.ModelVersion);
        // Retry-After is a floor (plus at most 10 % jitter): each gap is at least the second the server asked for, and
        // nowhere near the backoff's own ceiling (MaxDelay, 10 s); the upper bound leaves room for a loaded machine.
        Assert.All(times.Zip(times.Skip(1), (a, b) => b - a), gap => Assert.InRange(gap, TimeSpan.FromMilliseconds(990), TimeSpan.FromMilliseconds(3000)));
    }

    [Fact]
    public async Task RetriesStopAtTheBudgetAndTheLastAnswerIsTheError()
    {
        await using var server = await FakeServer.StartAsync((context, _) => Unavailable(context, retryAfterSeconds: 1));
        var options = new PredictionClientOptions();
        options.Retry.Budget = TimeSpan.FromSeconds(2.5);
        options.Retry.MaxRetries = 10;
        using var client = new PredictionClient(server.Endpoint, options);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CloudRequestException>(() => client.PredictAsync("iris", Row));

        // Waits of 1.0–1.1 s each: two fit in 2.5 s, a third would not, so it is never started.
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal("Model 'iris' version 1.0.0 is loading; try again shortly.", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5 + 2));
    }

    [Fact]
    public async Task A429WithoutRetryAfterBacksOffUntilMaxRetries()
    {
        await using var server = await FakeServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 429;
            await context.Response.WriteAsJsonAsync(new { error = "The batching queue of iris 1.0.0 is full." });
        });
        var options = new PredictionClientOptions();
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        using var client = new PredictionClient(server.Endpoint, options);

        var error = await Assert.ThrowsAsync<CloudRequestException>(() => client.PredictAsync("iris", Row));

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.Status);
        Assert.Equal("The batching queue of iris 1.0.0 is full.", error.Message);
    }

    [Fact]
    public async Task AnErrorAboutTheRequestIsNotRetried()
    {
        await using var server = await FakeServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = "Input 'features' expects FP32 [4]; got shape [5]." });
        });
        using var client = new PredictionClient(server.Endpoint);

        var error = await Assert.ThrowsAsync<CloudRequestException>(() => client.PredictAsync("iris", [[1f, 2f, 3f, 4f, 5f]]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("Input 'features' expects FP32 [4]; got shape [5].", error.Message);
    }

    [Fact]
    public async Task CancellingDuringARetryWaitEndsTheCallAtOnce()
    {
        await using var server = await FakeServer.StartAsync((context, _) => Unavailable(context, retryAfterSeconds: 5));
        using var client = new PredictionClient(server.Endpoint);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PredictAsync("iris", Row, cancellationToken: cancel.Token));

        Assert.Single(server.Requests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    private static async Task Unavailable(HttpContext context, int retryAfterSeconds)
    {
        context.Response.StatusCode = 503;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(new { error = "Model 'iris' version 1.0.0 is loading; try again shortly." });
    }

    private static async Task Predictions(HttpContext context)
    {
        context.Response.Headers["X-Cloud-Model"] = "iris";
        context.Response.Headers["X-Cloud-Model-Version"] = "1.0.0";
        context.Response.Headers["X-Cloud-Route"] = "stable";
        await context.Response.WriteAsJsonAsync(new { predictions = new[] { new[] { 0.9, 0.05, 0.05 } } });
    }
}
