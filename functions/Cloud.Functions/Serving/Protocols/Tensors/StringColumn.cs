using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Cloud.OnnxRuntime;

namespace Cloud.Functions.Serving.Protocols.Tensors;

/// <summary>
/// A column of strings. TF Serving sends bytes as <c>{"b64": "..."}</c>; our string tensors hold .NET strings
/// (ORT stores them as UTF-8), so decoded bytes must be UTF-8 text, and bytes that are not are refused with a
/// message rather than silently replaced.
/// </summary>
internal sealed class StringColumn : InputColumn
{
    private readonly bool _allowBinary;
    private string[] _data;
    private int _count;

    public StringColumn(InputSpec spec, string typeLabel, bool allowBinary, int capacity)
        : base(spec, typeLabel)
    {
        _allowBinary = allowBinary;
        _data = new string[Math.Max(capacity, 1)];
    }

    public override int Count => _count;

    public override Tensor ToTensor(long[] shape)
    {
        // StringTensor takes the array itself, so it must be exactly as long as the tensor.
        if (_data.Length != _count)
        {
            Array.Resize(ref _data, _count);
        }

        return new StringTensor(_data, shape);
    }

    protected override int ReadLeaves(ref Utf8JsonReader reader)
    {
        var read = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            AtLeaf(read);
            ReadLeaf(ref reader);
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
        if (reader.TokenType == JsonTokenType.String)
        {
            try
            {
                _data[slot] = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // The body was checked to be UTF-8, so this is an escaped unpaired surrogate such as "\ud800".
                throw new ProtocolException(ProtocolErrors.StringNotText(Spec.Name, LeafPath()));
            }
        }
        else if (reader.TokenType == JsonTokenType.StartObject && _allowBinary)
        {
            _data[slot] = ReadBinary(ref reader);
        }
        else
        {
            FailLeaf(ref reader, ElementStatus.WrongKind);
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
            }
            else
            {
                ReadLeaf(ref reader);
            }
        }
    }

    /// <summary>Reads <c>{"b64": "&lt;base64&gt;"}</c> and decodes it as UTF-8 text.</summary>
    private string ReadBinary(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("b64"u8)
            || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            throw new ProtocolException(ProtocolErrors.BadBinaryObject(Spec.Name, LeafPath()));
        }

        byte[]? rentedText = null;
        var text = reader.ValueIsEscaped || reader.HasValueSequence
            ? (rentedText = ArrayPool<byte>.Shared.Rent(reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length))
                .AsSpan(0, reader.CopyString(rentedText))
            : reader.ValueSpan;
        var bytes = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        try
        {
            if (Base64.DecodeFromUtf8(text, bytes, out _, out var length) != OperationStatus.Done)
            {
                throw new ProtocolException(ProtocolErrors.NotBase64(Spec.Name, LeafPath()));
            }

            var decoded = bytes.AsSpan(0, length);
            if (!Utf8.IsValid(decoded))
            {
                throw new ProtocolException(ProtocolErrors.Base64NotText(Spec.Name, LeafPath()));
            }

            var value = Encoding.UTF8.GetString(decoded);
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                throw new ProtocolException(ProtocolErrors.BadBinaryObject(Spec.Name, LeafPath()));
            }

            return value;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            if (rentedText is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedText);
            }
        }
    }

    private void Grow(int atLeast)
    {
        var size = Math.Max(checked(_count + atLeast), Math.Min(_data.Length * 2L, Array.MaxLength));
        Array.Resize(ref _data, (int)size);
    }
}
