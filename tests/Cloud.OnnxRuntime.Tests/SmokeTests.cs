namespace Cloud.OnnxRuntime.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void AddFloatAddsAndSubtracts()
    {
        using var session = InferenceSession.Open(Samples.Tiny("add_float.onnx"));
        var a = Tensor.Create(new float[] { 1, 2, 3, 4 }, 1, 4);
        var b = Tensor.Create(new float[] { 10, 20, 30, 40 }, 1, 4);
        var result = session.Run([new("a", a), new("b", b)]);
        Assert.Equal(new float[] { 11, 22, 33, 44 }, result.Get<float>("sum").ToArray());
        Assert.Equal(new float[] { -9, -18, -27, -36 }, result.Get<float>("diff").ToArray());
    }
}
