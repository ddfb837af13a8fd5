using BFloat16 = Microsoft.ML.OnnxRuntime.BFloat16;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Models;

/// <summary>
/// Concatenates the rows of several requests into one batch along dimension 0, for every element type the codecs
/// hold, padding by repeating the last real row. Copies are one block per part, never per element. (Outputs are
/// cut back per request by <see cref="OutputTensors"/>, straight from ORT's buffers.)
/// </summary>
internal static class TensorRows
{
    /// <summary>The shape of one row: every dimension but the first.</summary>
    public static long[] RowShape(Tensor tensor) => tensor.Shape.Skip(1).ToArray();

    public static Tensor Concat(IReadOnlyList<Tensor> parts, int paddedRows) => parts[0] switch
    {
        DenseTensor<float> => ConcatDense<float>(parts, paddedRows),
        DenseTensor<double> => ConcatDense<double>(parts, paddedRows),
        DenseTensor<Half> => ConcatDense<Half>(parts, paddedRows),
        DenseTensor<BFloat16> => ConcatDense<BFloat16>(parts, paddedRows),
        DenseTensor<sbyte> => ConcatDense<sbyte>(parts, paddedRows),
        DenseTensor<byte> => ConcatDense<byte>(parts, paddedRows),
        DenseTensor<short> => ConcatDense<short>(parts, paddedRows),
        DenseTensor<ushort> => ConcatDense<ushort>(parts, paddedRows),
        DenseTensor<int> => ConcatDense<int>(parts, paddedRows),
        DenseTensor<uint> => ConcatDense<uint>(parts, paddedRows),
        DenseTensor<long> => ConcatDense<long>(parts, paddedRows),
        DenseTensor<ulong> => ConcatDense<ulong>(parts, paddedRows),
        DenseTensor<bool> => ConcatDense<bool>(parts, paddedRows),
        StringTensor => ConcatStrings(parts, paddedRows),
        var other => throw new NotSupportedException($"Cannot batch {other}."),
    };

    private static DenseTensor<T> ConcatDense<T>(IReadOnlyList<Tensor> parts, int paddedRows)
        where T : unmanaged
    {
        var first = (DenseTensor<T>)parts[0];
        var rowSize = RowSize(first);
        var data = new T[checked(paddedRows * rowSize)];
        var offset = 0;
        foreach (DenseTensor<T> part in parts)
        {
            part.Span.CopyTo(data.AsSpan(offset));
            offset += part.Span.Length;
        }

        // Padding rows copy the last real row (TF Serving does the same); their outputs are dropped.
        var lastRow = data.AsSpan(offset - rowSize, rowSize);
        for (; offset < data.Length; offset += rowSize)
        {
            lastRow.CopyTo(data.AsSpan(offset));
        }

        return new DenseTensor<T>(data, Shape(first, paddedRows));
    }

    private static StringTensor ConcatStrings(IReadOnlyList<Tensor> parts, int paddedRows)
    {
        var first = (StringTensor)parts[0];
        var rowSize = RowSize(first);
        var data = new string[checked(paddedRows * rowSize)];
        var offset = 0;
        foreach (StringTensor part in parts)
        {
            for (var i = 0; i < part.Values.Count; i++)
            {
                data[offset++] = part.Values[i];
            }
        }

        for (var source = offset - rowSize; offset < data.Length; offset++)
        {
            data[offset] = data[source + ((offset - source) % rowSize)];
        }

        return new StringTensor(data, Shape(first, paddedRows));
    }

    private static int RowSize(Tensor tensor) => tensor.Shape.Count == 0 || tensor.Shape[0] == 0
        ? (int)tensor.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)
        : checked((int)(tensor.ElementCount / tensor.Shape[0]));

    private static long[] Shape(Tensor like, int rows)
    {
        var shape = like.Shape.ToArray();
        shape[0] = rows;
        return shape;
    }
}
