using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// bfloat16 inputs travel only raw (the binary tensor data extension, gRPC's raw_input_contents), and NaN, Infinity and
/// -Infinity in them are refused as in every other floating-point input, unless the manifest allows them (issue 23).
/// The bit patterns are written by hand: sign 0x8000, exponent 0x7F80, mantissa 0x007F.
/// </summary>
public sealed class NonFiniteBFloat16Tests : IAsyncLifetime
{
    private const string Refuses = "; this model refuses non-finite values (its model.json can allow them with \"allowNonFinite\": true, for models that read NaN as a missing value).";

    // 1.0, -2.5, 0.0, -0.0, the largest finite bfloat16 (exponent 0xFE, full mantissa) and its negative.
    private static readonly ushort[] Finite = [0x3F80, 0xC020, 0x0000, 0x8000, 0x7F7F, 0xFF7F];

    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        var onnx = Identity(new Input("x", TensorElementType.BFloat16, "n", 3L));
        Assert.Contains("\"registration\":\"registered\"", await _host.PushModelAsync("bf16", "1.0.0", onnx), StringComparison.Ordinal);
        var files = "/api/models/bf16-nan/versions/1.0.0/files";
        (await _host.Client.PutAsync($"{files}/model.onnx", new ByteArrayContent(onnx))).EnsureSuccessStatusCode();
        var registration = await _host.Client.PutAsync($"{files}/model.json",
            new StringContent("""{"name": "bf16-nan", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "allowNonFinite": true}"""));
        Assert.Contains("\"registration\":\"registered\"", await registration.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // Element 5 of a [2, 3] tensor is at [1, 2]; element 1 at [0, 1]. 0x7FC0 is the quiet NaN, 0xFF81 a negative NaN
    // with another payload (still NaN, not -Infinity), 0x7F80 and 0xFF80 the infinities.
    public static TheoryData<ushort, int, string> NonFinite => new()
    {
        { 0x7FC0, 5, "NaN at [1, 2]" },
        { 0xFF81, 1, "NaN at [0, 1]" },
        { 0x7F80, 5, "Infinity at [1, 2]" },
        { 0xFF80, 1, "-Infinity at [0, 1]" },
    };

    [Theory]
    [MemberData(nameof(NonFinite))]
    public async Task BinaryHttpRefusesANonFiniteBFloat16NamingItsPosition(ushort bits, int at, string what)
    {
        var response = await BinaryInferAsync("bf16", With(bits, at));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"Input 'x' holds {what}{Refuses}", await ServingHost.ErrorOfAsync(response));
    }

    [Theory]
    [MemberData(nameof(NonFinite))]
    public async Task GrpcRefusesANonFiniteBFloat16NamingItsPosition(ushort bits, int at, string what)
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(GrpcRequest("bf16", With(bits, at))));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal($"Input 'x' holds {what}{Refuses}", refused.Status.Detail);
    }

    [Fact]
    public async Task FiniteBFloat16sUpToTheLargestAreServedBothWays()
    {
        using var channel = _host.CreateGrpcChannel();
        var client = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var http = await BinaryInferAsync("bf16", Finite);
        var grpc = await client.ModelInferAsync(GrpcRequest("bf16", Finite));

        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Equal(Bytes(Finite), await BinaryOutputAsync(http));
        Assert.Equal(Bytes(Finite), grpc.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public async Task AModelThatAllowsNonFiniteValuesServesThemBothWays()
    {
        ushort[] values = [0x7FC0, 0x7F80, 0xFF80, 0x3F80, 0xFF81, 0xC020];
        using var channel = _host.CreateGrpcChannel();
        var client = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var http = await BinaryInferAsync("bf16-nan", values);
        var grpc = await client.ModelInferAsync(GrpcRequest("bf16-nan", values));

        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Equal(Bytes(values), await BinaryOutputAsync(http));
        Assert.Equal(Bytes(values), grpc.RawOutputContents.Single().ToByteArray());
    }

    private static ushort[] With(ushort bits, int at)
    {
        var values = (ushort[])Finite.Clone();
        values[at] = bits;
        return values;
    }

    private static byte[] Bytes(ushort[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private async Task<HttpResponseMessage> BinaryInferAsync(string model, ushort[] values)
    {
        var header = System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"inputs": [{"name": "x", "shape": [2, 3], "datatype": "BF16", "parameters": {"binary_data_size": {{{values.Length * 2}}}}}], "parameters": {"binary_data_output": true}}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{model}/infer") { Content = new ByteArrayContent([.. header, .. Bytes(values)]) };
        request.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(CultureInfo.InvariantCulture));
        return await _host.Client.SendAsync(request);
    }

    private static async Task<byte[]> BinaryOutputAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), CultureInfo.InvariantCulture);
        var output = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.GetProperty("outputs").EnumerateArray().Single();
        Assert.Equal("BF16", output.GetProperty("datatype").GetString());
        return body[jsonLength..];
    }

    private static Inference.ModelInferRequest GrpcRequest(string model, ushort[] values)
    {
        var request = new Inference.ModelInferRequest { ModelName = model };
        var input = new Inference.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "BF16" };
        input.Shape.Add([2, 3]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(Bytes(values)));
        return request;
    }
}
