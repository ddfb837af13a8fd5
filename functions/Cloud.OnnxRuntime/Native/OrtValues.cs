using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Cloud.OnnxRuntime.Native;

/// <summary>Turns tensors into native OrtValues for a Run, and native outputs back into tensors.</summary>
internal static unsafe class OrtValues
{
    /// <summary>
    /// Creates an OrtValue for an input. A dense tensor's managed memory is pinned and shared with ORT (no copy);
    /// the caller disposes <paramref name="pin"/> after releasing the value. Strings are copied into ORT's memory.
    /// </summary>
    public static nint CreateInput(OrtApi api, Tensor tensor, out MemoryHandle pin)
    {
        var shape = tensor.ShapeSpan;
        nint value;
        if (tensor is StringTensor strings)
        {
            pin = default;
            fixed (long* dims = shape)
            {
                api.Check(api.CreateTensorAsOrtValue(OrtEnvironment.Allocator, dims, (nuint)shape.Length, TensorElementType.String, &value));
            }

            try
            {
                FillStrings(api, value, strings.RawValues);
            }
            catch
            {
                api.ReleaseValue(value);
                throw;
            }

            return value;
        }

        pin = tensor.Pin(out var byteLength);
        try
        {
            fixed (long* dims = shape)
            {
                api.Check(api.CreateTensorWithDataAsOrtValue(OrtEnvironment.CpuMemoryInfo, pin.Pointer, byteLength, dims,
                    (nuint)shape.Length, tensor.ElementType, &value));
            }
        }
        catch
        {
            pin.Dispose();
            throw;
        }

        return value;
    }

    /// <summary>Copies a native output tensor into a new managed tensor. The caller still releases <paramref name="value"/>.</summary>
    public static Tensor ReadOutput(OrtApi api, nint value, string name)
    {
        OnnxValueType valueType;
        api.Check(api.GetValueType(value, &valueType));
        if (valueType != OnnxValueType.Tensor)
        {
            throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                $"Output '{name}' is a {valueType.ToString().ToLowerInvariant()}; only tensor outputs can be read.");
        }

        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info));
        TensorElementType elementType;
        long[] shape;
        try
        {
            api.Check(api.GetTensorElementType(info, &elementType));
            shape = ReadDimensions(api, info);
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(info);
        }

        return elementType switch
        {
            TensorElementType.Float => CopyDense<float>(api, value, shape),
            TensorElementType.Double => CopyDense<double>(api, value, shape),
            TensorElementType.Float16 => CopyDense<Half>(api, value, shape),
            TensorElementType.Int8 => CopyDense<sbyte>(api, value, shape),
            TensorElementType.UInt8 => CopyDense<byte>(api, value, shape),
            TensorElementType.Int16 => CopyDense<short>(api, value, shape),
            TensorElementType.UInt16 => CopyDense<ushort>(api, value, shape),
            TensorElementType.Int32 => CopyDense<int>(api, value, shape),
            TensorElementType.UInt32 => CopyDense<uint>(api, value, shape),
            TensorElementType.Int64 => CopyDense<long>(api, value, shape),
            TensorElementType.UInt64 => CopyDense<ulong>(api, value, shape),
            TensorElementType.Bool => CopyDense<bool>(api, value, shape),
            TensorElementType.String => new StringTensor(ReadStrings(api, value, ElementCount(shape)), shape),
            _ => throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                $"Output '{name}' has element type {TensorElementTypes.Name(elementType)}, which this binding cannot read."),
        };
    }

    /// <summary>Reads the dimensions of an OrtTensorTypeAndShapeInfo (-1 for free dimensions).</summary>
    public static long[] ReadDimensions(OrtApi api, nint info)
    {
        nuint rank;
        api.Check(api.GetDimensionsCount(info, &rank));
        var dims = new long[(int)rank];
        fixed (long* p = dims)
        {
            api.Check(api.GetDimensions(info, p, rank));
        }

        return dims;
    }

    private static DenseTensor<T> CopyDense<T>(OrtApi api, nint value, long[] shape)
        where T : unmanaged
    {
        var count = checked((int)ElementCount(shape));
        var data = count == 0 ? [] : new T[count];
        if (count > 0)
        {
            void* source;
            api.Check(api.GetTensorMutableData(value, &source));
            new ReadOnlySpan<T>(source, count).CopyTo(data);
        }

        return new DenseTensor<T>(data, shape);
    }

    private static void FillStrings(OrtApi api, nint value, string[] strings)
    {
        // One buffer of NUL-terminated UTF-8 strings plus a pointer per string; ORT copies them.
        // FillStringTensor reads C strings, so an embedded NUL would silently cut the string short: refuse it.
        var totalBytes = 0;
        for (var i = 0; i < strings.Length; i++)
        {
            if (strings[i].Contains('\0', StringComparison.Ordinal))
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                    $"String tensor element {i} contains a NUL character, which ONNX Runtime's FillStringTensor (it takes C strings) cannot carry.");
            }

            totalBytes = checked(totalBytes + Encoding.UTF8.GetByteCount(strings[i]) + 1);
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(totalBytes, 1));
        var pointers = ArrayPool<nint>.Shared.Rent(Math.Max(strings.Length, 1));
        try
        {
            fixed (byte* start = bytes)
            fixed (nint* ptrs = pointers)
            {
                var offset = 0;
                for (var i = 0; i < strings.Length; i++)
                {
                    ptrs[i] = (nint)(start + offset);
                    offset += Encoding.UTF8.GetBytes(strings[i], bytes.AsSpan(offset));
                    bytes[offset++] = 0;
                }

                api.Check(api.FillStringTensor(value, (byte**)ptrs, (nuint)strings.Length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<nint>.Shared.Return(pointers);
        }
    }

    private static string[] ReadStrings(OrtApi api, nint value, long count)
    {
        var n = checked((int)count);
        if (n == 0)
        {
            return [];
        }

        nuint length;
        api.Check(api.GetStringTensorDataLength(value, &length));
        var bytes = new byte[(int)length];
        var offsets = new nuint[n];
        fixed (byte* b = bytes)
        fixed (nuint* o = offsets)
        {
            api.Check(api.GetStringTensorContent(value, b, length, o, (nuint)n));
        }

        // Strings are concatenated without terminators; offsets[i] is where string i starts.
        var result = new string[n];
        for (var i = 0; i < n; i++)
        {
            var start = (int)offsets[i];
            var end = i + 1 < n ? (int)offsets[i + 1] : (int)length;
            result[i] = Encoding.UTF8.GetString(bytes, start, end - start);
        }

        return result;
    }

    private static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count = checked(count * d);
        }

        return count;
    }

    /// <summary>Reads a string ORT allocated with the default allocator, then frees it.</summary>
    public static string TakeAllocatedString(OrtApi api, byte* text)
    {
        try
        {
            return Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
        }
        finally
        {
            if (text != null)
            {
                api.Check(api.AllocatorFree(OrtEnvironment.Allocator, text));
            }
        }
    }
}
