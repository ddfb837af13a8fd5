using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>name, version, format, modelFile, modelSha256, modelSize and task: each bad value has its own message.</summary>
public sealed class IdentityFieldTests
{
    private const string Rule = "Use 1 to 63 lowercase letters, digits or '-', starting with a letter.";

    [Theory]
    [InlineData("Iris", "it starts with 'I'")]
    [InlineData("iris model", "it contains ' '")]
    [InlineData("../etc", "it starts with '.'")]
    [InlineData("iris/../x", "it contains '/'")]
    [InlineData("1ris", "it starts with '1'")]
    [InlineData("", "it is empty")]
    [InlineData("iris_v2", "it contains '_'")]
    [InlineData("iris\n", "it contains '\\n'")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "it is 64 characters long and the limit is 63")]
    public void BadNameSaysWhatIsWrongAndTheRule(string name, string problem)
    {
        var json = Manifests.Minimal.Replace("\"iris\"", System.Text.Json.JsonSerializer.Serialize(name), StringComparison.Ordinal);

        var error = Manifests.SingleError(json);

        Assert.Equal("$.name", error.Path);
        Assert.Equal($"Name '{name.Replace("\n", "\\n", StringComparison.Ordinal)}' is not a valid model name: {problem}. {Rule}", error.Message);
    }

    [Fact]
    public void NameOfSixtyThreeCharactersIsValid()
    {
        var name = "a" + new string('-', 61) + "z";
        var manifest = Manifests.Valid(Manifests.Minimal.Replace("\"iris\"", $"\"{name}\"", StringComparison.Ordinal));

        Assert.Equal(name, manifest.Name);
    }

    [Theory]
    // The reason is the Semver package's own message.
    [InlineData("1.0", "Patch version missing in '1.0'.")]
    [InlineData("01.0.0", "Major version has leading zero in '01.0.0'.")]
    [InlineData("1.0.0-", "Missing prerelease identifier in '1.0.0-'.")]
    [InlineData("1.0.0-alpha..1", "Missing prerelease identifier in '1.0.0-alpha..1'.")]
    [InlineData("1.0.0-01", "Leading zero in prerelease identifier in version '1.0.0-01'.")]
    [InlineData("v1.0.0", "Leading 'v' in 'v1.0.0'.")]
    [InlineData("1.x.0", "Minor version contains invalid character 'x' in '1.x.0'.")]
    [InlineData("latest", "Major version contains invalid character 'l' in 'latest'.")]
    public void BadVersionSaysWhyItIsNotSemVer(string version, string reason)
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"1.0.0\"", $"\"{version}\"", StringComparison.Ordinal));

        Assert.Equal(new ManifestError("$.version",
            $"Version '{version}' is not a semantic version: {reason} Write MAJOR.MINOR.PATCH, such as 1.0.0, optionally with a pre-release such as 1.0.0-rc.1."), error);
    }

    [Fact]
    public void VersionWithBuildMetadataIsRefusedBecauseItCannotBeOrdered()
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"1.0.0\"", "\"1.0.0+build.5\"", StringComparison.Ordinal));

        Assert.Equal(new ManifestError("$.version",
            "Version '1.0.0+build.5' has build metadata ('+build.5'); a model version must not, because versions that differ only in build metadata cannot be ordered. Record the build in lineage.sourceRevision."), error);
    }

    [Fact]
    public void OverlongVersionIsRefusedWithBothLengths()
    {
        var version = "1.0.0-" + new string('a', 123);
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"1.0.0\"", $"\"{version}\"", StringComparison.Ordinal));

        Assert.Equal("$.version", error.Path);
        Assert.EndsWith("' is 129 characters long and the limit is 128.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatOtherThanOnnxIsRefused()
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"onnx\"", "\"tensorflow\"", StringComparison.Ordinal));

        Assert.Equal(new ManifestError("$.format", "Format 'tensorflow' is not supported; the only format is 'onnx'."), error);
    }

    [Fact]
    public void FormatInUppercaseIsToldToUseLowercase()
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"onnx\"", "\"ONNX\"", StringComparison.Ordinal));

        Assert.Equal(new ManifestError("$.format", "Format 'ONNX' must be written 'onnx', in lowercase."), error);
    }

    [Theory]
    [InlineData("models/model.onnx", "it contains '/'")]
    [InlineData("..\\\\model.onnx", "it contains '\\'")]
    [InlineData("..", "it is '..', which does not name a file")]
    [InlineData(".", "it is '.', which does not name a file")]
    [InlineData("", "it is empty")]
    [InlineData("c:model.onnx", "it contains ':'")]
    [InlineData("model.onnx.", "it ends with '.', which Windows file systems drop")]
    [InlineData("model\\u0000.onnx", "it contains a control character ('\\u0000')")]
    public void ModelFileMustBeAPlainFileName(string jsonText, string problem)
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"model.onnx\"", $"\"{jsonText}\"", StringComparison.Ordinal));

        var shown = System.Text.Json.JsonSerializer.Deserialize<string>($"\"{jsonText}\"")!.Replace("\0", "\\u0000", StringComparison.Ordinal);
        Assert.Equal(new ManifestError("$.modelFile",
            $"Model file '{shown}' is not a plain file name: {problem}. Name a file directly inside the model folder, such as \"model.onnx\"."), error);
    }

    [Fact]
    public void ModelFileNameOver255BytesIsRefused()
    {
        // 128 two-byte characters: 256 bytes in UTF-8 though only 128 characters.
        var name = new string('\u00e9', 128);
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"model.onnx\"", $"\"{name}\"", StringComparison.Ordinal));

        Assert.Equal("$.modelFile", error.Path);
        Assert.EndsWith("is not a plain file name: it is 256 bytes long in UTF-8 and the limit is 255. Name a file directly inside the model folder, such as \"model.onnx\".", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelFileThatIsTheManifestIsRefused()
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"model.onnx\"", "\"model.json\"", StringComparison.Ordinal));

        Assert.Equal(new ManifestError("$.modelFile", "Model file 'model.json' is the manifest itself; name the ONNX file, such as \"model.onnx\"."), error);
    }

    [Fact]
    public void ModelFileWithDotsInsideItsNameIsFine()
    {
        Assert.Equal("model..v2.onnx", Manifests.Valid(Manifests.Minimal.Replace("\"model.onnx\"", "\"model..v2.onnx\"", StringComparison.Ordinal)).ModelFile);
    }

    [Theory]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "has uppercase letters")]
    [InlineData("9f86d081", "has 8 digits")]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "contains 's', which is not a hexadecimal digit")]
    public void ModelSha256MustBeSixtyFourLowercaseHexDigits(string sha256, string problem)
    {
        var error = Manifests.SingleErrorWith($"\"modelSha256\": \"{sha256}\"");

        var shown = sha256.Length > 64 ? sha256[..64] + "…" : sha256;
        Assert.Equal(new ManifestError("$.modelSha256",
            $"Model SHA-256 '{shown}' {problem}; write the file's SHA-256 as 64 lowercase hexadecimal digits."), error);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e400")]
    public void ModelSizeMustBeAWholeNumberOfBytes(string size)
    {
        Assert.Equal(
            new ManifestError("$.modelSize", $"$.modelSize must be a whole number of bytes, 0 or more; it is {size}."),
            Manifests.SingleErrorWith($"\"modelSize\": {size}"));
    }

    [Fact]
    public void ModelSizeInQuotesIsToldToDropThem()
    {
        Assert.Equal(
            new ManifestError("$.modelSize", "$.modelSize must be a whole number, not a string; write 1024 without quotes."),
            Manifests.SingleErrorWith("\"modelSize\": \"1024\""));
    }

    [Fact]
    public void ZeroModelSizeIsAllowed()
    {
        Assert.Equal(0, Manifests.Valid(Manifests.With("\"modelSize\": 0")).ModelSize);
    }

    [Fact]
    public void UnknownTaskSuggestsTheClosestOne()
    {
        Assert.Equal(
            new ManifestError("$.task", "Task 'clasification' is not known; did you mean 'classification'? The tasks are 'classification', 'regression' and 'other'."),
            Manifests.SingleErrorWith("\"task\": \"clasification\""));
    }

    [Fact]
    public void UnknownTaskWithNothingCloseListsTheTasks()
    {
        Assert.Equal(
            new ManifestError("$.task", "Task 'detection' is not known. The tasks are 'classification', 'regression' and 'other'."),
            Manifests.SingleErrorWith("\"task\": \"detection\""));
    }

    [Fact]
    public void TaskInUppercaseIsToldToUseLowercase()
    {
        Assert.Equal(
            new ManifestError("$.task", "Task 'Regression' must be written 'regression', in lowercase."),
            Manifests.SingleErrorWith("\"task\": \"Regression\""));
    }

    [Theory]
    [InlineData("\"name\": 42", "$.name must be a string, not a number.")]
    [InlineData("\"description\": [\"a\"]", "$.description must be a string, not an array.")]
    [InlineData("\"task\": \"classification\", \"classNames\": \"a,b\"", "$.classNames must be an array of strings, not a string.")]
    [InlineData("\"inputs\": []", "$.inputs must be an object, not an array.")]
    [InlineData("\"batching\": true", "$.batching must be an object, not a boolean.")]
    [InlineData("\"tags\": [\"x\"]", "$.tags must be an object, not an array.")]
    [InlineData("\"lineage\": \"train.py\"", "$.lineage must be an object, not a string.")]
    [InlineData("\"validation\": 1", "$.validation must be an object, not a number.")]
    [InlineData("\"promotion\": \"canary\"", "$.promotion must be an object, not a string.")]
    [InlineData("\"$schema\": {}", "$['$schema'] must be a string, not an object.")]
    public void WrongTypeSaysWhatWasExpected(string field, string message)
    {
        var json = field.StartsWith("\"name\"", StringComparison.Ordinal)
            ? Manifests.Minimal.Replace("\"name\": \"iris\"", field, StringComparison.Ordinal)
            : Manifests.With(field);

        var error = Manifests.SingleError(json);

        Assert.Equal(message, error.Message);
        Assert.StartsWith(error.Path, message, StringComparison.Ordinal);
    }
}
