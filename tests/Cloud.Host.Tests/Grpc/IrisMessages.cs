using System.Runtime.InteropServices;
using Google.Protobuf;
using Inference;

namespace Cloud.Host.Tests.Grpc;

/// <summary>ModelInfer requests for the seeded iris sample: <c>rows</c> rows of 4 floats, raw, 16 bytes a row.</summary>
internal static class IrisMessages
{
    public static ModelInferRequest Rows(int rows, string id = "")
    {
        var values = new float[rows * 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 4) + 0.5f + (i / 4 % 7) * 0.3f;
        }

        var request = new ModelInferRequest { ModelName = "iris", Id = id };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32" };
        input.Shape.Add([rows, 4]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
        return request;
    }
}
