using Cloud.Host.Tests.Http;
using Cloud.Serving.Http;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Grpc;

/// <summary>
/// ModelStreamInfer (Triton's streaming extension) on the real host over loopback h2c: requests pipelined on one
/// stream are each answered once, with their id, as the unary call answers the same request; a failing request is
/// answered in its place with the unary call's sentence and code while the stream goes on; stream messages count in
/// the body budget; a client that goes away mid-stream leaves nothing held.
/// </summary>
public sealed class GrpcStreamTests : IAsyncLifetime
{
    private const long Limit = 150_000;
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartOverLoopbackAsync(
        ("Logging:LogLevel:Default", "Warning"), ("Cloud:Serving:MaxRequestBodyBytes", "100000"), ("Cloud:Serving:MaxRequestBodyBytesInFlight", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private BodyBudget Budget => _host.App.Services.GetRequiredService<BodyBudget>();

    [Fact]
    public async Task PipelinedRequestsAreEachAnsweredOnceAsTheUnaryCallAnswersThem()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var requests = Enumerable.Range(1, 40).Select(rows => IrisMessages.Rows(rows, $"r{rows}")).ToArray();
        var expected = new Dictionary<string, ModelInferResponse>();
        foreach (var request in requests)
        {
            expected[request.Id] = await client.ModelInferAsync(request);
        }

        using var call = client.ModelStreamInfer();
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(requests.Select(r => r.Id).Order(), answers.Select(a => a.InferResponse.Id).Order());
        foreach (var answer in answers)
        {
            Assert.Equal("", answer.ErrorMessage);
            Assert.Equal(expected[answer.InferResponse.Id], answer.InferResponse);
        }

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(0, Budget.Held);
    }

    [Fact]
    public async Task AFailingRequestIsAnsweredInItsPlaceWithTheUnarySentenceAndTheStreamGoesOn()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var bad = IrisMessages.Rows(2, "bad");
        bad.RawInputContents[0] = ByteString.CopyFrom(bad.RawInputContents[0].Span[..^4]);
        var unknown = IrisMessages.Rows(1, "unknown");
        unknown.ModelName = "no-such-model";
        var unary = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(bad));

        using var call = client.ModelStreamInfer();
        foreach (var request in new[] { IrisMessages.Rows(1, "first"), bad, unknown, IrisMessages.Rows(3, "last") })
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var answers = (await call.ResponseStream.ReadAllAsync().ToListAsync()).ToDictionary(a => a.InferResponse.Id);

        Assert.Equal(unary.Status.Detail, answers["bad"].ErrorMessage);
        Assert.Equal("INVALID_ARGUMENT", answers["bad"].InferResponse.Parameters["grpc_status"].StringParam);
        Assert.Empty(answers["bad"].InferResponse.Outputs);
        Assert.Equal("Model 'no-such-model' is not registered.", answers["unknown"].ErrorMessage);
        Assert.Equal("NOT_FOUND", answers["unknown"].InferResponse.Parameters["grpc_status"].StringParam);
        Assert.Equal(1, answers["first"].InferResponse.Outputs.Single(o => o.Name == "label").Shape[0]);
        Assert.Equal(3, answers["last"].InferResponse.Outputs.Single(o => o.Name == "label").Shape[0]);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task StreamMessagesCountInTheBodyBudgetAndARefusedOneSaysWhenToRetry()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = IrisMessages.Rows(64, "busy");
        var size = request.CalculateSize();
        Assert.True(Budget.TryTake(149_500)); // other requests' bodies, held: 500 bytes are left

        using var call = client.ModelStreamInfer();
        await call.RequestStream.WriteAsync(request);
        Assert.True(await call.ResponseStream.MoveNext());
        var busy = call.ResponseStream.Current;
        Budget.Give(149_500);
        request.Id = "after";
        await call.RequestStream.WriteAsync(request);
        Assert.True(await call.ResponseStream.MoveNext());
        var after = call.ResponseStream.Current;
        await call.RequestStream.CompleteAsync();

        Assert.StartsWith($"The host is holding 149,500 bytes of other prediction bodies and this one ({size:N0} bytes so far) would pass its limit of 150,000", busy.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("UNAVAILABLE", busy.InferResponse.Parameters["grpc_status"].StringParam);
        Assert.Equal(1, busy.InferResponse.Parameters["retry_after"].Int64Param);
        Assert.Equal("busy", busy.InferResponse.Id);
        Assert.Equal("", after.ErrorMessage);
        Assert.Equal(64, after.InferResponse.Outputs.Single(o => o.Name == "label").Shape[0]);
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(0, Budget.Held);
    }

    [Fact]
    public async Task AClientThatCancelsMidStreamLeavesNothingHeldAndTheHostServesOn()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        using (var cancel = new CancellationTokenSource())
        {
            using var call = client.ModelStreamInfer(cancellationToken: cancel.Token);
            for (var i = 0; i < 200; i++)
            {
                await call.RequestStream.WriteAsync(IrisMessages.Rows(32, $"gone-{i}"));
            }

            // Some answered, the rest still in flight or unread, when the client goes away without half-closing.
            Assert.True(await call.ResponseStream.MoveNext());
            await cancel.CancelAsync();
        }

        await Eventually.TrueAsync(() => Budget.Held == 0, "the stream's bodies given back");
        var answer = await client.ModelInferAsync(IrisMessages.Rows(2, "after"));
        Assert.Equal(2, answer.Outputs.Single(o => o.Name == "label").Shape[0]);
    }
}
