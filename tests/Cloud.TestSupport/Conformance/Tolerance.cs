using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// How far a floating-point output may be from the expected one: |actual - expected| &lt;= Absolute + Relative * |expected|,
/// numpy's assert_allclose rule.
/// </summary>
internal sealed record Tolerance(double Relative, double Absolute)
{
    /// <summary>onnx's backend runner (onnx/backend/test/runner/__init__.py): rtol=1e-3, atol=1e-7.</summary>
    public static Tolerance Default { get; } = new(1e-3, 1e-7);

    public override string ToString() => $"rtol={Relative:G3}, atol={Absolute:G3}";
}
