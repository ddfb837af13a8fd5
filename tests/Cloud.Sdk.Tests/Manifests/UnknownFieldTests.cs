using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Fields the format does not know are errors that say which known field was probably meant.</summary>
public sealed class UnknownFieldTests
{
    [Fact]
    public void UnknownFieldNamesTheClosestKnownField()
    {
        var error = Manifests.SingleErrorWith("""
            "task": "classification",
            "validation": { "dataset": "v.csv", "labelColumn": "y", "metrics": ["accuracy"], "threshols": { "accuracy": 0.9 } }
            """);

        Assert.Equal(new ManifestError("$.validation.threshols", "Unknown field 'threshols' in $.validation; did you mean 'thresholds'?"), error);
    }

    [Fact]
    public void TransposedLettersCountAsOneEdit()
    {
        Assert.Equal(
            new ManifestError("$.desciption", "Unknown field 'desciption' in $; did you mean 'description'?"),
            Manifests.SingleErrorWith("\"desciption\": \"x\""));
        Assert.Equal(
            "Unknown field 'tgas' in $; did you mean 'tags'?",
            Manifests.SingleErrorWith("\"tgas\": {}").Message);
    }

    [Fact]
    public void FieldThatDiffersOnlyInCaseIsUnknownWithTheSuggestion()
    {
        var json = Manifests.Minimal.Replace("\"modelFile\"", "\"ModelFile\"", StringComparison.Ordinal);

        var errors = Manifests.Read(json).Errors;

        Assert.Equal(
            [
                new ManifestError("$.ModelFile", "Unknown field 'ModelFile' in $; field names are case-sensitive: did you mean 'modelFile'?"),
                new ManifestError("$.modelFile", "Required field 'modelFile' is missing from $."),
            ],
            errors);
    }

    [Fact]
    public void AllCapsFieldIsMatchedIgnoringCase()
    {
        Assert.Equal(
            "Unknown field 'DESCRIPTION' in $; field names are case-sensitive: did you mean 'description'?",
            Manifests.SingleErrorWith("\"DESCRIPTION\": \"x\"").Message);
    }

    [Fact]
    public void FieldInTheWrongSectionIsToldWhereItBelongs()
    {
        Assert.Equal(
            new ManifestError("$.maxBatchSize", "Unknown field 'maxBatchSize' in $; it belongs in $.batching."),
            Manifests.SingleErrorWith("\"maxBatchSize\": 8"));
    }

    [Fact]
    public void FieldKnownInSeveralSectionsNamesThemAll()
    {
        Assert.Equal(
            "Unknown field 'dataset' in $; it belongs in $.validation or $.lineage.",
            Manifests.SingleErrorWith("\"dataset\": \"x.csv\"").Message);
        Assert.Equal(
            "Unknown field 'featureNames' in $; it belongs in an entry of $.inputs.",
            Manifests.SingleErrorWith("\"featureNames\": [\"a\"]").Message);
    }

    [Fact]
    public void UnknownFieldWithNothingCloseListsTheAllowedFields()
    {
        Assert.Equal(
            new ManifestError("$.batching.size", "Unknown field 'size' in $.batching; the fields allowed there are 'maxBatchSize', 'batchTimeoutMs', 'numBatchThreads', 'maxEnqueuedBatches', 'allowedBatchSizes' and 'minParallelBatchSize'."),
            Manifests.SingleErrorWith("\"batching\": { \"size\": 8 }"));
    }

    [Fact]
    public void ShortUnknownFieldDoesNotAttractFarSuggestions()
    {
        // Every lineage field is more than 2 edits from "xy", so nothing is suggested.
        Assert.Equal("Unknown field 'xy' in $.lineage; the fields allowed there are 'trainer', 'dataset', 'sourceRevision', 'seed', 'hyperParameters', 'parentVersion', 'jobId' and 'datasetSha256'.",
            Manifests.SingleErrorWith("\"lineage\": { \"xy\": 1 }").Message);
    }

    [Fact]
    public void TiedSuggestionsAreBothOffered()
    {
        Assert.Equal(
            "Unknown field 'tas' in $; did you mean 'task' or 'tags'?",
            Manifests.SingleErrorWith("\"tas\": \"x\"").Message);
    }

    [Fact]
    public void UnknownFieldInAnInputEntryUsesTheEntrysPath()
    {
        Assert.Equal(
            new ManifestError("$.inputs.features.featureName", "Unknown field 'featureName' in $.inputs.features; did you mean 'featureNames'?"),
            Manifests.SingleErrorWith("\"inputs\": { \"features\": { \"featureNames\": [\"a\"], \"featureName\": [\"a\"] } }"));
    }

    [Fact]
    public void FieldNameThatIsNotAnIdentifierIsShownInBracketNotation()
    {
        Assert.Equal(
            new ManifestError("$['model file']", "Unknown field 'model file' in $; did you mean 'modelFile'?"),
            Manifests.SingleErrorWith("\"model file\": \"m.onnx\""));
    }

    [Fact]
    public void DuplicateFieldIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.name", "Field 'name' appears more than once in $; keep one."),
            Manifests.SingleErrorWith("\"name\": \"iris\""));
    }

    [Fact]
    public void NullForAnOptionalFieldSaysToLeaveItOut()
    {
        Assert.Equal(
            new ManifestError("$.description", "$.description is null; give it a value or leave the field out."),
            Manifests.SingleErrorWith("\"description\": null"));
    }

    [Fact]
    public void NullForARequiredFieldAsksForAValue()
    {
        var json = Manifests.Minimal.Replace("\"model.onnx\"", "null", StringComparison.Ordinal);

        Assert.Equal(new ManifestError("$.modelFile", "$.modelFile is null; give it a value."), Manifests.SingleError(json));
    }

    [Fact]
    public void MissingRequiredFieldsAreEachReported()
    {
        var errors = Manifests.Read("""{ "description": "no identity" }""").Errors;

        Assert.Equal(
            [
                new ManifestError("$.name", "Required field 'name' is missing from $."),
                new ManifestError("$.version", "Required field 'version' is missing from $."),
                new ManifestError("$.format", "Required field 'format' is missing from $."),
                new ManifestError("$.modelFile", "Required field 'modelFile' is missing from $."),
            ],
            errors);
    }

    [Fact]
    public void SchemaFieldIsAllowedForEditors()
    {
        Assert.True(Manifests.ReadWith("\"$schema\": \"../../docs/model.schema.json\"").Succeeded);
    }
}
