using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloud.Sdk.Prediction;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>
/// InferAsync asks the real host for binary outputs (binary_data_output) when it sends binary inputs, and reads them
/// into the same outputs as the JSON path. The models are samples/models/tiny's Identity models (x → y, [batch, 3]),
/// so the expected outputs are the values sent.
/// </summary>
public sealed class BinaryOutputsHostTests(BinaryOutputsHostTests.TinyModels fixture) : IClassFixture<BinaryOutputsHostTests.TinyModels>
{
    private static readonly long[] Shape = [2, 3];

    public static TheoryData<string> Datatypes => ["FP32", "FP64", "INT32", "INT64", "BOOL", "BYTES"];

    [Theory]
    [MemberData(nameof(Datatypes))]
    public async Task BinaryOutputsEqualTheJsonPathsAndTheValuesSent(string datatype)
    {
        var (model, input, read) = Case(datatype);
        var seen = new List<(string? HeaderLength, string? ContentType, long? Length)>();
        using var binary = new PredictionClient(fixture.Host.Host.Endpoint, new PredictionClientOptions { Transport = new Recording(seen) });
        using var json = new PredictionClient(fixture.Host.Host.Endpoint, new PredictionClientOptions { UseBinaryTensors = false });

        var overBinary = await binary.InferAsync(model, [input]);
        var overJson = await json.InferAsync(model, [input]);

        Assert.Equal("application/octet-stream", seen[^1].ContentType);
        Assert.NotNull(seen[^1].HeaderLength);

        foreach (var result in new[] { overBinary, overJson })
        {
            var y = Assert.Single(result.Outputs);
            Assert.Equal(("y", datatype), (y.Name, y.Datatype));
            Assert.Equal(Shape, y.Shape);
            Assert.Equal((model, "1.0.0"), (result.Model, result.ModelVersion));
        }

        Assert.Equal(read(overJson["y"]), read(overBinary["y"]));
        Assert.Equal(Sent(datatype), read(overBinary["y"]));
    }

    [Fact]
    public async Task TheAnswerReallyIsBinaryAndAJsonClientsIsNot()
    {
        var seen = new List<(string? HeaderLength, string? ContentType, long? Length)>();
        using var binary = new PredictionClient(fixture.Host.Host.Endpoint, new PredictionClientOptions { Transport = new Recording(seen) });
        using var json = new PredictionClient(fixture.Host.Host.Endpoint, new PredictionClientOptions { Transport = new Recording(seen), UseBinaryTensors = false });
        InferTensor[] inputs = [InferTensor.Fp32("x", Shape, [1.5f, -2f, 0f, 3.25f, 100f, -0.5f])];

        var fromBinary = await binary.InferAsync("tiny-fp32", inputs);
        var fromJson = await json.InferAsync("tiny-fp32", inputs);

        // seen[0] is the binary client's GET /v2 (which lists the extension); the JSON client asks nothing first.
        var (headerLength, contentType, length) = seen[1];
        Assert.Equal("application/octet-stream", contentType);
        // After the JSON header: 6 FP32 outputs, 24 bytes.
        Assert.Equal(24, length - long.Parse(headerLength!, CultureInfo.InvariantCulture));
        Assert.Equal((null, "application/json"), (seen[2].HeaderLength, seen[2].ContentType));
        Assert.Equal([1.5f, -2f, 0f, 3.25f, 100f, -0.5f], fromBinary["y"].ToSingleArray());
        Assert.Equal(fromJson["y"].ToSingleArray(), fromBinary["y"].ToSingleArray());
    }

