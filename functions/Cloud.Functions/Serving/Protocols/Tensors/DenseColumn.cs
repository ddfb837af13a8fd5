using System.Text.Json;
using Cloud.OnnxRuntime;

namespace Cloud.Functions.Serving.Protocols.Tensors;

/// <summary>
/// A column of fixed-size elements. Values are parsed from the reader straight into the array that becomes the
/// tensor's memory: sized for one row at first (for the common one-row request, exactly), doubled when full, and
/// handed to the tensor as a slice, so a request costs one array per input and no copy.
/// </summary>
internal sealed class DenseColumn<T> : InputColumn
    where T : unmanaged
{
    private T[] _data;
    private int _count;

    public DenseColumn(InputSpec spec, string typeLabel, int capacity)
        : base(spec, typeLabel)
    {
        _data = new T[Math.Max(capacity, 1)];
    }

    public override int Count => _count;

    public override Tensor ToTensor(long[] shape) => new DenseTensor<T>(_data.AsMemory(0, _count), shape);

    protected override int ReadLeaves(ref Utf8JsonReader reader)
    {
        var read = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (_count == _data.Length)
            {
                Grow(1);
            }

            var status = ElementReader.TryRead(ref reader, out _data[_count]);
            if (status != ElementStatus.Ok)
            {
                AtLeaf(read);
                FailLeaf(ref reader, status);
            }

            _count++;
            read++;
        }

        return read;
    }

    protected override void ReadLeaf(ref Utf8JsonReader reader)
    {
        if (_count == _data.Length)
        {
            Grow(1);
        }

        ReadLeafAt(ref reader, _count);
        _count++;
    }

    protected override void ReadLeafAt(ref Utf8JsonReader reader, int slot)
    {
        var status = ElementReader.TryRead(ref reader, out _data[slot]);
        if (status != ElementStatus.Ok)
        {
            FailLeaf(ref reader, status);
        }
    }

    protected override int Reserve(int count)
    {
        if (_data.Length - _count < count)
        {
            Grow(count);
        }

        var start = _count;
        _count += count;
        return start;
    }

    protected override void ReadFlatList(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                ReadFlatList(ref reader);
                continue;
            }

            if (_count == _data.Length)
            {
                Grow(1);
            }

            var status = ElementReader.TryRead(ref reader, out _data[_count]);
            if (status != ElementStatus.Ok)
            {
                FailLeaf(ref reader, status);
            }

            _count++;
        }
    }

    private void Grow(int atLeast)
    {
        var size = Math.Max(checked(_count + atLeast), Math.Min(_data.Length * 2L, Array.MaxLength));
        Array.Resize(ref _data, (int)size);
    }
}
