using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols;

/// <summary>A model's inputs and outputs with the lookups decoding needs, built once per loaded version.</summary>
internal sealed class ServedSignature
{
    public ServedSignature(IReadOnlyList<ModelNode> inputs, IReadOnlyList<ModelNode> outputs, IReadOnlyDictionary<string, IReadOnlyList<string>> featureNames)
    {
        Inputs = new ServedInput[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            Inputs[i] = new ServedInput(i, inputs[i], featureNames.GetValueOrDefault(inputs[i].Name));
            Problem ??= Inputs[i].Problem;
        }

        // An output the protocols cannot write would fail every run after the work is done: refuse before it.
        foreach (var output in outputs)
        {
            Problem ??= !output.IsTensor ? ProtocolErrors.OutputNotTensor(output.Name, output.ValueTypeText)
                : !ElementKinds.IsSupported(output.ElementType) ? ProtocolErrors.OutputTypeNotSupported(output.Name, TensorElementTypes.Name(output.ElementType))
                : null;
        }

        // Merging requests along dimension 0 is only sound when every input and output has a free dimension 0.
        Batchable = IsBatchable(inputs.Select(i => i.Dimensions), outputs.Select(o => o.Dimensions));
        InputIndex = new NameIndex(inputs.Select(i => i.Name).ToArray());
        OutputIndex = new NameIndex(outputs.Select(o => o.Name).ToArray());
    }

    public ServedInput[] Inputs { get; }

    public NameIndex InputIndex { get; }

    public NameIndex OutputIndex { get; }

    /// <summary>
    /// Whether requests can be batches of rows: every input and output has a free (dynamic) dimension 0. Where not,
    /// every request runs as one call with the shapes it brings; where so, a request is rows only when its inputs
    /// agree on dimension 0 (see <see cref="RowsOf"/>).
    /// </summary>
    public bool Batchable { get; }

    /// <summary>
    /// The rule behind <see cref="Batchable"/>, on any shapes where -1 is a free dimension: a loaded version's, or the
    /// signature a version's record holds (the management API shows it without loading the model).
    /// </summary>
    public static bool IsBatchable(IEnumerable<IReadOnlyList<long>> inputShapes, IEnumerable<IReadOnlyList<long>> outputShapes)
    {
        var inputs = inputShapes.ToList();
        return inputs.Count > 0 && inputs.Concat(outputShapes).All(shape => shape.Count > 0 && shape[0] < 0);
    }

    /// <summary>
    /// The rows of a request whose inputs have these dimension-0 sizes, in input order: their common size when the
    /// model can batch and they agree on one of at least 1; otherwise null, and the request runs as one call.
    /// </summary>
    public int? RowsOf(ReadOnlySpan<long> firstDimensions)
    {
        if (!Batchable || firstDimensions.IsEmpty || firstDimensions[0] < 1)
        {
            return null;
        }

        foreach (var rows in firstDimensions[1..])
        {
            if (rows != firstDimensions[0])
            {
                return null;
            }
        }

        return checked((int)firstDimensions[0]);
    }

    /// <summary>Why no request can be served by this model (the first input that cannot be fed); null when it can.</summary>
    public string? Problem { get; }

    /// <summary>Throws the model's problem, if any, before a request is read.</summary>
    public void ThrowIfUnservable()
    {
        if (Problem is not null)
        {
            throw new ProtocolException(Problem);
        }
    }
}
