using Cloud.OnnxRuntime;

namespace Cloud.Serving.Models;

/// <summary>
/// Row operations on tensors along dimension 0, for every element type the binding has: concatenate the rows of
/// several requests into one batch (padding by repeating the last real row), and cut a batch's outputs back into
/// per-request pieces. Copies are one block per part, never per element.
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

    public static Tensor Slice(Tensor tensor, int startRow, int rows) => tensor switch
    {
        DenseTensor<float> t => SliceDense(t, startRow, rows),
        DenseTensor<double> t => SliceDense(t, startRow, rows),
        DenseTensor<Half> t => SliceDense(t, startRow, rows),
        DenseTensor<sbyte> t => SliceDense(t, startRow, rows),
        DenseTensor<byte> t => SliceDense(t, startRow, rows),
        DenseTensor<short> t => SliceDense(t, startRow, rows),
        DenseTensor<ushort> t => SliceDense(t, startRow, rows),
        DenseTensor<int> t => SliceDense(t, startRow, rows),
        DenseTensor<uint> t => SliceDense(t, startRow, rows),
        DenseTensor<long> t => SliceDense(t, startRow, rows),
        DenseTensor<ulong> t => SliceDense(t, startRow, rows),
        DenseTensor<bool> t => SliceDense(t, startRow, rows),
        StringTensor s => SliceStrings(s, startRow, rows),
        var other => throw new NotSupportedException($"Cannot slice {other}."),
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

    private static DenseTensor<T> SliceDense<T>(DenseTensor<T> tensor, int startRow, int rows)
        where T : unmanaged
    {
        var rowSize = RowSize(tensor);
        return new DenseTensor<T>(tensor.Span.Slice(startRow * rowSize, rows * rowSize).ToArray(), Shape(tensor, rows));
    }

    private static StringTensor SliceStrings(StringTensor tensor, int startRow, int rows)
    {
        var rowSize = RowSize(tensor);
        return new StringTensor(tensor.Values.Skip(startRow * rowSize).Take(rows * rowSize).ToArray(), Shape(tensor, rows));
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
