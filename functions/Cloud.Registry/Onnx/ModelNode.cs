using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Registry.Onnx;

/// <summary>
/// What a model declares about one input or output, as plain data: the package's <see cref="NodeMetadata"/> has no
/// name and no text for messages, and the codecs keep this for the life of a loaded version.
/// </summary>
internal sealed class ModelNode
{
    public ModelNode(string name, OnnxValueType valueType, TensorElementType elementType, long[] dimensions, string[] symbolicDimensions)
    {
        Name = name;
        ValueType = valueType;
        ElementType = elementType;
        Dimensions = dimensions;
        SymbolicDimensions = symbolicDimensions;
    }

    /// <summary>The input or output name.</summary>
    public string Name { get; }

    /// <summary>Tensor, sequence, map, ...; only tensors can be fed and read by the codecs.</summary>
    public OnnxValueType ValueType { get; }

    /// <summary>The element type (for tensors; <see cref="TensorElementTypes.Undefined"/> otherwise).</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; -1 where the model leaves a dimension free (symbolic or unknown).</summary>
    public IReadOnlyList<long> Dimensions { get; }

    /// <summary>The symbolic name of each dimension ("batch", say), or "" where there is none.</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    /// <summary>Whether this is a tensor, the only kind of value the codecs feed and read.</summary>
    public bool IsTensor => ValueType == OnnxValueType.ONNX_TYPE_TENSOR;

    /// <summary>The kind of value as messages name it: Tensor, Sequence, Map, Opaque, SparseTensor, Optional.</summary>
    public string ValueTypeText => ValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => "Tensor",
        OnnxValueType.ONNX_TYPE_SEQUENCE => "Sequence",
        OnnxValueType.ONNX_TYPE_MAP => "Map",
        OnnxValueType.ONNX_TYPE_OPAQUE => "Opaque",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "SparseTensor",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "Optional",
        _ => "Unknown",
    };

    /// <summary>The shape with symbolic names where the model gives them, e.g. <c>[batch,4]</c>.</summary>
    public string ShapeText
    {
        get
        {
            var parts = new string[Dimensions.Count];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Dimensions[i] >= 0 ? Dimensions[i].ToString(CultureInfo.InvariantCulture)
                    : SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "-1";
            }

            return "[" + string.Join(",", parts) + "]";
        }
    }

    /// <summary>The session's inputs, in declaration order.</summary>
    public static ModelNode[] InputsOf(InferenceSession session) =>
        session.InputNames.Select(name => From(name, session.InputMetadata[name])).ToArray();

    /// <summary>The session's outputs, in declaration order.</summary>
    public static ModelNode[] OutputsOf(InferenceSession session) =>
        session.OutputNames.Select(name => From(name, session.OutputMetadata[name])).ToArray();

    public static ModelNode From(string name, NodeMetadata node)
    {
        // Only tensors have an element type and a shape; asking a sequence or map for them throws.
        if (!node.IsTensor)
        {
            return new ModelNode(name, node.OnnxValueType, TensorElementTypes.Undefined, [], []);
        }

        var dimensions = Array.ConvertAll(node.Dimensions, d => d < 0 ? -1L : d);
        var symbolic = node.SymbolicDimensions ?? [];
        if (symbolic.Length != dimensions.Length)
        {
            symbolic = Enumerable.Repeat(string.Empty, dimensions.Length).ToArray();
        }

        return new ModelNode(name, node.OnnxValueType, node.ElementDataType, dimensions, Array.ConvertAll(symbolic, s => s ?? string.Empty));
    }

    /// <inheritdoc/>
    public override string ToString() => IsTensor ? $"{Name}: {TensorElementTypes.Name(ElementType)}{ShapeText}" : $"{Name}: {ValueTypeText}";
}
