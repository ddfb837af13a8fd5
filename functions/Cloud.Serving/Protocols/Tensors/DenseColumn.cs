using System.Text.Json;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// A column of fixed-size elements. Values are parsed from the reader straight into the array that becomes the
/// tensor's memory and handed to the tensor as a slice, so a request costs one array per input and no copy.
/// </summary>
internal sealed class DenseColumn<T> : BufferedColumn<T>
    where T : unmanaged
{
    public DenseColumn(ServedInput spec, string typeLabel, int capacity)
        : base(spec, typeLabel, capacity)
    {
    }

    public override Tensor ToTensor(long[] shape) => new DenseTensor<T>(Data.AsMemory(0, Count), shape);

    protected override int ReadLeaves(ref Utf8JsonReader reader)
    {
        var read = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // The hot loop reads in place; the leaf's position is only worked out when it fails.
            var status = ElementReader.TryRead(ref reader, out NextSlot());
            if (status != ElementStatus.Ok)
            {
                AtLeaf(read);
                FailLeaf(ref reader, status);
            }

            Commit();
            read++;
        }

        return read;
    }

    protected override void ReadLeafAt(ref Utf8JsonReader reader, int slot)
    {
        var status = ElementReader.TryRead(ref reader, out Data[slot]);
        if (status != ElementStatus.Ok)
        {
            FailLeaf(ref reader, status);
        }
    }
}