    [Fact]
    public async Task ErrorsOverTheBinaryPathKeepTheirShape()
    {
        var unknown = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Host.Prediction.InferAsync("ghost", [InferTensor.Fp32("x", [1, 3], [1f, 2f, 3f])]));
        var wrongShape = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Host.Prediction.InferAsync("tiny-fp32", [InferTensor.Fp32("x", [3], [1f, 2f, 3f])]));

        Assert.Equal((HttpStatusCode.NotFound, "Model 'ghost' is not registered."), (unknown.Status, unknown.Message));
        Assert.Equal(HttpStatusCode.BadRequest, wrongShape.Status);
        Assert.Equal("Input 'x' expects FP32 [-1,3]; got shape [3].", wrongShape.Message);
    }

    private static (string Model, InferTensor Input, Func<InferOutput, object> Read) Case(string datatype) => datatype switch
    {
        "FP32" => ("tiny-fp32", InferTensor.Fp32("x", Shape, (float[])Sent(datatype)), o => o.ToSingleArray()),
        "FP64" => ("tiny-fp64", InferTensor.Fp64("x", Shape, (double[])Sent(datatype)), o => o.Data.EnumerateArray().Select(e => e.GetDouble()).ToArray()),
        "INT32" => ("tiny-int32", InferTensor.Int32("x", Shape, (int[])Sent(datatype)), o => o.Data.EnumerateArray().Select(e => e.GetInt32()).ToArray()),
        "INT64" => ("tiny-int64", InferTensor.Int64("x", Shape, (long[])Sent(datatype)), o => o.ToInt64Array()),
        "BOOL" => ("tiny-bool", InferTensor.Bool("x", Shape, (bool[])Sent(datatype)), o => o.Data.EnumerateArray().Select(e => e.GetBoolean()).ToArray()),
        _ => ("tiny-bytes", InferTensor.Bytes("x", Shape, (string[])Sent(datatype)), o => o.ToStringArray()),
    };

    /// <summary>What is sent, and what an Identity model answers: the edges of each type.</summary>
    private static object Sent(string datatype) => datatype switch
    {
        // The FP32 model's manifest allows non-finite values, which come back as themselves.
        "FP32" => new[] { 1.5f, float.NaN, float.NegativeInfinity, float.MaxValue, -0f, float.Epsilon },
        "FP64" => new[] { 0.1, double.MaxValue, -1e-300, 2.5, double.Epsilon, -7.0 },
        "INT32" => new[] { int.MinValue, int.MaxValue, 0, -1, 1, 65536 },
        // 2^53 + 1 is the first integer a double cannot hold.
        "INT64" => new[] { long.MinValue, long.MaxValue, 0L, -1L, (1L << 53) + 1, 42L },
        "BOOL" => new[] { true, false, false, true, true, false },
        _ => new[] { "", "hé", "日本語", "a\"b\\c", "tab\there", "x" },
    };

    /// <summary>The host of <see cref="HostFixture"/> with the tiny Identity models pushed as models named tiny-*.</summary>
    public sealed class TinyModels : IAsyncLifetime
    {
        public HostFixture Host { get; } = new();

        public async Task InitializeAsync()
        {
            await Host.InitializeAsync();
            foreach (var (name, file) in new[]
            {
                ("tiny-fp32", "identity_float"), ("tiny-fp64", "identity_double"), ("tiny-int32", "identity_int32"),
                ("tiny-int64", "identity_int64"), ("tiny-bool", "identity_bool"), ("tiny-bytes", "identity_string"),
            })
            {
                var folder = Directory.CreateTempSubdirectory("cloud-sdk-tiny-").FullName;
                File.Copy(Path.Combine(Repo.Root, "samples", "models", "tiny", file + ".onnx"), Path.Combine(folder, "model.onnx"));
                var manifest = new JsonObject { ["name"] = name, ["version"] = "1.0.0", ["format"] = "onnx", ["modelFile"] = "model.onnx" };
                if (name == "tiny-fp32")
                {
                    manifest["allowNonFinite"] = true;
                }

                File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
                var pushed = await Host.Models.PushFolderAsync(folder);
                Assert.Equal("registered", pushed.Registration);
                Directory.Delete(folder, recursive: true);
            }
        }

        public Task DisposeAsync() => Host.DisposeAsync();
    }

    /// <summary>Records each answer's Inference-Header-Content-Length, content type and length, as they came off the wire.</summary>
    private sealed class Recording(List<(string? HeaderLength, string? ContentType, long? Length)> seen) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (seen)
            {
                seen.Add((response.Headers.TryGetValues("Inference-Header-Content-Length", out var values) ? values.Single() : null,
                    response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentLength));
            }

            return response;
        }
    }
}
