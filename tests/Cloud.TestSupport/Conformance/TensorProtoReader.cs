using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Cloud.Registry.Onnx;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// Reads a serialized <c>onnx.TensorProto</c> (onnx.proto, onnx 1.12) into a serving tensor (Cloud.Serving.Tensors). Only the fields
/// the backend test data uses are read; others (doc_string, metadata_props) are skipped as protobuf allows.
/// The caller must already know the file holds a TensorProto: SequenceProto, MapProto and
/// OptionalProto files carry the same file names and are told apart by the model's signature, not by their bytes.
/// </summary>
internal static class TensorProtoReader
{
    // Field numbers from onnx.proto's TensorProto.
    private const int DimsField = 1;
    private const int DataTypeField = 2;
    private const int SegmentField = 3;
    private const int FloatDataField = 4;
    private const int Int32DataField = 5;
    private const int StringDataField = 6;
    private const int Int64DataField = 7;
    private const int NameField = 8;
    private const int RawDataField = 9;
    private const int DoubleDataField = 10;
    private const int UInt64DataField = 11;
    private const int ExternalDataField = 13;
    private const int DataLocationField = 14;

    // TensorProto.DataLocation.EXTERNAL: the bytes live in another file named by external_data.
    private const int ExternalLocation = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a TensorProto file.</summary>
    /// <exception cref="UnsupportedByServingException">The tensor is one our tensors cannot hold.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed TensorProto.</exception>
    public static NamedTensor Read(string path)
    {
        try
        {
            return Read(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is UnsupportedByServingException or InvalidDataException)
        {
            // Same type, with the file named: a message that says only "field 9 runs past the end" is no help.
            throw e is UnsupportedByServingException
                ? new UnsupportedByServingException($"{Path.GetFileName(path)}: {e.Message}")
                : new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads the bytes of a TensorProto.</summary>
    public static NamedTensor Read(ReadOnlySpan<byte> proto)
    {
        var fields = Parse(proto);
        if (fields.HasSegment)
        {
            throw new UnsupportedByServingException("the tensor is split into segments (TensorProto.segment), which this reader does not join.");
        }

        if (fields.HasExternalData || fields.DataLocation == ExternalLocation)
        {
            throw new UnsupportedByServingException("the tensor's data is stored externally (TensorProto.external_data), which this reader does not load.");
        }

        var shape = fields.Dims.ToArray();
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new InvalidDataException($"Dimension {dim} is negative.");
            }

            count = checked(count * dim);
        }

        return new NamedTensor(fields.Name, Build(fields, shape, checked((int)count)));
    }

    private static Tensor Build(Fields f, long[] shape, int count)
    {
        var type = (TensorElementType)f.DataType;
        return type switch
        {
            TensorElementType.Float => Dense(f, shape, count, f.FloatData, static v => v),
            TensorElementType.Double => Dense(f, shape, count, f.DoubleData, static v => v),

            // onnx.proto: int32_data also carries int16, int8, uint16, uint8, bool and float16 (as its uint16 bit
            // pattern). The casts are checked: a value out of range means a broken file, not one to wrap around.
            TensorElementType.Int32 => Dense(f, shape, count, f.Int32Data, static v => v),
            TensorElementType.Int16 => Dense(f, shape, count, f.Int32Data, static v => checked((short)v)),
            TensorElementType.Int8 => Dense(f, shape, count, f.Int32Data, static v => checked((sbyte)v)),
            TensorElementType.UInt16 => Dense(f, shape, count, f.Int32Data, static v => checked((ushort)v)),
            TensorElementType.UInt8 => Dense(f, shape, count, f.Int32Data, static v => checked((byte)v)),
            TensorElementType.Bool => Dense(f, shape, count, f.Int32Data, static v => v != 0),
            TensorElementType.Float16 => Dense(f, shape, count, f.Int32Data, static v => BitConverter.UInt16BitsToHalf(checked((ushort)v))),

            TensorElementType.Int64 => Dense(f, shape, count, f.Int64Data, static v => v),

            // uint64_data carries uint32 and uint64.
            TensorElementType.UInt32 => Dense(f, shape, count, f.UInt64Data, static v => checked((uint)v)),
            TensorElementType.UInt64 => Dense(f, shape, count, f.UInt64Data, static v => v),

            TensorElementType.String => Strings(f, shape, count),

            // int32_data carries bfloat16 as its uint16 bit pattern, as float16.
            TensorElementType.BFloat16 => Dense(f, shape, count, f.Int32Data, static v => new BFloat16(checked((ushort)v))),

            TensorElementType.Complex64 or TensorElementType.Complex128 =>
                throw new UnsupportedByServingException($"element type {TensorElementTypes.Name(type)} has no tensor type in serving."),
            _ => throw new UnsupportedByServingException($"element type {f.DataType} (TensorProto.DataType) has no tensor type in serving."),
        };
    }

    private static DenseTensor<T> Dense<TField, T>(Fields f, long[] shape, int count, List<TField> typed, Func<TField, T> convert)
        where T : unmanaged
    {
        T[] values;
        if (f.RawData is { } raw)
        {
            // raw_data is little-endian fixed-size elements, the layout of T on every platform .NET runs ORT on.
            var size = Unsafe.SizeOf<T>();
            if (raw.Length != (long)count * size)
            {
                throw new InvalidDataException($"raw_data holds {raw.Length} bytes; shape {TensorElementTypes.FormatShape(shape)} of {typeof(T).Name} needs {(long)count * size}.");
            }

            values = typeof(T) == typeof(bool)
                ? (T[])(object)Array.ConvertAll(raw, static b => b != 0) // any non-zero byte is true, as in numpy
                : MemoryMarshal.Cast<byte, T>(raw).ToArray();
        }
        else
        {
            if (typed.Count != count)
            {
                throw new InvalidDataException($"The typed data field holds {typed.Count} values; shape {TensorElementTypes.FormatShape(shape)} needs {count}.");
            }

            values = new T[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = convert(typed[i]);
            }
        }

        return new DenseTensor<T>(values, shape);
    }

    private static StringTensor Strings(Fields f, long[] shape, int count)
    {
        if (f.StringData.Count != count)
        {
            throw new InvalidDataException($"string_data holds {f.StringData.Count} values; shape {TensorElementTypes.FormatShape(shape)} needs {count}.");
        }

        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            try
            {
                values[i] = StrictUtf8.GetString(f.StringData[i]);
            }
            catch (DecoderFallbackException)
            {
                // ONNX strings are bytes; ours are .NET strings passed to ORT as UTF-8, so these would not round-trip.
                throw new UnsupportedByServingException(
                    $"string_data[{i}] ({Convert.ToHexString(f.StringData[i])}) is not valid UTF-8; serving strings are UTF-8 text.");
            }

            if (values[i].Contains('\0', StringComparison.Ordinal))
            {
                // ORT fills string tensor elements from C strings (FillStringTensorElement), so it refuses embedded NULs.
                throw new UnsupportedByServingException($"string_data[{i}] contains a NUL byte, which ORT string tensors cannot hold.");
            }
        }

        return new StringTensor(values, shape);
    }

