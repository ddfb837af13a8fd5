using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Tensors;

/// <summary>A tensor of strings (UTF-8 in ORT). Strings are always copied to and from native memory.</summary>
internal sealed class StringTensor : Tensor
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
                throw new ArgumentException($"String tensor element {i} is null.");
            }
        }

        _values = values;
    }

    /// <summary>The elements, row-major.</summary>
    public IReadOnlyList<string> Values => _values;

    internal string[] RawValues => _values;

    internal override OrtValue ToOrtValue(out System.Buffers.MemoryHandle pin)
    {
        pin = default;
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, ShapeArray);
        try
        {
            for (var i = 0; i < _values.Length; i++)
            {
                value.StringTensorSetElementAt(_values[i].AsSpan(), i);
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }
}
