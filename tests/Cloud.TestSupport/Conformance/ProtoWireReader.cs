using System.Buffers.Binary;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>The protobuf wire types: the low three bits of every field key.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): keys, varints, fixed-size
/// numbers and length-delimited slices. It knows nothing about any message; <see cref="TensorProtoReader"/> does.
/// Malformed input throws <see cref="InvalidDataException"/> rather than reading past the end.
/// </summary>
internal ref struct ProtoWireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoWireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadKey(out int field, out WireType wireType)
    {
        if (AtEnd)
        {
            field = 0;
            wireType = default;
            return false;
        }

        var key = ReadVarint();
        if (key >> 3 is 0 or > int.MaxValue)
        {
            throw new InvalidDataException($"Field number {key >> 3} at byte {_position} is not a valid protobuf field number.");
        }

        field = (int)(key >> 3);
        wireType = (WireType)(key & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Next(1)[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException($"A varint ending before byte {_position} is longer than 10 bytes.");
    }

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Next(4));

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Next(8));

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new InvalidDataException($"A field of {length} bytes at byte {_position} runs past the end ({_data.Length} bytes).");
        }

        return Next((int)length);
    }

    /// <summary>Skips a field this reader's caller does not use (doc_string, say), as protobuf requires.</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Next(8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Next(4);
                break;
            default:
                // Groups are a proto2 relic that onnx.proto never uses; anything else is not protobuf.
                throw new InvalidDataException($"Wire type {(int)wireType} at byte {_position} is not used by onnx.proto.");
        }
    }

    private ReadOnlySpan<byte> Next(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new InvalidDataException($"The message ends at byte {_data.Length}, inside a field that needs {count} more bytes from byte {_position}.");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