    private static Fields Parse(ReadOnlySpan<byte> proto)
    {
        var f = new Fields();
        var reader = new ProtoWireReader(proto);
        while (reader.TryReadKey(out var field, out var wireType))
        {
            switch (field)
            {
                case DimsField:
                    ReadVarints(ref reader, wireType, f.Dims, static v => (long)v);
                    break;
                case DataTypeField:
                    f.DataType = (int)Expect(ref reader, wireType, WireType.Varint);
                    break;
                case SegmentField:
                    reader.Skip(wireType);
                    f.HasSegment = true;
                    break;
                case FloatDataField:
                    ReadFixed32s(ref reader, wireType, f.FloatData);
                    break;
                case Int32DataField:
                    // int32 varints of negative values are sign-extended to 64 bits; truncating restores them.
                    ReadVarints(ref reader, wireType, f.Int32Data, static v => unchecked((int)v));
                    break;
                case StringDataField:
                    f.StringData.Add(ExpectBytes(ref reader, wireType).ToArray());
                    break;
                case Int64DataField:
                    ReadVarints(ref reader, wireType, f.Int64Data, static v => (long)v);
                    break;
                case NameField:
                    f.Name = Encoding.UTF8.GetString(ExpectBytes(ref reader, wireType)); // only shown in messages
                    break;
                case RawDataField:
                    f.RawData = ExpectBytes(ref reader, wireType).ToArray();
                    break;
                case DoubleDataField:
                    ReadFixed64s(ref reader, wireType, f.DoubleData);
                    break;
                case UInt64DataField:
                    ReadVarints(ref reader, wireType, f.UInt64Data, static v => v);
                    break;
                case ExternalDataField:
                    reader.Skip(wireType);
                    f.HasExternalData = true;
                    break;
                case DataLocationField:
                    f.DataLocation = (int)Expect(ref reader, wireType, WireType.Varint);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return f;
    }

    // Repeated scalars may come packed (one length-delimited run, proto3's default) or one key per value.
    private static void ReadVarints<T>(ref ProtoWireReader reader, WireType wireType, List<T> into, Func<ulong, T> convert)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var packed = new ProtoWireReader(reader.ReadLengthDelimited());
            while (!packed.AtEnd)
            {
                into.Add(convert(packed.ReadVarint()));
            }
        }
        else
        {
            into.Add(convert(Expect(ref reader, wireType, WireType.Varint)));
        }
    }

