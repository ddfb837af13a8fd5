namespace Cloud.LoadHarness;

/// <summary>
/// Writes a valid ONNX model of a chosen size without holding it in memory: y = x · W with W an n×n float32
/// initializer streamed out in chunks. Hand-written protobuf, because the point is to measure memory and the
/// python generator would need the whole array in RAM.
/// </summary>
internal static class BigModelWriter
{
    public static void Write(string path, int n)
    {
        long weightBytes = (long)n * n * 4;
        var dims = Concat(Tag(1, 0), Varint(n), Tag(1, 0), Varint(n));
        var tensorHead = Concat(dims, Tag(2, 0), Varint(1), LengthDelimited(8, "w"u8.ToArray()));
        var rawDataHead = Concat(Tag(9, 2), Varint(weightBytes));
        var tensorLength = tensorHead.Length + rawDataHead.Length + weightBytes;

        var floatType = LengthDelimited(1, Concat(Tag(1, 0), Varint(1),
            LengthDelimited(2, Concat(LengthDelimited(1, LengthDelimited(3, "batch"u8.ToArray())), LengthDelimited(1, Concat(Tag(1, 0), Varint(n)))))));
        var inputX = LengthDelimited(11, Concat(LengthDelimited(1, "x"u8.ToArray()), LengthDelimited(2, floatType)));
        var outputY = LengthDelimited(12, Concat(LengthDelimited(1, "y"u8.ToArray()), LengthDelimited(2, floatType)));
        var node = LengthDelimited(1, Concat(LengthDelimited(1, "x"u8.ToArray()), LengthDelimited(1, "w"u8.ToArray()),
            LengthDelimited(2, "y"u8.ToArray()), LengthDelimited(4, "MatMul"u8.ToArray())));
        var graphRest = Concat(node, LengthDelimited(2, "big"u8.ToArray()), inputX, outputY);
        var initializerHead = Concat(Tag(5, 2), Varint(tensorLength));
        var graphLength = graphRest.Length + initializerHead.Length + tensorLength;

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write(Concat(Tag(1, 0), Varint(8)));                                   // ir_version 8
        file.Write(LengthDelimited(2, "cloud-load-harness"u8.ToArray()));           // producer_name
        file.Write(LengthDelimited(8, Concat(Tag(2, 0), Varint(17))));              // opset_import { version 17 }
        file.Write(Concat(Tag(7, 2), Varint(graphLength)));                         // graph
        file.Write(graphRest);
        file.Write(initializerHead);
        file.Write(tensorHead);
        file.Write(rawDataHead);
        var chunk = new byte[1 << 20];
        var random = new Random(7);
        for (long written = 0; written < weightBytes; written += chunk.Length)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(chunk.AsSpan());
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = (float)(random.NextDouble() - 0.5) * 0.01f;
            }

            file.Write(chunk, 0, (int)Math.Min(chunk.Length, weightBytes - written));
        }
    }

    private static byte[] Tag(int field, int wireType) => Varint((field << 3) | wireType);

    private static byte[] LengthDelimited(int field, byte[] payload) => Concat(Tag(field, 2), Varint(payload.Length), payload);

    private static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
