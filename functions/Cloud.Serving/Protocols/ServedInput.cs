using System.Globalization;
using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols;

/// <summary>One model input as the decoders see it: its dimensions, feature names and texts used in messages.</summary>
internal sealed class ServedInput
{
    public ServedInput(int index, ModelNode node, IReadOnlyList<string>? featureNames)
    {
        Index = index;
        Node = node;
        Name = node.Name;
        ElementType = node.ElementType;
        Dimensions = [.. node.Dimensions];
        Problem = FindProblem(node);

        // Feature objects fill dimension 1 of a [batch, n] input; where the manifest disagrees with the model
        // about n, the model wins and rows must be lists (registration is where such a manifest is refused).
        if (featureNames is { Count: > 0 } && Dimensions.Length == 2 && (Dimensions[1] < 0 || Dimensions[1] == featureNames.Count))
        {
            FeatureNames = [.. featureNames];
            FeatureIndex = new NameIndex(FeatureNames);
        }
    }

    public int Index { get; }

    public ModelNode Node { get; }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    /// <summary>The model's dimensions; -1 where free; empty for a scalar. Dimension 0 is the batch where the model can batch.</summary>
    public long[] Dimensions { get; }

    public int Rank => Dimensions.Length;

    /// <summary>Why no request can feed this input (not a tensor, unsupported type); null when servable.</summary>
    public string? Problem { get; }

    /// <summary>The manifest's feature names when rows may be objects keyed by them; null otherwise.</summary>
    public string[]? FeatureNames { get; }

    public NameIndex? FeatureIndex { get; }

    /// <summary>The shape as messages print it: -1 for free dimensions, e.g. [-1,4].</summary>
    public string ShapeText => "[" + string.Join(",", Dimensions) + "]";

    /// <summary>What one row is, for messages: "rows of 4 values", "one value per row", "rows of shape [2,3]".</summary>
    public string RowText
    {
        get
        {
            if (Rank == 0)
            {
                return "one value";
            }

            if (Rank == 1)
            {
                return "one value per row";
            }

            if (Rank == 2 && Dimensions[1] >= 0)
            {
                return Dimensions[1] == 1 ? "rows of 1 value" : string.Create(CultureInfo.InvariantCulture, $"rows of {Dimensions[1]} values");
            }

            return "rows of shape [" + string.Join(",", Dimensions.Skip(1)) + "]";
        }
    }

    private static string? FindProblem(ModelNode node)
    {
        if (!node.IsTensor)
        {
            return ProtocolErrors.InputNotTensor(node.Name, node.ValueTypeText);
        }

        if (!ElementKinds.IsSupported(node.ElementType))
        {
            return ProtocolErrors.InputTypeNotSupported(node.Name, TensorElementTypes.Name(node.ElementType));
        }

        return null;
    }
}
