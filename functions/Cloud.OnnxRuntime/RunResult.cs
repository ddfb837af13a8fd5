namespace Cloud.OnnxRuntime;

/// <summary>The outputs of one Run, in the order they were requested. The tensors own their memory.</summary>
public sealed class RunResult : IReadOnlyList<NamedTensor>
{
    private readonly NamedTensor[] _outputs;

    internal RunResult(NamedTensor[] outputs)
    {
        _outputs = outputs;
    }

    /// <inheritdoc/>
    public int Count => _outputs.Length;

    /// <inheritdoc/>
    public NamedTensor this[int index] => _outputs[index];

    /// <summary>The output with this name.</summary>
    public Tensor this[string name]
    {
        get
        {
            foreach (var output in _outputs)
            {
                if (output.Name == name)
                {
                    return output.Value;
                }
            }

            throw new KeyNotFoundException(
                $"No output named '{name}' in this result; it has: {string.Join(", ", _outputs.Select(o => o.Name))}.");
        }
    }

    /// <summary>The output with this name as a dense tensor of <typeparamref name="T"/>.</summary>
    public DenseTensor<T> Get<T>(string name)
        where T : unmanaged
    {
        var tensor = this[name];
        return tensor as DenseTensor<T> ?? throw new InvalidCastException(
            $"Output '{name}' is {tensor}, not {TensorElementTypes.Name(TensorElementTypes.Of<T>())}.");
    }

    /// <inheritdoc/>
    public IEnumerator<NamedTensor> GetEnumerator() => ((IEnumerable<NamedTensor>)_outputs).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
