using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// Decoding the serving benchmark's body — one row of 256 floats in TF-Serving row format — into the MLP's input
/// tensor. <see cref="FastPath"/> is what the host does with it; <see cref="GeneralReader"/> is the same body with a
/// <c>signature_name</c> key first, which the fast path declines at once, so it measures the general
/// Utf8JsonReader-based reader; <see cref="FastPathPrinted"/> is the fast path on 256 random floats printed
/// round-trip (8–9 significant digits, as clients that serialise float send them) instead of the body's short numbers;
/// <see cref="BareReaderPass"/> is what the bare endpoint of the load benchmark does
/// (one Utf8JsonReader pass, summing GetSingle), the floor for a tokenizer.
/// Run: cd tests/Cloud.Benchmarks &amp;&amp; dotnet run -c Release -- --filter '*Decode*'
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmark
{
    private byte[] _plain = null!;
    private byte[] _withSignature = null!;
    private byte[] _printed = null!;
    private ServedModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var row = Row(Enumerable.Range(0, 256).Select(i => (i % 17) * 0.0625f - 0.5f));
        _plain = Encoding.UTF8.GetBytes("{\"instances\": [[" + row + "]]}");
        _withSignature = Encoding.UTF8.GetBytes("{\"signature_name\": \"serving_default\", \"instances\": [[" + row + "]]}");
        var random = new Random(7);
        _printed = Encoding.UTF8.GetBytes("{\"instances\": [[" + Row(Enumerable.Range(0, 256).Select(_ => (float)(random.NextDouble() - 0.5))) + "]]}");
        using var session = new InferenceSession(BenchmarkModels.Mlp);
        _model = new ServedModel("mlp", "1.0.0", ModelNode.InputsOf(session), ModelNode.OutputsOf(session));
    }

    [Benchmark(Baseline = true)]
    public object GeneralReader() => Decode(_withSignature);

    [Benchmark]
    public object FastPath() => Decode(_plain);

    [Benchmark]
    public object FastPathPrinted() => Decode(_printed);

    [Benchmark]
    public float BareReaderPass()
    {
        var reader = new Utf8JsonReader(_plain);
        var sum = 0f;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                sum += reader.GetSingle();
            }
        }

        return sum;
    }

    private static string Row(IEnumerable<float> values) =>
        string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private TfServingRequest Decode(byte[] body) =>
        TfServingRequestReader.TryRead(body.AsSpan(), _model, out var request, out var error) ? request : throw new InvalidOperationException(error!.Message);
}
