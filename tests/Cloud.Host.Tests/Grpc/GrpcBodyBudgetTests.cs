using Cloud.Host.Tests.Http;
using Cloud.Serving.Http;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Grpc;

/// <summary>
/// ModelInfer messages count in the same budget of held prediction bodies as HTTP bodies: refused before they are
/// read while other bodies fill it (UNAVAILABLE, retry later), refused for good when they could never fit, and given
/// back when the call has answered.
/// </summary>
public sealed class GrpcBodyBudgetTests : IAsyncLifetime
{
    private const long Limit = 150_000;
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(
        ("Cloud:Serving:MaxRequestBodyBytes", "100000"), ("Cloud:Serving:MaxRequestBodyBytesInFlight", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private BodyBudget Budget => _host.App.Services.GetRequiredService<BodyBudget>();

    [Fact]
    public async Task WhileOtherBodiesFillTheBudgetAMessageIsRefusedUntilTheyAreAnswered()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = IrisMessages.Rows(64); // 1,024 bytes of floats, and the message around them
        Assert.True(Budget.TryTake(149_500)); // other requests' bodies, held: 500 bytes are left

        var busy = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(request));
        Budget.Give(149_500);
        var answer = await client.ModelInferAsync(request);

        Assert.Equal(StatusCode.Unavailable, busy.StatusCode);
        Assert.StartsWith($"The host is holding 149,500 bytes of other prediction bodies and this one ({request.CalculateSize():N0} bytes so far) would pass its limit of 150,000", busy.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("1", busy.Trailers.GetValue("retry-after"));
        Assert.Equal(64, answer.Outputs.Single(o => o.Name == "label").Shape[0]);
        Assert.Equal(0, Budget.Held);
    }

    [Fact]
    public async Task AMessageLargerThanTheWholeBudgetIsRefusedForGood()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(IrisMessages.Rows(10_000)));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith($"The message is {IrisMessages.Rows(10_000).CalculateSize():N0} bytes,", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("more than the 150,000 bytes of prediction bodies this host holds at once (Cloud:Serving:MaxRequestBodyBytesInFlight)", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, Budget.Held);
    }
}
