namespace Cloud.Serving.Protocols.OipV2;

/// <summary>A decoded <c>/infer</c> body.</summary>
/// <param name="Request">Every model input, checked against the signature, and the outputs asked for (null: all).</param>
/// <param name="Id">The request's <c>id</c>, echoed in the response; null when it had none.</param>
/// <param name="BinaryOutputs">The binary tensor data extension's <c>binary_data_output</c>: every output as binary data unless it says otherwise.</param>
/// <param name="BinaryByOutput">Each requested output's <c>binary_data</c>, in the order of <see cref="InferenceRequest.OutputNames"/>; null where none says.</param>
internal sealed record OipV2Request(InferenceRequest Request, string? Id, bool BinaryOutputs = false, bool?[]? BinaryByOutput = null)
{
    /// <summary>Whether the response's output <paramref name="index"/> goes as binary data.</summary>
    public bool IsBinary(int index) => BinaryByOutput is { } each && index < each.Length && each[index] is { } own ? own : BinaryOutputs;

    /// <summary>Whether any output goes as binary data.</summary>
    public bool AnyBinary(int outputs)
    {
        for (var i = 0; i < outputs; i++)
        {
            if (IsBinary(i))
            {
                return true;
            }
        }

        return false;
    }
}
