namespace Cloud.OnnxRuntime;

/// <summary>A tensor of strings (UTF-8 in ORT). Strings are always copied to and from native memory.</summary>
public sealed class StringTensor : Tensor
{
    private readonly string[] _values;

    /// <summary>Creates a string tensor with the given shape; <paramref name="values"/> is not copied.</summary>
    public StringTensor(string[] values, ReadOnlySpan<long> shape)
        : base(TensorElementType.String, shape, (values ?? throw new ArgumentNullException(nameof(values))).Length)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"String tensor element {i} is null.");
            }
        }

        _values = values;
    }

    /// <summary>The elements, row-major.</summary>
    public IReadOnlyList<string> Values => _values;

    internal string[] RawValues => _values;

    internal override System.Buffers.MemoryHandle Pin(out nuint byteLength)
    {
        byteLength = 0;
        return default;
    }
}
