using Cloud.Sdk.Registry;

namespace Cloud.Sdk.Onnx;

/// <summary>
/// The declared inputs and outputs of an ONNX GraphProto, read from the wire format: GraphProto.input (11),
/// output (12) and the names of initializer (5), which older models also list as inputs and which no caller feeds.
/// Element types are named as the registry records them (float32, int64, string, ...); a free dimension is -1 with
/// its symbolic name, a fixed one its size with an empty name.
/// </summary>
internal sealed record GraphSignature(IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs)
{
    private const int MaxName = 64 * 1024;

    public static GraphSignature Read(OnnxModelHeader.WireReader reader, long length)
    {
        var end = reader.Position + length;
        var inputs = new List<TensorSignature>();
        var outputs = new List<TensorSignature>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (11, 2): inputs.Add(ReadValueInfo(reader, reader.ReadLength())); break;
                case (12, 2): outputs.Add(ReadValueInfo(reader, reader.ReadLength())); break;
                case (5, 2): initializers.Add(ReadTensorName(reader, reader.ReadLength())); break;
                default: reader.Skip(wireType); break;
            }
        }

        Expect(reader, end, "the graph");
        return new GraphSignature(inputs.Where(i => !initializers.Contains(i.Name)).ToArray(), outputs);
    }

    private static TensorSignature ReadValueInfo(OnnxModelHeader.WireReader reader, long length)
    {
        var end = reader.Position + length;
        var name = string.Empty;
        var (type, dims, symbols) = ("undefined", new List<long>(), new List<string>());
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): name = reader.ReadString(MaxName); break;
                case (2, 2): (type, dims, symbols) = ReadType(reader, reader.ReadLength()); break;
                default: reader.Skip(wireType); break;
            }
        }

        Expect(reader, end, $"input or output '{name}'");
        return new TensorSignature(name, type, dims, symbols);
    }

    /// <summary>TypeProto: tensor_type (1) holds elem_type (1) and shape (2); sequences, maps and the rest are named by kind.</summary>
    private static (string Type, List<long> Dims, List<string> Symbols) ReadType(OnnxModelHeader.WireReader reader, long length)
    {
        var end = reader.Position + length;
        var result = ("undefined", new List<long>(), new List<string>());
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): result = ReadTensorType(reader, reader.ReadLength()); break;
                case (4, 2): result.Item1 = "sequence"; reader.Skip(wireType); break;
                case (5, 2): result.Item1 = "map"; reader.Skip(wireType); break;
                case (9, 2): result.Item1 = "optional"; reader.Skip(wireType); break;
                case (8, 2): result.Item1 = "sparsetensor"; reader.Skip(wireType); break;
                default: reader.Skip(wireType); break;
            }
        }

        Expect(reader, end, "a type");
        return result;
    }

    private static (string Type, List<long> Dims, List<string> Symbols) ReadTensorType(OnnxModelHeader.WireReader reader, long length)
    {
        var end = reader.Position + length;
        var (type, dims, symbols) = ("undefined", new List<long>(), new List<string>());
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 0): type = ElementTypeName(reader.ReadVarint()); break;
                case (2, 2):
                    var shapeLength = reader.ReadLength();
                    var shapeEnd = reader.Position + shapeLength;
                    while (reader.Position < shapeEnd && reader.TryReadTag(out var dimField, out var dimWire))
                    {
                        if (dimField == 1 && dimWire == 2)
                        {
                            var (size, symbol) = ReadDimension(reader, reader.ReadLength());
                            dims.Add(size);
                            symbols.Add(symbol);
                        }
                        else
                        {
                            reader.Skip(dimWire);
                        }
                    }

                    Expect(reader, shapeEnd, "a shape");
                    break;
                default: reader.Skip(wireType); break;
            }
        }

        Expect(reader, end, "a tensor type");
        return (type, dims, symbols);
    }

    private static (long Size, string Symbol) ReadDimension(OnnxModelHeader.WireReader reader, long length)
    {
        var end = reader.Position + length;
        long size = -1;
        var symbol = string.Empty;
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 0): size = reader.ReadVarint(); break;
                case (2, 2): symbol = reader.ReadString(MaxName); break;
                default: reader.Skip(wireType); break;
            }
        }

        Expect(reader, end, "a dimension");
        return (size, symbol);
    }

    private static string ReadTensorName(OnnxModelHeader.WireReader reader, long length)
    {
        var end = reader.Position + length;
        var name = string.Empty;
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 8 && wireType == 2) name = reader.ReadString(MaxName); else reader.Skip(wireType);
        }

        Expect(reader, end, "an initializer");
        return name;
    }

    private static void Expect(OnnxModelHeader.WireReader reader, long end, string what)
    {
        if (reader.Position != end)
        {
            throw OnnxModelHeader.NotOnnxModel($"{what} overruns its length");
        }
    }

    /// <summary>TensorProto.DataType numbers, named as the registry's signatures name them.</summary>
    private static string ElementTypeName(long type) => type switch
    {
        1 => "float32",
        2 => "uint8",
        3 => "int8",
        4 => "uint16",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        8 => "string",
        9 => "bool",
        10 => "float16",
        11 => "float64",
        12 => "uint32",
        13 => "uint64",
        14 => "complex64",
        15 => "complex128",
        16 => "bfloat16",
        _ => "undefined",
    };
}
