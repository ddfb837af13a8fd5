using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cloud.Registry.Onnx;
using Cloud.Serving.Grpc;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Google.Protobuf;
using Inference;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// One request's input decoded into the tensor the batcher gets, in each form of the Open Inference Protocol (issue
/// #23): JSON, the binary tensor data extension (the JSON header plus raw bytes), and gRPC (the message parsed by
/// Google.Protobuf from its wire bytes, then decoded). One operation is one request; the allocation column is the
/// point: raw forms allocate about one copy of the input (gRPC: the ByteString Google.Protobuf parses, which the
/// tensor then wraps without a second copy; binary HTTP: the tensor's array copied out of the body).
/// Inputs: the MLP's one 256-float row, and one 224×224×3 float image.
/// Run: cd tests/Cloud.Benchmarks &amp;&amp; dotnet run -c Release -- --filter '*ProtocolDecode*'
/// </summary>
[MemoryDiagnoser]
public class ProtocolDecodeBenchmark
{
    private byte[] _json = null!;
    private byte[] _binary = null!;
    private int _headerLength;
    private byte[] _grpc = null!;
    private ServedModel _model = null!;

    [Params("mlp", "image")]
    public string Input { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup()
    {
        long[] shape = Input == "mlp" ? [1, 256] : [1, 224, 224, 3];
        var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => (i % 17) * 0.0625f - 0.5f).ToArray();
        var node = new ModelNode("x", OnnxValueType.ONNX_TYPE_TENSOR, TensorElementType.Float, [-1, .. shape[1..]], new string[shape.Length]);
        var output = new ModelNode("y", OnnxValueType.ONNX_TYPE_TENSOR, TensorElementType.Float, [-1, 3], new string[2]);
        _model = new ServedModel("bench", "1.0.0", [node], [output]);
        var shapeText = string.Join(",", shape);
        _json = Encoding.UTF8.GetBytes($"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[{shapeText}],\"datatype\":\"FP32\",\"data\":[" +
            string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}]}");
        var header = Encoding.UTF8.GetBytes($"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[{shapeText}],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{values.Length * 4}}}}}]}}");
        _headerLength = header.Length;
        _binary = [.. header, .. MemoryMarshal.AsBytes(values.AsSpan())];
        var request = new ModelInferRequest { ModelName = "bench" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        input.Shape.AddRange(shape);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
        _grpc = request.ToByteArray();
    }

    [Benchmark(Baseline = true)]
    public object? Json() => OipV2RequestReader.TryRead(new ReadOnlySequence<byte>(_json), _model, out var request, out _) ? request : null;

    [Benchmark]
    public object? BinaryHttp() => OipV2RequestReader.TryReadBinary(new ReadOnlySequence<byte>(_binary), _headerLength, _model, out var request, out _) ? request : null;

    [Benchmark]
    public object GrpcRaw() => GrpcInferRequestReader.Read(ModelInferRequest.Parser.ParseFrom(_grpc), _model.Signature).Request;
}
