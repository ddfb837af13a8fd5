namespace Cloud.OnnxRuntime;

/// <summary>What a model declares about one of its inputs or outputs.</summary>
public sealed class NodeMetadata
{
    internal NodeMetadata(string name, OnnxValueType valueType, TensorElementType elementType, long[] shape, string[] symbolicShape)
    {
        Name = name;
        ValueType = valueType;
        ElementType = elementType;
        Dimensions = shape;
        SymbolicDimensions = symbolicShape;
    }

    /// <summary>The input or output name.</summary>
    public string Name { get; }

    /// <summary>Tensor, sequence, map, ...; only tensors can be fed and read by this binding.</summary>
    public OnnxValueType ValueType { get; }

    /// <summary>The element type (for tensors).</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; -1 where the model leaves a dimension free (symbolic or unknown).</summary>
    public IReadOnlyList<long> Dimensions { get; }

    /// <summary>The symbolic name of each dimension ("batch", say), or "" where there is none.</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    /// <summary>The shape with symbolic names where the model gives them, e.g. <c>[batch,4]</c>.</summary>
    public string ShapeText
    {
        get
        {
            var parts = new string[Dimensions.Count];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Dimensions[i] >= 0 ? Dimensions[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "-1";
            }

            return "[" + string.Join(",", parts) + "]";
        }
    }

    /// <inheritdoc/>
    public override string ToString() => ValueType == OnnxValueType.Tensor
        ? $"{Name}: {TensorElementTypes.Name(ElementType)}{ShapeText}"
        : $"{Name}: {ValueType}";
}
