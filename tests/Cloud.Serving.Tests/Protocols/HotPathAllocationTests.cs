using System.Globalization;
using System.Text;
using Cloud.Serving;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>
/// The serving benchmark's request, one row of 256 floats, must cost little more than the tensor's own 1 KB:
/// no boxing, no per-value objects, no JSON DOM. Counted on this thread, so other tests running in parallel
/// do not disturb it.
/// </summary>
public sealed class HotPathAllocationTests
{
    // The float[256] the tensor needs (1,048 bytes) plus the request's few small objects (columns, shapes, records).
    private const long Budget = 1_600;

    private static readonly ServedModel Model = TestModels.Built(new Input("x", TensorElementType.Float, "batch", 256L));

    private static readonly byte[] TfBody = Encoding.UTF8.GetBytes(
        "{\"instances\":[[" + string.Join(",", Enumerable.Range(0, 256).Select(i => (i / 7.0).ToString("R", CultureInfo.InvariantCulture))) + "]]}");

    private static readonly byte[] V2Body = Encoding.UTF8.GetBytes(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,256],\"datatype\":\"FP32\",\"data\":["
        + string.Join(",", Enumerable.Range(0, 256).Select(i => (i / 7.0).ToString("R", CultureInfo.InvariantCulture))) + "]}]}");

    [Fact]
    public void DecodingOneRowOf256FloatsAllocatesLittleMoreThanTheTensor()
    {
        var perRequest = BytesPerCall(() => TfServingRequestReader.TryRead(TfBody.AsMemory(), Model, out _, out _));

        Assert.True(perRequest < Budget, $"TF Serving decode allocated {perRequest} bytes per request.");
    }

    [Fact]
    public void DecodingTheSameRowInV2AllocatesLittleMoreThanTheTensor()
    {
        var perRequest = BytesPerCall(() => OipV2RequestReader.TryRead(V2Body.AsMemory(), Model, out _, out _));

        Assert.True(perRequest < Budget + 100, $"v2 decode allocated {perRequest} bytes per request.");
    }

    [Fact]
    public void WritingTheResponseAllocatesNothingOnceTheWriterExists()
    {
        var response = new InferenceResponse([new NamedTensor("y", new DenseTensor<float>(Enumerable.Range(0, 256).Select(i => i / 7f).ToArray(), [1, 256]))]);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(8192);
        using var writer = new System.Text.Json.Utf8JsonWriter(buffer, ProtocolJson.WriterOptions);

        var perResponse = BytesPerCall(() =>
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            TfServingResponseWriter.WritePredictResponse(writer, response, TfServingFormat.Row);
            writer.Flush();
        });

        Assert.True(perResponse == 0, $"Writing allocated {perResponse} bytes per response.");

        var perV2Response = BytesPerCall(() =>
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            OipV2ResponseWriter.WriteInferResponse(writer, Model, "id", response);
            writer.Flush();
        });

        Assert.True(perV2Response == 0, $"Writing v2 allocated {perV2Response} bytes per response.");
    }

    private static long BytesPerCall(Action call)
    {
        for (var i = 0; i < 100; i++)
        {
            call();
        }

        const int Calls = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }
}
