namespace Cloud.OnnxRuntime.Tests;

/// <summary>
/// Every element type goes into ORT and comes back unchanged through an Identity model whose first dimension is
/// the symbolic "batch", at several batch sizes. Values include each type's extremes (and NaN/inf/-0 for floats),
/// compared bit for bit.
/// </summary>
public sealed class ElementTypeTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var type in new[] { "float", "double", "float16", "int8", "uint8", "int16", "int32", "int64", "bool", "string" })
        {
            foreach (var batch in new[] { 1, 7, 256 })
            {
                data.Add(type, batch);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryElementTypeRoundTripsAtEveryBatchSize(string type, int batch)
    {
        var count = batch * 3;
        switch (type)
        {
            case "float":
                RoundTrip(type, batch, Values(count, [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue, float.MinValue], i => (i * 0.37f) - 11f), TensorElementType.Float);
                break;
            case "double":
                RoundTrip(type, batch, Values(count, [double.NaN, double.PositiveInfinity, -0d, double.Epsilon, double.MaxValue, double.MinValue], i => (i * 1e-3) - 0.5), TensorElementType.Double);
                break;
            case "float16":
                RoundTrip(type, batch, Values(count, [Half.NaN, Half.PositiveInfinity, Half.NegativeZero, Half.Epsilon, Half.MaxValue, Half.MinValue], i => (Half)((i % 200) * 0.25f)), TensorElementType.Float16);
                break;
            case "int8":
                RoundTrip(type, batch, Values(count, [sbyte.MinValue, sbyte.MaxValue, (sbyte)0, (sbyte)-1], i => (sbyte)(i % 256)), TensorElementType.Int8);
                break;
            case "uint8":
                RoundTrip(type, batch, Values(count, [byte.MinValue, byte.MaxValue], i => (byte)(i * 7)), TensorElementType.UInt8);
                break;
            case "int16":
                RoundTrip(type, batch, Values(count, [short.MinValue, short.MaxValue, (short)-1], i => (short)(i * 131)), TensorElementType.Int16);
                break;
            case "int32":
                RoundTrip(type, batch, Values(count, [int.MinValue, int.MaxValue, -1], i => i * 65599), TensorElementType.Int32);
                break;
            case "int64":
                RoundTrip(type, batch, Values(count, [long.MinValue, long.MaxValue, -1L], i => (long)i * 4294967311L), TensorElementType.Int64);
                break;
            case "bool":
                RoundTrip(type, batch, Values(count, [true, false], i => i % 3 == 0), TensorElementType.Bool);
                break;
            case "string":
                StringRoundTrip(batch, Values(count, ["", "héllo ✓", "emoji 🚀", new string('x', 1000)], i => "s" + i));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    [Fact]
    public void CastChangesTheElementType()
    {
        using var session = InferenceSession.Open(Samples.Tiny("cast_int32_to_float.onnx"));
        var result = session.Run("x", Tensor.Create(new[] { -3, 0, 7, 16777217 }, 2, 2));
        // 16777217 is not representable in float32: ORT's Cast rounds to nearest even, 16777216.
        Assert.Equal(new[] { -3f, 0f, 7f, 16777216f }, result.Get<float>("y").ToArray());
    }

    [Fact]
    public void ReduceSumGivesARankOneOutput()
    {
        using var session = InferenceSession.Open(Samples.Tiny("scalar_sum.onnx"));
        var result = session.Run("x", Tensor.Create(new[] { 1f, 2f, 3f, 10f, 20f, 30f }, 2, 3));
        var y = result.Get<float>("y");
        Assert.Equal([2L], y.Shape);
        Assert.Equal(new[] { 6f, 60f }, y.ToArray());
    }

    [Fact]
    public void ZeroRowsAreAValidBatch()
    {
        using var session = InferenceSession.Open(Samples.Tiny("identity_float.onnx"));
        var y = session.Run("x", Tensor.Create(Array.Empty<float>(), 0, 3)).Get<float>("y");
        Assert.Equal([0L, 3L], y.Shape);
        Assert.Empty(y.ToArray());
    }

    private static T[] Values<T>(int count, T[] specials, Func<int, T> pattern) =>
        Enumerable.Range(0, count).Select(i => i < specials.Length ? specials[i] : pattern(i)).ToArray();

    private static void RoundTrip<T>(string type, int batch, T[] data, TensorElementType expectedType)
        where T : unmanaged
    {
        using var session = InferenceSession.Open(Samples.Tiny($"identity_{type}.onnx"));
        Assert.Equal(expectedType, session.Inputs[0].ElementType);
        var input = Tensor.Create(data, batch, 3);
        Assert.Equal(expectedType, input.ElementType);

        var output = session.Run("x", input).Get<T>("y");

        Assert.Equal([(long)batch, 3L], output.Shape);
        Assert.Equal(expectedType, output.ElementType);
        // Bit-for-bit: NaN payloads and negative zero must survive too.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())
            .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(output.Span)));
    }

    private static void StringRoundTrip(int batch, string[] data)
    {
        using var session = InferenceSession.Open(Samples.Tiny("identity_string.onnx"));
        Assert.Equal(TensorElementType.String, session.Inputs[0].ElementType);

        var output = Assert.IsType<StringTensor>(session.Run("x", Tensor.CreateStrings(data, batch, 3))["y"]);

        Assert.Equal([(long)batch, 3L], output.Shape);
        Assert.Equal(data, output.Values);
    }
}
