using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Tags (a string → string map) and lineage (typed, with free-form hyper-parameters).</summary>
public sealed class TagsAndLineageTests
{
    [Fact]
    public void TagKeyMustBeLowercase()
    {
        Assert.Equal(
            new ManifestError("$.tags.Team", "Tag key 'Team' is not valid: it starts with 'T'. Use 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter."),
            Manifests.SingleErrorWith("\"tags\": { \"Team\": \"growth\" }"));
    }

    [Fact]
    public void TagValueMustBeAString()
    {
        Assert.Equal(
            new ManifestError("$.tags.owner", "$.tags.owner must be a string, not a number."),
            Manifests.SingleErrorWith("\"tags\": { \"owner\": 7 }"));
    }

    [Fact]
    public void LongTagValueIsRefusedWithBothLengths()
    {
        Assert.Equal(
            new ManifestError("$.tags.note", "Tag 'note' has a value 257 characters long and the limit is 256."),
            Manifests.SingleErrorWith($"\"tags\": {{ \"note\": \"{new string('x', 257)}\" }}"));
    }

    [Fact]
    public void TagValueOnOneLineOnly()
    {
        Assert.Equal(
            new ManifestError("$.tags.note", "Tag 'note' has a control character in its value; a tag value is one line of text."),
            Manifests.SingleErrorWith("\"tags\": { \"note\": \"a\\nb\" }"));
    }

    [Fact]
    public void TooManyTagsAreRefused()
    {
        var tags = string.Join(", ", Enumerable.Range(0, 65).Select(i => $"\"t{i}\": \"v\""));

        Assert.Equal(
            new ManifestError("$.tags", "$.tags has 65 tags and the limit is 64."),
            Manifests.SingleErrorWith($"\"tags\": {{ {tags} }}"));
    }

    [Fact]
    public void TagsAsAListAreRefusedWithTheShapeTheyNeed()
    {
        Assert.Equal("$.tags must be an object, not an array.", Manifests.SingleErrorWith("\"tags\": [\"nlp\"]").Message);
    }

    [Fact]
    public void NestedHyperParameterIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.lineage.hyperParameters.optimizer", "Hyper-parameter 'optimizer' must be a number, string, boolean, or a flat array of those, not an object."),
            Manifests.SingleErrorWith("\"lineage\": { \"hyperParameters\": { \"optimizer\": { \"name\": \"adam\" } } }"));
    }

    [Fact]
    public void NullHyperParameterIsRefused()
    {
        Assert.Equal(
            "Hyper-parameter 'dropout' must be a number, string, boolean, or a flat array of those, not null.",
            Manifests.SingleErrorWith("\"lineage\": { \"hyperParameters\": { \"dropout\": null } }").Message);
    }

    [Fact]
    public void ArrayOfArraysHyperParameterNamesEachBadElement()
    {
        var errors = Manifests.Read(Manifests.With("\"lineage\": { \"hyperParameters\": { \"grid\": [1, [2], {}] } }")).Errors;

        Assert.Equal(
            [
                new ManifestError("$.lineage.hyperParameters.grid[1]", "Hyper-parameter 'grid' must be a number, string, boolean, or a flat array of those, but $.lineage.hyperParameters.grid[1] is an array."),
                new ManifestError("$.lineage.hyperParameters.grid[2]", "Hyper-parameter 'grid' must be a number, string, boolean, or a flat array of those, but $.lineage.hyperParameters.grid[2] is an object."),
            ],
            errors);
    }

    [Fact]
    public void HyperParametersKeepTheirWrittenForm()
    {
        var parameters = Manifests.Valid(Manifests.With("\"lineage\": { \"hyperParameters\": { \"lr\": 1e-3, \"name\": \"adam\", \"amsgrad\": false, \"betas\": [0.9, 0.999] } }")).Lineage!.HyperParameters;

        Assert.Equal("1e-3", parameters["lr"].GetRawText());
        Assert.Equal(0.001, parameters["lr"].GetDouble());
        Assert.Equal("adam", parameters["name"].GetString());
        Assert.False(parameters["amsgrad"].GetBoolean());
        Assert.Equal("[0.9, 0.999]", parameters["betas"].GetRawText());
    }

    [Fact]
    public void SeedMustBeAWholeNumber()
    {
        Assert.Equal(
            new ManifestError("$.lineage.seed", "$.lineage.seed must be a whole number; it is 4.2."),
            Manifests.SingleErrorWith("\"lineage\": { \"seed\": 4.2 }"));
    }

    [Fact]
    public void SourceRevisionMustBeAString()
    {
        Assert.Equal(
            new ManifestError("$.lineage.sourceRevision", "$.lineage.sourceRevision must be a string, not a number."),
            Manifests.SingleErrorWith("\"lineage\": { \"sourceRevision\": 1234567 }"));
    }

    [Fact]
    public void ATrainJobsLineageIsReadWithItsParentJobAndDatasetHash()
    {
        var hash = new string('a', 63) + "0";
        var lineage = Manifests.Valid(Manifests.With($"\"lineage\": {{ \"parentVersion\": \"1.0.0-rc.1\", \"jobId\": \"train-iris+7\", \"datasetSha256\": \"{hash}\" }}")).Lineage!;

        Assert.Equal(("1.0.0-rc.1", "train-iris+7", hash), (lineage.ParentVersion, lineage.JobId, lineage.DatasetSha256));
    }

    [Fact]
    public void ParentVersionMustBeAModelVersion()
    {
        var error = Manifests.SingleErrorWith("\"lineage\": { \"parentVersion\": \"1.0\" }");

        Assert.Equal("$.lineage.parentVersion", error.Path);
        Assert.StartsWith("Version '1.0' is not a semantic version: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobIdMustBeAJobId()
    {
        Assert.Equal(
            new ManifestError("$.lineage.jobId", "Job id 'a/b' is not valid: use 1 to 100 letters, digits, '.', '_', '-' or '+', starting with a letter or digit."),
            Manifests.SingleErrorWith("\"lineage\": { \"jobId\": \"a/b\" }"));
    }

    [Fact]
    public void DatasetSha256MustBeLowercaseHex()
    {
        Assert.Equal(
            new ManifestError("$.lineage.datasetSha256", "Dataset SHA-256 'ABC' has 3 digits; write the dataset's SHA-256 as 64 lowercase hexadecimal digits."),
            Manifests.SingleErrorWith("\"lineage\": { \"datasetSha256\": \"ABC\" }"));
    }
}
