using System.Globalization;
using System.Net;
using Cloud.Sdk.Prediction;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>
/// PredictionClient.InferAsync with GrpcStreaming on, against the real local host: calls share one ModelStreamInfer
/// stream, answer as unary calls do, fail alone, survive the stream's end and a neighbour's cancellation.
/// </summary>
public sealed class GrpcStreamingHostTests(StreamingHostFixture fixture) : IClassFixture<StreamingHostFixture>
{
    private const string StreamPath = "/inference.GRPCInferenceService/ModelStreamInfer";
    private const string UnaryPath = "/inference.GRPCInferenceService/ModelInfer";

    // samples/models/iris: the validation rows' features, and numpy's probabilities and labels for them (expected.csv).
    private static readonly float[][] Features = [.. Csv("validation.csv").Select(r => r[..4].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
    private static readonly double[][] Probabilities = [.. Csv("expected.csv").Select(r => r[..3].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
    private static readonly long[] Labels = [.. Csv("expected.csv").Select(r => long.Parse(r[3], CultureInfo.InvariantCulture))];

    [Fact]
    public async Task ConcurrentCallsShareOneStreamAndAnswerAsUnaryCallsDo()
    {
        using var unary = fixture.Client(streaming: false);
        using var streaming = fixture.Client(streaming: true);
        var cases = Enumerable.Range(0, 200).Select(Case.Of).ToArray();
        var overUnary = await Task.WhenAll(cases.Select(c => unary.InferAsync("iris", [c.Tensor])));
        var (streams, unaryCalls) = (fixture.Requests[StreamPath], fixture.Requests[UnaryPath]);

        var overStream = await Task.WhenAll(cases.Select(c => streaming.InferAsync("iris", [c.Tensor]))).WaitAsync(TestTimeout.Value);

        Assert.Equal((streams + 1, unaryCalls), (fixture.Requests[StreamPath], fixture.Requests[UnaryPath]));
        for (var i = 0; i < cases.Length; i++)
        {
            cases[i].AssertAnswered(overStream[i]);
            Assert.Equal(("iris", "1.0.0", null), (overStream[i].Model, overStream[i].ModelVersion, overStream[i].Route));
            Assert.Equal((overUnary[i].Model, overUnary[i].ModelVersion), (overStream[i].Model, overStream[i].ModelVersion));
            Assert.Equal(overUnary[i].Outputs.Select(o => (o.Name, o.Datatype, string.Join(',', o.Shape))), overStream[i].Outputs.Select(o => (o.Name, o.Datatype, string.Join(',', o.Shape))));
            Assert.Equal(overUnary[i]["probabilities"].ToSingleArray(), overStream[i]["probabilities"].ToSingleArray(), (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(overUnary[i]["label"].ToInt64Array(), overStream[i]["label"].ToInt64Array());
        }
    }

    [Fact]
    public async Task AFailedRequestThrowsWhatTheUnaryCallThrowsAndTheCallsBesideItAreAnswered()
    {
        using var unary = fixture.Client(streaming: false);
        using var streaming = fixture.Client(streaming: true);
        InferTensor[] wrongShape = [InferTensor.Fp32("features", [1, 3], [5.1f, 3.5f, 1.4f])];
        InferTensor[] good = [Case.Of(0).Tensor];
        var unaryWrongShape = await Assert.ThrowsAsync<CloudRequestException>(() => unary.InferAsync("iris", wrongShape));
        var unaryGhost = await Assert.ThrowsAsync<CloudRequestException>(() => unary.InferAsync("ghost", good));
        var streams = fixture.Requests[StreamPath];

        var cases = Enumerable.Range(0, 60).Select(Case.Of).ToArray();
        var before = cases[..30].Select(c => streaming.InferAsync("iris", [c.Tensor])).ToArray();
        var wrongShapeCall = Assert.ThrowsAsync<CloudRequestException>(() => streaming.InferAsync("iris", wrongShape));
        var ghostCall = Assert.ThrowsAsync<CloudRequestException>(() => streaming.InferAsync("ghost", good));
        var after = cases[30..].Select(c => streaming.InferAsync("iris", [c.Tensor])).ToArray();
        var answers = await Task.WhenAll(before.Concat(after)).WaitAsync(TestTimeout.Value);
        var (wrong, ghost) = (await wrongShapeCall, await ghostCall);

        Assert.Equal(HttpStatusCode.BadRequest, unaryWrongShape.Status);
        Assert.Equal((unaryWrongShape.Status, unaryWrongShape.Message), (wrong.Status, wrong.Message));
        Assert.Equal((HttpStatusCode.NotFound, "Model 'ghost' is not registered."), (ghost.Status, ghost.Message));
        Assert.Equal((unaryGhost.Status, unaryGhost.Message), (ghost.Status, ghost.Message));
        Assert.Equal(streams + 1, fixture.Requests[StreamPath]);
        for (var i = 0; i < cases.Length; i++)
        {
            cases[i].AssertAnswered(answers[i]);
        }
    }

    [Fact]
    public async Task AMessageOverTheServersLimitEndsTheStreamAndTheNextCallOpensANewOne()
    {
        using var streaming = fixture.Client(streaming: true);
        // 16 bytes a row: well over the limit however the message is framed.
        var rows = StreamingHostFixture.MaxReceiveMessageBytes / 16 * 4;
        InferTensor[] tooLarge = [InferTensor.Fp32("features", [rows, 4], new float[rows * 4])];
        var streams = fixture.Requests[StreamPath];

        var first = await streaming.InferAsync("iris", [Case.Of(1).Tensor]);
        var refused = await Assert.ThrowsAsync<CloudRequestException>(() => streaming.InferAsync("iris", tooLarge)).WaitAsync(TestTimeout.Value);
        var next = await streaming.InferAsync("iris", [Case.Of(2).Tensor]).WaitAsync(TestTimeout.Value);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Equal(
            "The gRPC stream (ModelStreamInfer) this call was sent on ended before its answer: ResourceExhausted, \"Received message exceeds the maximum configured message size.\"; the next call opens a new stream.",
            refused.Message);
        Assert.Equal(streams + 2, fixture.Requests[StreamPath]);
        Case.Of(1).AssertAnswered(first);
        Case.Of(2).AssertAnswered(next);
    }

    [Fact]
    public async Task ACancelledCallThrowsAndTheCallsAroundItAreAnswered()
    {
        using var streaming = fixture.Client(streaming: true);
        using var cancel = new CancellationTokenSource();
        var cases = Enumerable.Range(0, 200).Select(Case.Of).ToArray();
        var streams = fixture.Requests[StreamPath];

        // Behind 150 others on the stream (the server takes 128 at a time), so it is still waiting when cancelled.
        var before = cases[..150].Select(c => streaming.InferAsync("iris", [c.Tensor])).ToArray();
        var cancelled = streaming.InferAsync("iris", [Case.Of(7).Tensor], cancellationToken: cancel.Token);
        var after = cases[150..].Select(c => streaming.InferAsync("iris", [c.Tensor])).ToArray();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var answers = await Task.WhenAll(before.Concat(after)).WaitAsync(TestTimeout.Value);
        var later = await streaming.InferAsync("iris", [Case.Of(3).Tensor]).WaitAsync(TestTimeout.Value);

        for (var i = 0; i < cases.Length; i++)
        {
            cases[i].AssertAnswered(answers[i]);
        }

        Case.Of(3).AssertAnswered(later);
        Assert.Equal(streams + 1, fixture.Requests[StreamPath]);
    }

    [Fact]
    public async Task ACallWithARoutingKeyIsAUnaryCall()
    {
        using var streaming = fixture.Client(streaming: true);
        var (streams, unaryCalls) = (fixture.Requests[StreamPath], fixture.Requests[UnaryPath]);

        var keyed = await streaming.InferAsync("iris", [Case.Of(4).Tensor], ModelTarget.ForRoutingKey("user-7"));

        Assert.Equal((streams, unaryCalls + 1), (fixture.Requests[StreamPath], fixture.Requests[UnaryPath]));
        Case.Of(4).AssertAnswered(keyed);
    }

    [Fact]
    public async Task DisposingTheClientAnswersTheCallsAlreadySentAndRefusesNewOnes()
    {
        var streaming = fixture.Client(streaming: true);
        var cases = Enumerable.Range(0, 20).Select(Case.Of).ToArray();

        var sent = cases.Select(c => streaming.InferAsync("iris", [c.Tensor])).ToArray();
        streaming.Dispose();
        var answers = await Task.WhenAll(sent).WaitAsync(TestTimeout.Value);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => streaming.InferAsync("iris", [cases[0].Tensor]));
        for (var i = 0; i < cases.Length; i++)
        {
            cases[i].AssertAnswered(answers[i]);
        }
    }

    private static string[][] Csv(string file) =>
        [.. File.ReadAllLines(Repo.File("samples", "models", "iris", file)).Skip(1).Select(line => line.Split(','))];

    /// <summary>Call i: 1 to 7 consecutive validation rows (wrapping), so calls of one stream differ in size and content.</summary>
    private sealed record Case(int[] Rows, InferTensor Tensor)
    {
        public static Case Of(int i)
        {
            int[] rows = [.. Enumerable.Range(i, (i % 7) + 1).Select(r => r % Features.Length)];
            return new Case(rows, InferTensor.Fp32("features", [rows.Length, 4], [.. rows.SelectMany(r => Features[r])]));
        }

        public void AssertAnswered(InferenceResult result)
        {
            Assert.Equal([Rows.Length, 3L], result["probabilities"].Shape);
            Assert.Equal(Rows.SelectMany(r => Probabilities[r]), result["probabilities"].ToSingleArray().Select(p => (double)p), (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Equal(Rows.Select(r => Labels[r]), result["label"].ToInt64Array());
        }
    }
}
