using System.Text;
using System.Text.RegularExpressions;
using Cloud.Serving.Tensors;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>The HTTP suite's own client side (request writer, response reader, model names), against hand-written JSON.</summary>
public sealed class ConformanceCodecTests
{
    [Fact]
    public void RequestCarriesDatatypeShapeAndFlatElementsWithNonFiniteTokens()
    {
        var body = OipV2CaseRequest.Write(
        [
            new NamedTensor("x", Tensor.Create(new[] { 1.5f, float.NaN, float.NegativeInfinity, 0.1f }, 2, 2)),
            new NamedTensor("h", Tensor.Create(new[] { (Half)0.5 })),
            new NamedTensor("b", Tensor.Create(new[] { true, false }, 2)),
            new NamedTensor("s", Tensor.CreateStrings(["a\"b"], 1)),
        ]);

        Assert.Equal(
            """{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[1.5,NaN,-Infinity,0.1]},""" +
            """{"name":"h","shape":[],"datatype":"FP16","data":[0.5]},""" +
            """{"name":"b","shape":[2],"datatype":"BOOL","data":[true,false]},""" +
            """{"name":"s","shape":[1],"datatype":"BYTES","data":["a\u0022b"]}]}""",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void ResponseReadsBareTokensButLeavesStringsAlone()
    {
        var outputs = OipV2CaseResponse.Read("""
            {"model_name":"m","outputs":[
              {"name":"y","shape":[3],"datatype":"FP64","data":[NaN,Infinity,-Infinity]},
              {"name":"s","shape":[2],"datatype":"BYTES","data":["NaN","say \"Infinity\""]}]}
            """);

        Assert.Null(OutputComparer.Compare(Tensor.Create(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, 3), outputs["y"], Tolerance.Default));
        Assert.Equal(["NaN", "say \"Infinity\""], Assert.IsType<StringTensor>(outputs["s"]).Values);
    }

    [Fact]
    public void ModelNamesAreValidAndKeepCasesApart()
    {
        var upper = CaseModelName.For(new BackendTestCase("node", "test_cast_FLOAT_to_STRING", "/"));
        var lower = CaseModelName.For(new BackendTestCase("node", "test_cast_float_to_string", "/"));
        var converted = CaseModelName.For(new BackendTestCase("pytorch-converted", "test_cast_FLOAT_to_STRING", "/"));
        var longName = CaseModelName.For(new BackendTestCase("node", "test_" + new string('x', 100), "/"));

        Assert.StartsWith("n-test-cast-float-to-string-", upper, StringComparison.Ordinal);
        Assert.StartsWith("p-test-cast-float-to-string-", converted, StringComparison.Ordinal);
        Assert.NotEqual(upper, lower);
        Assert.Equal(63, longName.Length);
        Assert.All(new[] { upper, lower, converted, longName }, name => Assert.Matches(new Regex("^[a-z][a-z0-9-]{0,62}$"), name));
    }
}
