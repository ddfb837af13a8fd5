using BFloat16 = Microsoft.ML.OnnxRuntime.BFloat16;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// Tensors as raw bytes, the form the binary tensor data extension (HTTP) and gRPC's raw_input_contents /
/// raw_output_contents share: elements little-endian, row-major, without padding; BOOL one byte (0 or 1); BYTES each
/// element a 4-byte little-endian length and then its bytes.
/// </summary>
internal static class RawTensors
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>An input's tensor copied out of <paramref name="raw"/> (a buffer the caller reuses: the request body).</summary>
    public static Tensor Read(ServedInput spec, long[] shape, ReadOnlySpan<byte> raw) => spec.ElementType switch
    {
        TensorElementType.String => ReadStrings(spec, shape, raw),
        _ => ReadDense(spec, shape, raw, null),
    };

    /// <summary>An input's tensor over <paramref name="array"/> itself, no copy: an array the request owns (gRPC's parsed bytes).</summary>
    public static Tensor Wrap(ServedInput spec, long[] shape, byte[] array) => spec.ElementType switch
    {
        TensorElementType.String => ReadStrings(spec, shape, array),
        _ => ReadDense(spec, shape, array, array),
    };

    /// <summary>The bytes <see cref="Write"/> takes for <paramref name="tensor"/>.</summary>
    public static int ByteSize(Tensor tensor)
    {
        if (tensor is StringTensor strings)
        {
            var size = 0;
            foreach (var value in strings.RawValues)
            {
                size = checked(size + 4 + Encoding.UTF8.GetByteCount(value));
            }

            return size;
        }

        return checked((int)tensor.ElementCount * TensorElementTypes.SizeOf(tensor.ElementType));
    }

    /// <summary>Writes <paramref name="tensor"/> into the first <see cref="ByteSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void Write(Tensor tensor, Span<byte> destination)
    {
        switch (tensor)
        {
            case StringTensor strings:
                var offset = 0;
                foreach (var value in strings.RawValues)
                {
                    var written = Encoding.UTF8.GetBytes(value, destination[(offset + 4)..]);
                    BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], (uint)written);
                    offset += 4 + written;
                }

                break;
            case IDenseTensor dense: dense.Bytes.CopyTo(destination); break;
            default: throw new NotSupportedException($"Cannot write {tensor} as raw bytes.");
        }
    }

    /// <summary>A whole tensor as a new array of raw bytes.</summary>
    public static byte[] ToArray(Tensor tensor)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(ByteSize(tensor));
        Write(tensor, bytes);
        return bytes;
    }

    private static Tensor ReadDense(ServedInput spec, long[] shape, ReadOnlySpan<byte> raw, byte[]? owned)
    {
        var count = ElementCount(shape);
        var size = TensorElementTypes.SizeOf(spec.ElementType);
        if (raw.Length != (long)count * size)
        {
            throw new ProtocolException(ProtocolErrors.RawSize(spec.Name, OipV2DataTypes.Name(spec.ElementType), TensorElementTypes.FormatShape(shape), count, (long)count * size, raw.Length));
        }

        if (spec.ElementType == TensorElementType.Bool)
        {
            // A bool byte other than 0 or 1 is undefined behaviour for .NET and for ORT's kernels alike.
            var bad = raw.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                throw new ProtocolException(ProtocolErrors.RawBool(spec.Name, bad, raw[bad]));
            }
        }

        return spec.ElementType switch
        {
            TensorElementType.Float => Dense<float>(shape, raw, owned),
            TensorElementType.Double => Dense<double>(shape, raw, owned),
            TensorElementType.Float16 => Dense<Half>(shape, raw, owned),
            TensorElementType.BFloat16 => Dense<BFloat16>(shape, raw, owned),
            TensorElementType.Int8 => Dense<sbyte>(shape, raw, owned),
            TensorElementType.UInt8 => Dense<byte>(shape, raw, owned),
            TensorElementType.Int16 => Dense<short>(shape, raw, owned),
            TensorElementType.UInt16 => Dense<ushort>(shape, raw, owned),
            TensorElementType.Int32 => Dense<int>(shape, raw, owned),
            TensorElementType.UInt32 => Dense<uint>(shape, raw, owned),
            TensorElementType.Int64 => Dense<long>(shape, raw, owned),
            TensorElementType.UInt64 => Dense<ulong>(shape, raw, owned),
            TensorElementType.Bool => Dense<bool>(shape, raw, owned),
            var other => throw new ProtocolException(ProtocolErrors.InputTypeNotSupported(spec.Name, TensorElementTypes.Name(other))),
        };
    }

    private static DenseTensor<T> Dense<T>(long[] shape, ReadOnlySpan<byte> raw, byte[]? owned)
        where T : unmanaged
    {
        if (owned is not null)
        {
            return new DenseTensor<T>(new ByteArrayMemory<T>(owned, 0, owned.Length).Memory, shape);
        }

        // An array of T, not of bytes reinterpreted: it is aligned for T, which ORT's vectorised kernels prefer.
        var elements = GC.AllocateUninitializedArray<T>(raw.Length / System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        raw.CopyTo(MemoryMarshal.AsBytes(elements.AsSpan()));
        return new DenseTensor<T>(elements, shape);
    }

    private static StringTensor ReadStrings(ServedInput spec, long[] shape, ReadOnlySpan<byte> raw)
    {
        var count = ElementCount(shape);

        // Every element takes at least its 4-byte prefix: a shape bigger than the bytes allow cannot size the array.
        if (count > raw.Length / 4 + 1)
        {
            throw new ProtocolException(ProtocolErrors.BytesNoPrefix(spec.Name, raw.Length / 4, raw.Length % 4));
        }

        var values = new string[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var remaining = raw.Length - offset;
            if (remaining < 4)
            {
                throw new ProtocolException(ProtocolErrors.BytesNoPrefix(spec.Name, i, remaining));
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[offset..]);
            offset += 4;
            if (length > (uint)(raw.Length - offset))
            {
                throw new ProtocolException(ProtocolErrors.BytesPastEnd(spec.Name, i, length, raw.Length - offset));
            }

            try
            {
                values[i] = StrictUtf8.GetString(raw.Slice(offset, (int)length));
            }
            catch (DecoderFallbackException)
            {
                throw new ProtocolException(ProtocolErrors.BytesNotUtf8(spec.Name, i));
            }

            offset += (int)length;
        }

        if (offset != raw.Length)
        {
            throw new ProtocolException(ProtocolErrors.BytesLeftOver(spec.Name, count, raw.Length - offset));
        }

        return new StringTensor(values, shape);
    }

    private static int ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        // Shapes are checked before (at most int.MaxValue elements), so this only guards the arithmetic.
        return checked((int)count);
    }
}
