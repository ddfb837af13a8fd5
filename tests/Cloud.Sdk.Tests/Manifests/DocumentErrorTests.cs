using System.Text;
using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Input that is not a manifest at all gets one error at "$" saying what is wrong, and nothing throws.</summary>
public sealed class DocumentErrorTests
{
    [Fact]
    public void ManifestOverTheLimitGivesBothSizes()
    {
        var bytes = new byte[ManifestLimits.MaxManifestBytes + 1];

        var error = Assert.Single(ManifestReader.Read(bytes).Errors);

        Assert.Equal(new ManifestError("$", "The manifest is 65,537 bytes and the limit is 65,536 bytes (64 KiB); keep large content such as data or long notes in other files of the folder."), error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n\t ")]
    public void EmptyManifestSaysWhatItMustHold(string json)
    {
        Assert.Equal(
            new ManifestError("$", "The manifest is empty; it must be a JSON object with at least name, version, format and modelFile."),
            Manifests.SingleError(json));
    }

    [Fact]
    public void ByteOrderMarkAloneIsEmpty()
    {
        var error = Assert.Single(ManifestReader.Read([0xEF, 0xBB, 0xBF]).Errors);

        Assert.Equal("The manifest is empty; it must be a JSON object with at least name, version, format and modelFile.", error.Message);
    }

    [Fact]
    public void MalformedJsonGivesTheLineAndByte()
    {
        var error = Manifests.SingleError("{\n  \"name\": \"iris\"\n  \"version\": \"1.0.0\"\n}");

        Assert.Equal("$", error.Path);
        // The detail after the position is System.Text.Json's own wording.
        Assert.StartsWith("The manifest is not valid JSON (line 3, byte 3): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrailingCommaIsRefusedWithoutTheReadersAdvice()
    {
        var error = Manifests.SingleError("""{ "name": "iris", }""");

        Assert.StartsWith("The manifest is not valid JSON (line 1, byte 19): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("trailing comma", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("reader options", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommentIsRefusedWithAHint()
    {
        var error = Manifests.SingleError("{ \"name\": \"iris\" // the flower\n}");

        Assert.StartsWith("The manifest is not valid JSON (line 1, byte 18): ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" JSON has no comments; put notes in the description field.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondValueAfterTheObjectIsRefused()
    {
        var error = Manifests.SingleError(Manifests.Minimal + " {}");

        Assert.StartsWith("The manifest is not valid JSON (line 1, byte 85): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8IsARecordedErrorNotACrash()
    {
        // {"description": "caf (20 bytes), then 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
        var bytes = Encoding.UTF8.GetBytes("{\"description\": \"caf\u00e9\"}");
        bytes[Array.IndexOf(bytes, (byte)0xC3) + 1] = 0x28;

        var error = Assert.Single(ManifestReader.Read(bytes).Errors);

        Assert.Equal(new ManifestError("$", "The manifest is not valid text (line 1, byte 21): the bytes there are not UTF-8; save the file as UTF-8."), error);
    }

    [Fact]
    public void Latin1FileIsToldToBeSavedAsUtf8()
    {
        var bytes = Encoding.Latin1.GetBytes("{\n  \"description\": \"caf\u00e9\"\n}");

        Assert.Equal("The manifest is not valid text (line 2, byte 22): the bytes there are not UTF-8; save the file as UTF-8.", Assert.Single(ManifestReader.Read(bytes).Errors).Message);
    }

    [Fact]
    public void DeeplyNestedDocumentIsRefusedBeforeItIsWalked()
    {
        var json = Manifests.With($"\"lineage\": {{ \"hyperParameters\": {{ \"x\": {new string('[', 100)}{new string(']', 100)} }} }}");

        var error = Manifests.SingleError(json);

        Assert.StartsWith("The manifest is not valid JSON (line 1, byte ", error.Message, StringComparison.Ordinal);
        Assert.Contains("depth", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"iris\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("true", "a boolean")]
    [InlineData("null", "null")]
    public void ManifestThatIsNotAnObjectSaysWhatItIs(string json, string kind)
    {
        Assert.Equal(new ManifestError("$", $"The manifest must be a JSON object, not {kind}."), Manifests.SingleError(json));
    }

    [Fact]
    public void LoneSurrogateEscapeIsARecordedErrorNotACrash()
    {
        var error = Manifests.SingleError("""{ "name": "ir\udc00is" }""");

        Assert.Equal(new ManifestError("$", "The manifest is not valid text (line 1, byte 11): a \\u escape there is half of a UTF-16 surrogate pair; write the character itself, or both halves of the pair."), error);
    }

    [Fact]
    public void LoneSurrogateInAFieldNameIsARecordedError()
    {
        var error = Manifests.SingleError("{\n\"\\ud800\": 1 }");

        Assert.Equal("The manifest is not valid text (line 2, byte 1): a \\u escape there is half of a UTF-16 surrogate pair; write the character itself, or both halves of the pair.", error.Message);
    }

    [Fact]
    public void EscapedSurrogatePairIsFine()
    {
        var manifest = Manifests.Valid(Manifests.With("\"description\": \"\\ud83c\\udf38\""));

        Assert.Equal("\U0001F338", manifest.Description);
    }
}
