using System.Globalization;
using System.Text;
using Cloud.Sdk.Prediction;
using Microsoft.AspNetCore.Http;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>
/// Binary answers the real host does not give on demand (datatypes the SDK cannot send, outputs half JSON and half
/// binary, answers that do not add up), from a fake server that lists the binary tensor extension. The bytes are
/// written by hand: FP16 1.0 is 0x3C00, -2.0 0xC000, 65504 0x7BFF; BF16 1.0 is 0x3F80, -2.5 0xC020; little-endian.
/// </summary>
public sealed class BinaryAnswerTests
{
    [Fact]
    public async Task EveryRawDatatypeIsReadAsItsValuesBesideAnOutputLeftInJson()
    {
        var header = """
            {"id": "r1", "model_name": "m", "model_version": "3", "outputs": [
              {"name": "h", "datatype": "FP16", "shape": [3], "parameters": {"binary_data_size": 6}},
              {"name": "j", "datatype": "FP32", "shape": [1], "data": [0.5]},
              {"name": "b", "datatype": "BF16", "shape": [2], "parameters": {"binary_data_size": 4}},
              {"name": "u", "datatype": "UINT8", "shape": [2], "parameters": {"binary_data_size": 2}},
              {"name": "i", "datatype": "INT8", "shape": [2], "parameters": {"binary_data_size": 2}},
              {"name": "s", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": 10}}]}
            """;
        byte[] data =
        [
            0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B,
            0x80, 0x3F, 0x20, 0xC0,
            0x00, 0xFF,
            0x80, 0x7F,
            0x02, 0x00, 0x00, 0x00, (byte)'h', (byte)'i', 0x00, 0x00, 0x00, 0x00,
        ];
        await using var server = await BinaryServerAsync(header, data);
        using var client = new PredictionClient(server.Endpoint);

        var result = await client.InferAsync("m", [InferTensor.Fp32("x", [1], [1f])]);

        Assert.Equal(("r1", "3"), (result.Id, result.ModelVersion));
        Assert.Equal(["h", "j", "b", "u", "i", "s"], result.Outputs.Select(o => o.Name));
        Assert.Equal([1f, -2f, 65504f], result["h"].ToSingleArray());
        Assert.Equal([0.5f], result["j"].ToSingleArray());
        Assert.Equal([1f, -2.5f], result["b"].ToSingleArray());
        Assert.Equal([0L, 255L], result["u"].ToInt64Array());
        Assert.Equal([-128L, 127L], result["i"].ToInt64Array());
        Assert.Equal(["hi", ""], result["s"].ToStringArray());
    }

    public static TheoryData<string, byte[], string> Broken => new()
    {
        {
            """{"outputs": [{"name": "y", "datatype": "FP32", "shape": [2], "parameters": {"binary_data_size": 8}}]}""", new byte[4],
            "The answer's output 'y' has binary_data_size 8 but only 4 bytes of binary data remain."
        },
        {
            """{"outputs": [{"name": "y", "datatype": "FP32", "shape": [2], "parameters": {"binary_data_size": 4}}]}""", new byte[4],
            "The answer's output 'y' is FP32 of shape [2], 8 bytes, but 4 bytes came."
        },
        {
            """{"outputs": [{"name": "y", "datatype": "INT64", "shape": [1], "parameters": {"binary_data_size": 8}}]}""", new byte[11],
            "3 bytes of the answer's binary data belong to no output's binary_data_size."
        },
        {
            """{"outputs": [{"name": "s", "datatype": "BYTES", "shape": [1], "parameters": {"binary_data_size": 6}}]}""", [0x05, 0x00, 0x00, 0x00, (byte)'a', (byte)'b'],
            "The answer's BYTES output 's' is cut off: element 0 has no whole length prefix and value in the 6 bytes that remain."
        },
        {
            """{"outputs": [{"name": "s", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": 5}}]}""", [0x01, 0x00, 0x00, 0x00, (byte)'a'],
            "The answer's BYTES output 's' has shape [2], 2 elements, but holds 1."
        },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task AnAnswerWhoseBinaryPartDoesNotAddUpIsRefusedSayingWhy(string header, byte[] data, string message)
    {
        await using var server = await BinaryServerAsync(header, data);
        using var client = new PredictionClient(server.Endpoint);

        var error = await Assert.ThrowsAsync<CloudRequestException>(() => client.InferAsync("m", [InferTensor.Fp32("x", [1], [1f])]));

        Assert.Equal(message, error.Message);
    }

    /// <summary>A server that lists the extension and answers every /infer with <paramref name="header"/> and <paramref name="data"/>, as the host does.</summary>
    private static Task<FakeServer> BinaryServerAsync(string header, byte[] data) => FakeServer.StartAsync(async (context, _) =>
    {
        if (context.Request.Path == "/v2")
        {
            await context.Response.WriteAsJsonAsync(new { name = "fake", extensions = new[] { "binary_tensor_data" } });
            return;
        }

        var json = Encoding.UTF8.GetBytes(header);
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers["Inference-Header-Content-Length"] = json.Length.ToString(CultureInfo.InvariantCulture);
        await context.Response.Body.WriteAsync(json);
        await context.Response.Body.WriteAsync(data);
    });
}
