using System.Buffers;
using System.Text;
using System.Text.Json;
using Cloud.Serving;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>Test shorthands: decode a body that must succeed or fail, write a response to text, read tensors back.</summary>
internal static class Codec
{
    public static TfServingRequest Tf(ServedModel model, string json)
    {
        var ok = TfServingRequestReader.TryRead(Encoding.UTF8.GetBytes(json).AsMemory(), model, out var request, out var error);
        Assert.True(ok, error?.Message);
        return request!;
    }

    public static string TfError(ServedModel model, string json) => TfError(model, Encoding.UTF8.GetBytes(json));

    public static string TfError(ServedModel model, byte[] body)
    {
        var ok = TfServingRequestReader.TryRead(body.AsMemory(), model, out _, out var error);
        Assert.False(ok, "The request was accepted.");
        Assert.Equal(400, error!.StatusCode);
        return error.Message;
    }

    public static OipV2Request V2(ServedModel model, string json)
    {
        var ok = OipV2RequestReader.TryRead(Encoding.UTF8.GetBytes(json).AsMemory(), model, out var request, out var error);
        Assert.True(ok, error?.Message);
        return request!;
    }

    public static string V2Error(ServedModel model, string json)
    {
        var ok = OipV2RequestReader.TryRead(Encoding.UTF8.GetBytes(json).AsMemory(), model, out _, out var error);
        Assert.False(ok, "The request was accepted.");
        Assert.Equal(400, error!.StatusCode);
        return error.Message;
    }

    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ProtocolJson.WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Tensor Input(InferenceRequest request, string name) => request.Inputs.Single(i => i.Name == name).Value;

    public static T[] Values<T>(InferenceRequest request, string name)
        where T : unmanaged => Assert.IsType<DenseTensor<T>>(Input(request, name)).ToArray();

    public static long[] Shape(InferenceRequest request, string name) => [.. Input(request, name).Shape];

    public static NamedTensor Dense<T>(string name, T[] values, params long[] shape)
        where T : unmanaged => new(name, new DenseTensor<T>(values, shape));
}
