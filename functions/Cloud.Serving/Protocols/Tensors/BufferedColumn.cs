using System.Text.Json;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// The element buffer both kinds of column share: sized for one row at first (for the common one-row request,
/// exactly), doubled when full, filled in place by the reader. Subclasses only say how one leaf is read.
/// </summary>
internal abstract class BufferedColumn<TElement> : InputColumn
{
    private TElement[] _data;
    private int _count;

    protected BufferedColumn(ServedInput spec, string typeLabel, int capacity)
        : base(spec, typeLabel)
    {
        _data = new TElement[Math.Max(capacity, 1)];
    }

    public sealed override int Count => _count;

    /// <summary>The buffer; its first <see cref="Count"/> elements are filled.</summary>
    protected TElement[] Data => _data;

    /// <summary>The next free slot (growing the buffer when full); <see cref="Commit"/> makes it count.</summary>
    protected ref TElement NextSlot()
    {
        if (_count == _data.Length)
        {
            Grow(1);
        }

        return ref _data[_count];
    }

    protected void Commit() => _count++;

    /// <summary>Shrinks the buffer to exactly the filled elements (for tensors that take the array whole).</summary>
    protected TElement[] TrimToCount()
    {
        if (_data.Length != _count)
        {
            Array.Resize(ref _data, _count);
        }

        return _data;
    }

    protected sealed override void ReadLeaf(ref Utf8JsonReader reader)
    {
        NextSlot();
        ReadLeafAt(ref reader, _count);
        _count++;
    }

    protected sealed override int Reserve(int count)
    {
        if (_data.Length - _count < count)
        {
            Grow(count);
        }

        var start = _count;
        _count += count;
        return start;
    }

    protected sealed override void ReadFlatList(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                ReadFlatList(ref reader);
            }
            else
            {
                ReadLeaf(ref reader);
            }
        }
    }

    private void Grow(int atLeast)
    {
        var size = Math.Max(checked(_count + atLeast), Math.Min(_data.Length * 2L, Array.MaxLength));
        Array.Resize(ref _data, (int)size);
    }
}
