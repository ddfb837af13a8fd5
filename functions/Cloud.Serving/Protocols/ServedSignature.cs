using Cloud.Registry.Onnx;
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

        if (inputs.Count == 0)
        {
            Problem = ProtocolErrors.ModelHasNoInputs;
        }

        InputIndex = new NameIndex(inputs.Select(i => i.Name).ToArray());
        OutputIndex = new NameIndex(outputs.Select(o => o.Name).ToArray());
    }

    public ServedInput[] Inputs { get; }

    public NameIndex InputIndex { get; }

    public NameIndex OutputIndex { get; }

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
