using Cloud.Sdk.Prediction;
using Cloud.Sdk.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>
/// A real local host on loopback (as <see cref="HostFixture"/>) for the streaming tests: a small gRPC message limit, so
/// one call can go over it, and the host's requests counted by path, so a test can tell streams from unary calls.
/// </summary>
public sealed class StreamingHostFixture : IAsyncLifetime
{
    /// <summary><c>Cloud:Grpc:MaxReceiveMessageBytes</c>: a few hundred iris rows, more than any call but the one meant to exceed it.</summary>
    public const int MaxReceiveMessageBytes = 4096;

    public LoopbackHost Host { get; private set; } = null!;

    public RequestPathCounter Requests { get; } = new();

    public async Task InitializeAsync() =>
        Host = await LoopbackHost.StartAsync(
            builder => builder.Services.AddSingleton<IStartupFilter>(Requests),
            ("Cloud:Grpc:MaxReceiveMessageBytes", MaxReceiveMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A client of its own for a test: InferAsync over gRPC, on a shared stream or unary.</summary>
    public PredictionClient Client(bool streaming) =>
        new(Host.Endpoint, new PredictionClientOptions { GrpcEndpoint = Host.GrpcEndpoint, GrpcStreaming = streaming });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
