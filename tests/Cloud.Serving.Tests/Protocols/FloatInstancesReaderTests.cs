using System.Globalization;
using System.Text;
using Cloud.Serving;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>
/// The fast path for <c>{"instances": [[numbers]]}</c> bodies: what it takes it must decode exactly as .NET's own
/// correctly rounded parser reads each number, and whatever it declines the general reader must still decode or
/// refuse as before.
/// </summary>
public sealed class FloatInstancesReaderTests
{
    private static readonly ServedModel Rows8 = TestModels.Built(new Input("x", TensorElementType.Float, "batch", 8L));
    private static readonly ServedModel Scalars = TestModels.Built(new Input("x", TensorElementType.Float, "batch"));

    [Fact]
    public void RandomRowsInEveryNumberSpellingDecodeAsDotNetParsesEachNumber()
    {
        var random = new Random(20261122);
        string[] spaces = ["", " ", "\n", "\t", "\r\n  "];
        for (var trial = 0; trial < 300; trial++)
        {
            var rows = random.Next(1, 5);
            var tokens = new List<string>();
            var body = new StringBuilder("{" + Pick(random, spaces) + "\"instances\"" + Pick(random, spaces) + ":" + Pick(random, spaces) + "[");
            for (var r = 0; r < rows; r++)
            {
                body.Append(r > 0 ? "," + Pick(random, spaces) : "").Append('[');
                for (var i = 0; i < 8; i++)
                {
                    var token = RandomNumber(random);
                    tokens.Add(token);
                    body.Append(i > 0 ? "," : "").Append(Pick(random, spaces)).Append(token).Append(Pick(random, spaces));
                }

                body.Append(']');
            }

            body.Append(Pick(random, spaces) + "]}" + Pick(random, spaces));
            var json = Encoding.UTF8.GetBytes(body.ToString());
            var expected = tokens.Select(t => float.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

            Assert.True(FloatInstancesReader.TryRead(json, Rows8.Signature, out var request), body.ToString());
            Assert.Equal(rows, request!.Rows);
            Assert.Equal([rows, 8L], Shape(request, "x"));
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), Values<float>(request, "x").Select(BitConverter.SingleToInt32Bits));

            // And the reader the endpoints call answers the same.
            Assert.Equal(expected, Values<float>(Tf(Rows8, body.ToString()).Request, "x"));
        }
    }

    [Fact]
    public void ARankOneInputTakesOneNumberPerRow()
    {
        Assert.True(FloatInstancesReader.TryRead("{\"instances\": [1.5, -2, 3e2, -0.0]}"u8, Scalars.Signature, out var request));

        Assert.Equal(4, request!.Rows);
        Assert.Equal([4L], Shape(request, "x"));
        Assert.Equal([1.5f, -2f, 300f, -0f], Values<float>(request, "x"));
        Assert.True(float.IsNegative(Values<float>(request, "x")[3]));
    }

    [Theory]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7]]}")] // row too short
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,8,9]]}")] // row too long
    [InlineData("{\"instances\": []}")] // no rows
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,8]], \"signature_name\": \"serving_default\"}")] // another key
    [InlineData("{\"signature_name\": \"\", \"instances\": [[1,2,3,4,5,6,7,8]]}")]
    [InlineData("{\"\\u0069nstances\": [[1,2,3,4,5,6,7,8]]}")] // escaped key
    [InlineData("{\"inputs\": [[1,2,3,4,5,6,7,8]]}")] // columnar
    [InlineData("{\"instances\": [{\"x\": [1,2,3,4,5,6,7,8]}]}")] // row keyed by input name
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,\"8\"]]}")] // a string
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,null]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,\"NaN\"]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,01]]}")] // leading zero
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,1.]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,.5]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,+1]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,1e]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,-]]}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,8,]]}")] // trailing comma
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,8]],}")]
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,8]]} x")] // trailing text
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,8]]")] // cut short
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,1e39]]}")] // beyond float's range
    [InlineData("{\"instances\": [[1,2,3,4,5,6,7,1.00000000000000000000001]]}")] // more digits than the exact parser takes
    [InlineData("{\"instances\": [[[1,2,3,4,5,6,7,8]]]}")] // one level too deep
    [InlineData("[[1,2,3,4,5,6,7,8]]")]
    public void AnythingButTheCommonShapeIsLeftToTheGeneralReader(string body)
    {
        Assert.False(FloatInstancesReader.TryRead(Encoding.UTF8.GetBytes(body), Rows8.Signature, out var request));
        Assert.Null(request);
    }

    [Fact]
    public void DeclinedBodiesStillDecodeOrFailAsTheGeneralReaderSays()
    {
        // Valid, but not the fast path's shape: the general reader decodes them.
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], Values<float>(Tf(Rows8, "{\"instances\": [[1,2,3,4,5,6,7,8]], \"signature_name\": \"serving_default\"}").Request, "x"));
        Assert.Equal(1.00000000000000000000001f, Values<float>(Tf(Rows8, "{\"instances\": [[1,2,3,4,5,6,7,1.00000000000000000000001]]}").Request, "x")[7]);

        // Invalid: the general reader's messages.
        Assert.Equal("Input 'x' expects float32 [-1,8] (rows of 8 values); row 0 has 7 values.", TfError(Rows8, "{\"instances\": [[1,2,3,4,5,6,7]]}"));
        Assert.Equal("Input 'x' expects float32 values; row 0[7] is 1e39, outside float32's range -3.4028235E+38 to 3.4028235E+38.",
            TfError(Rows8, "{\"instances\": [[1,2,3,4,5,6,7,1e39]]}"));
    }

    [Fact]
    public void ModelsThePathIsNotForAreDeclined()
    {
        var body = "{\"instances\": [[1,2,3,4]]}"u8;
        Assert.False(FloatInstancesReader.TryRead(body, TestModels.AddFloat.Signature, out _)); // two inputs
        Assert.False(FloatInstancesReader.TryRead(body, TestModels.Built(new Input("x", TensorElementType.Double, "batch", 4L)).Signature, out _));
        Assert.False(FloatInstancesReader.TryRead(body, TestModels.Built(new Input("x", TensorElementType.Float, "batch", "n")).Signature, out _));
        Assert.False(FloatInstancesReader.TryRead(body, TestModels.Built(new Input("x", TensorElementType.Float, 2L, 4L)).Signature, out _)); // one row where two are fixed
    }

    [Fact]
    public void AnInputWithFeatureNamesTakesListRowsAndLeavesObjectRowsToTheGeneralReader()
    {
        Assert.True(FloatInstancesReader.TryRead("{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}"u8, TestModels.Iris.Signature, out var request));
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], Values<float>(request!, "features"));

        Assert.False(FloatInstancesReader.TryRead("{\"instances\": [{\"sepal_length\": 5.1}]}"u8, TestModels.Iris.Signature, out _));
    }

    [Fact]
    public void ARowLongerThanTheBodyCouldHoldIsDeclinedBeforeItsBufferIsAllocated()
    {
        var wide = TestModels.Built(new Input("x", TensorElementType.Float, "batch", 1L << 20));
        var body = "{\"instances\": [[1, 2]]}"u8;
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.False(FloatInstancesReader.TryRead(body, wide.Signature, out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024);
        Assert.Equal("Input 'x' expects float32 [-1,1048576] (rows of 1048576 values); row 0 has 2 values.", TfError(wide, "{\"instances\": [[1, 2]]}"));
    }

    [Fact]
    public void AFixedBatchDimensionIsTakenWhenTheRowsMatchIt()
    {
        var fixedTwo = TestModels.Built(new Input("x", TensorElementType.Float, 2L, 4L));

        Assert.True(FloatInstancesReader.TryRead("{\"instances\": [[1,2,3,4],[5,6,7,8]]}"u8, fixedTwo.Signature, out var request));
        Assert.Equal([2L, 4L], Shape(request!, "x"));
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    /// <summary>
    /// A float written the ways clients write them: shortest round trip, float64 digits, exponents, integers; with
    /// magnitudes of real features (1e-4 to 1e6), so that even 17 float64 digits stay within the exact parser's reach.
    /// </summary>
    private static string RandomNumber(Random random)
    {
        var value = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 7)));
        return random.Next(7) switch
        {
            0 => value.ToString("R", CultureInfo.InvariantCulture),
            1 => ((double)value).ToString("R", CultureInfo.InvariantCulture),
            2 => value.ToString("E6", CultureInfo.InvariantCulture),
            3 => value.ToString("e9", CultureInfo.InvariantCulture).Replace("e+", "e", StringComparison.Ordinal),
            4 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
            5 => value.ToString("0.###", CultureInfo.InvariantCulture),
            _ => (random.NextDouble() * 10).ToString("F15", CultureInfo.InvariantCulture),
        };
    }
}