    private static void ReadFixed32s(ref ProtoWireReader reader, WireType wireType, List<float> into)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var packed = new ProtoWireReader(reader.ReadLengthDelimited());
            while (!packed.AtEnd)
            {
                into.Add(BitConverter.UInt32BitsToSingle(packed.ReadFixed32()));
            }
        }
        else
        {
            Expect(wireType, WireType.Fixed32);
            into.Add(BitConverter.UInt32BitsToSingle(reader.ReadFixed32()));
        }
    }

    private static void ReadFixed64s(ref ProtoWireReader reader, WireType wireType, List<double> into)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var packed = new ProtoWireReader(reader.ReadLengthDelimited());
            while (!packed.AtEnd)
            {
                into.Add(BitConverter.UInt64BitsToDouble(packed.ReadFixed64()));
            }
        }
        else
        {
            Expect(wireType, WireType.Fixed64);
            into.Add(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
        }
    }

    private static ulong Expect(ref ProtoWireReader reader, WireType actual, WireType expected)
    {
        Expect(actual, expected);
        return reader.ReadVarint();
    }

    private static ReadOnlySpan<byte> ExpectBytes(ref ProtoWireReader reader, WireType actual)
    {
        Expect(actual, WireType.LengthDelimited);
        return reader.ReadLengthDelimited();
    }

    private static void Expect(WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"A TensorProto field has wire type {actual} where onnx.proto declares {expected}.");
        }
    }

    /// <summary>The TensorProto fields as read, before they are checked against each other.</summary>
    private sealed class Fields
    {
        public List<long> Dims { get; } = [];
        public int DataType { get; set; }
        public bool HasSegment { get; set; }
        public List<float> FloatData { get; } = [];
        public List<int> Int32Data { get; } = [];
        public List<byte[]> StringData { get; } = [];
        public List<long> Int64Data { get; } = [];
        public string Name { get; set; } = string.Empty;
        public byte[]? RawData { get; set; }
        public List<double> DoubleData { get; } = [];
        public List<ulong> UInt64Data { get; } = [];
        public bool HasExternalData { get; set; }
        public int DataLocation { get; set; }
    }
}
