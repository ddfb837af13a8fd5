using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

using Cloud.TestSupport.Conformance;

namespace Cloud.Serving.Tests.Conformance;

/// <summary>The comparer's rules, with values on either side of onnx's rtol=1e-3, atol=1e-7.</summary>
public sealed class OutputComparerTests
{
    [Fact]
    public void FloatsWithinOnnxToleranceMatchAndFloatsBeyondItDoNot()
    {
        var expected = Tensor.Create(new float[] { 1000, 0 }, 2);

        // 1000 may be off by 1e-7 + 1e-3 * 1000 = 1.0000001; 0 only by 1e-7.
        Assert.Null(OutputComparer.Compare(expected, Tensor.Create(new float[] { 1000.9f, 5e-8f }, 2), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new float[] { 1001.5f, 0 }, 2), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new float[] { 1000, 2e-7f }, 2), Tolerance.Default));
    }

    [Fact]
    public void NanMatchesNanAndAnInfinityMatchesOnlyItself()
    {
        var expected = Tensor.Create(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, 3);

        Assert.Null(OutputComparer.Compare(expected, Tensor.Create(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, 3), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new[] { 0.0, double.PositiveInfinity, double.NegativeInfinity }, 3), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new[] { double.NaN, double.MaxValue, double.NegativeInfinity }, 3), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new[] { double.NaN, double.PositiveInfinity, double.PositiveInfinity }, 3), Tolerance.Default));
    }

    [Fact]
    public void ShapesAndElementTypesMustMatchExactly()
    {
        var expected = Tensor.Create(new[] { 1, 2, 3, 4 }, 4);

        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new[] { 1, 2, 3, 4 }, 2, 2), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(expected, Tensor.Create(new long[] { 1, 2, 3, 4 }, 4), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(Tensor.Create(new[] { 7 }), Tensor.Create(new[] { 7 }, 1), Tolerance.Default));
    }

    [Fact]
    public void IntegersBoolsAndStringsCompareExactly()
    {
        Assert.Null(OutputComparer.Compare(Tensor.Create(new[] { 5L }, 1), Tensor.Create(new[] { 5L }, 1), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(Tensor.Create(new[] { 1_000_000 }, 1), Tensor.Create(new[] { 1_000_001 }, 1), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(Tensor.Create(new[] { true }, 1), Tensor.Create(new[] { false }, 1), Tolerance.Default));
        Assert.Null(OutputComparer.Compare(Tensor.CreateStrings(["a", "b"], 2), Tensor.CreateStrings(["a", "b"], 2), Tolerance.Default));
        Assert.NotNull(OutputComparer.Compare(Tensor.CreateStrings(["a", "b"], 2), Tensor.CreateStrings(["a", "B"], 2), Tolerance.Default));
    }
}
