using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// A column of strings. TF Serving sends bytes as <c>{"b64": "..."}</c>; our string tensors hold .NET strings
/// (ORT stores them as UTF-8), so decoded bytes must be UTF-8 text, and bytes that are not are refused with a
/// message rather than silently replaced.
/// </summary>
internal sealed class StringColumn : BufferedColumn<string>
{
    private readonly bool _allowBinary;

    public StringColumn(ServedInput spec, string typeLabel, bool allowBinary, int capacity)
        : base(spec, typeLabel, capacity)
    {
        _allowBinary = allowBinary;
    }

    // StringTensor takes the array itself, so it must be exactly as long as the tensor.
    public override Tensor ToTensor(long[] shape) => new StringTensor(TrimToCount(), shape);

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

    protected override void ReadLeafAt(ref Utf8JsonReader reader, int slot)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            try
            {
                Data[slot] = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // The body was checked to be UTF-8, so this is an escaped unpaired surrogate such as "\ud800".
                throw new ProtocolException(ProtocolErrors.StringNotText(Spec.Name, LeafPath()));
            }
        }
        else if (reader.TokenType == JsonTokenType.StartObject && _allowBinary)
        {
            Data[slot] = ReadBinary(ref reader);
        }
        else
        {
            FailLeaf(ref reader, ElementStatus.WrongKind);
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
}
