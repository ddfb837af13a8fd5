using System.Text;
using System.Text.RegularExpressions;
using Cloud.Serving.Tensors;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>The HTTP suite's own client side (both protocols' request writers and response readers, model names), against hand-written JSON.</summary>
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
    public void ResponseReadsNonFiniteStringsAsNumbersOnlyInRealOutputs()
    {
        var outputs = OipV2CaseResponse.Read("""
            {"model_name":"m","outputs":[
              {"name":"y","shape":[3],"datatype":"FP64","data":["NaN","Infinity","-Infinity"]},
              {"name":"s","shape":[2],"datatype":"BYTES","data":["NaN","say \"Infinity\""]}]}
            """);

        Assert.Null(OutputComparer.Compare(Tensor.Create(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, 3), outputs["y"], Tolerance.Default));
        Assert.Equal(["NaN", "say \"Infinity\""], Assert.IsType<StringTensor>(outputs["s"]).Values);
    }

    [Fact]
    public void TfRequestNestsEachTensorByItsShapeAndWritesAScalarBare()
    {
        var single = TfCaseRequest.Write([new NamedTensor("x", Tensor.Create(new[] { 1.5f, float.NaN, float.NegativeInfinity, 0.1f }, 2, 2))]);
        var several = TfCaseRequest.Write(
        [
            new NamedTensor("h", Tensor.Create(new[] { (Half)0.5 })),
            new NamedTensor("b", Tensor.Create(new[] { true, false, true, false, true, false }, 1, 2, 3)),
            new NamedTensor("s", Tensor.CreateStrings([], 2, 0)),
            new NamedTensor("u", Tensor.Create(new[] { ulong.MaxValue }, 1)),
        ]);

        Assert.Equal("""{"inputs":[[1.5,NaN],[-Infinity,0.1]]}""", Encoding.UTF8.GetString(single));
        Assert.Equal(
            """{"inputs":{"h":0.5,"b":[[[true,false,true],[false,true,false]]],"s":[[],[]],"u":[18446744073709551615]}}""",
            Encoding.UTF8.GetString(several));
    }

    [Fact]
    public void TfCannotWriteAZeroSizedDimensionBeforeTheLast()
    {
        static BackendDataSet Data(long[] input, long[] output) =>
            new("test_data_set_0", [new NamedTensor("x", Tensor.Create(new float[input.Aggregate(1L, (a, b) => a * b)], input))],
                [new NamedTensor("y", Tensor.Create(new float[output.Aggregate(1L, (a, b) => a * b)], output))]);

        Assert.Null(TfCaseRequest.WhyNotRepresentable(Data([2, 0], [0])));
        Assert.Equal("input 'x' has shape [0,3]: nested lists cannot give the sizes after a zero-sized dimension",
            TfCaseRequest.WhyNotRepresentable(Data([0, 3], [2])));
        Assert.Equal("output 'y' has shape [4,0,5]: nested lists cannot give the sizes after a zero-sized dimension",
            TfCaseRequest.WhyNotRepresentable(Data([1], [4, 0, 5])));
    }

    [Fact]
    public void TfResponseReadsTheOnlyOutputBareAndSeveralByName()
    {
        NamedTensor[] one = [new("y", Tensor.Create(new double[4], 2, 2))];
        NamedTensor[] two = [new("y", Tensor.Create(new long[3], 3)), new("s", Tensor.CreateStrings(["", ""], 2, 1))];

        var bare = TfCaseResponse.Read("""{"outputs": [[1.5, "NaN"], ["Infinity", "-Infinity"]]}""", one);
        var named = TfCaseResponse.Read("""{"outputs": {"s": [["NaN"], ["b"]], "y": [1, -2, 9007199254740993]}}""", two);

        Assert.Null(OutputComparer.Compare(Tensor.Create(new[] { 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity }, 2, 2), bare["y"], Tolerance.Default));
        Assert.Null(OutputComparer.Compare(Tensor.Create(new[] { 1L, -2L, 9007199254740993L }, 3), named["y"], Tolerance.Default));
        Assert.Equal(["NaN", "b"], Assert.IsType<StringTensor>(named["s"]).Values);
        Assert.Equal([2L, 1L], named["s"].Shape);
    }

    [Fact]
    public void TfResponseRefusesRaggedListsAndValuesOfAnotherKind()
    {
        NamedTensor[] ints = [new("y", Tensor.Create(new long[4], 2, 2))];

        Assert.Throws<FormatException>(() => TfCaseResponse.Read("""{"outputs": [[1, 2], [3]]}""", ints));
        Assert.Throws<FormatException>(() => TfCaseResponse.Read("""{"outputs": [[1, 2], [3, 4.5]]}""", ints));
        Assert.Throws<InvalidOperationException>(() => TfCaseResponse.Read("""{"outputs": [[1, 2], [3, "4"]]}""", ints));
        Assert.Throws<FormatException>(() => TfCaseResponse.Read("""{"outputs": [1, 2]}""", [.. ints, .. ints]));
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
