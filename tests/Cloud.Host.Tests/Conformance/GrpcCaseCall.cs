using Cloud.Serving.Tensors;
using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// A case's data set through gRPC's ModelInfer with every input in raw_input_contents, as Triton's clients send it,
/// and the outputs read from raw_output_contents.
/// </summary>
internal static class GrpcCaseCall
{
    public static ModelInferRequest Request(string model, IReadOnlyList<NamedTensor> inputs)
    {
        var request = new ModelInferRequest { ModelName = model };
        foreach (var (name, value) in inputs)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = RawCaseTensors.DataType(value.ElementType) };
            input.Shape.AddRange(value.Shape);
            request.Inputs.Add(input);
            request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(RawCaseTensors.ToBytes(value)));
        }

        return request;
    }

    /// <exception cref="FormatException">The answer is not raw, or its contents do not fill the shapes.</exception>
    public static Dictionary<string, Tensor> Read(ModelInferResponse response)
    {
        if (response.RawOutputContents.Count != response.Outputs.Count)
        {
            throw new FormatException($"{response.RawOutputContents.Count} raw_output_contents for {response.Outputs.Count} outputs.");
        }

        return response.Outputs.Select((o, i) => (o.Name, Value: RawCaseTensors.FromBytes(o.Datatype, [.. o.Shape], response.RawOutputContents[i].Span)))
            .ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>The HTTP status a gRPC status stands for, to share the report's vocabulary (5xx counts as a server error).</summary>
    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => 400,
        StatusCode.NotFound => 404,
        StatusCode.ResourceExhausted => 413,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        StatusCode.DeadlineExceeded => 504,
        _ => 500,
    };
}
