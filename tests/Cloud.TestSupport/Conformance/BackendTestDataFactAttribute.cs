using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// A fact that is skipped, with a reason naming the missing package, when the ONNX backend test data is absent.
/// xunit 2 has no run-time skip, but it reads <see cref="FactAttribute.Skip"/> after constructing the attribute,
/// so deciding in the constructor is enough.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class BackendTestDataFactAttribute : FactAttribute
{
    public BackendTestDataFactAttribute()
    {
        if (!BackendTestData.IsAvailable)
        {
            Skip = BackendTestData.MissingReason;
        }
    }
}
