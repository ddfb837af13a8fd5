using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The edit distance behind "did you mean": insertions, deletions, substitutions and adjacent transpositions.</summary>
public sealed class FieldSuggestionTests
{
    [Theory]
    [InlineData("thresholds", "thresholds", 0)]
    [InlineData("threshols", "thresholds", 1)]
    [InlineData("thersholds", "thresholds", 1)]
    [InlineData("tresholdz", "thresholds", 2)]
    [InlineData("ca", "abc", 3)] // optimal string alignment: a transposed pair is not edited again
    [InlineData("", "ab", 2)]
    [InlineData("modelfile", "modelFile", 1)]
    public void DistanceCountsEdits(string a, string b, int distance)
    {
        Assert.Equal(distance, FieldSuggestions.Distance(a, b));
        Assert.Equal(distance, FieldSuggestions.Distance(b, a));
    }

    [Fact]
    public void FarCandidatesAreNotSuggested()
    {
        Assert.Empty(FieldSuggestions.Closest("colour", ["name", "version"]));
        // Two edits, but "seed" is only four letters long: a third of that allows one.
        Assert.Empty(FieldSuggestions.Closest("sexd1", ["seed"]));
    }

    [Fact]
    public void ClosestCandidateWins()
    {
        Assert.Equal(["tags"], FieldSuggestions.Closest("tag", ["task", "tags"]));
    }
}
