using Cloud.Jobs.Evaluation;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>
/// Every classification metric against values worked out by hand on small fixed datasets. The models are Identity:
/// each row's class scores are the dataset's p_* columns, so the derivations below start from the rows as written.
/// Scores are multiples of 1/8, exact in float32, so log loss can be checked to the last digit.
/// </summary>
public sealed class ClassificationMetricTests : IDisposable
{
    // Eight rows, classes a, b, c; predicted = the highest score.
    //   row  p_a    p_b    p_c    label  predicted
    //   1    0.75   0.125  0.125  a      a
    //   2    0.5    0.25   0.25   a      a
    //   3    0.25   0.625  0.125  a      b
    //   4    0.125  0.75   0.125  b      b
    //   5    0.25   0.5    0.25   b      b
    //   6    0.625  0.25   0.125  b      a
    //   7    0.125  0.125  0.75   c      c
    //   8    0.25   0.5    0.25   c      b
    private const string ThreeClasses = """
        p_a,p_b,p_c,label
        0.75,0.125,0.125,a
        0.5,0.25,0.25,a
        0.25,0.625,0.125,a
        0.125,0.75,0.125,b
        0.25,0.5,0.25,b
        0.625,0.25,0.125,b
        0.125,0.125,0.75,c
        0.25,0.5,0.25,c
        """;

    private readonly ValidationScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task ConfusionMatrixAccuracyPrecisionRecallAndF1MatchTheHandCount()
    {
        var outcome = await RunThreeClassesAsync("\"accuracy\", \"precision\", \"recall\", \"f1\"");

        // Rows by actual class, columns by predicted class, counted from the table above:
        //   a: rows 1, 2 → a; row 3 → b          [2, 1, 0]
        //   b: row 6 → a; rows 4, 5 → b          [1, 2, 0]
        //   c: row 8 → b; row 7 → c              [0, 1, 1]
        var classes = outcome.Candidate.Classes!;
        Assert.Equal([[2L, 1, 0], [1L, 2, 0], [0L, 1, 1]], classes.Confusion);

        // Accuracy: the diagonal, 2 + 2 + 1 = 5 of 8.
        Assert.Equal(5.0 / 8, outcome.Candidate.Metrics["accuracy"], 12);

        // Per class: precision = diagonal / column sum, recall = diagonal / row sum, F1 = 2pr / (p + r).
        //   a: 2/3, 2/3, 2/3        b: 2/4, 2/3, 2·(1/2)(2/3)/(1/2 + 2/3) = 4/7        c: 1/1, 1/2, 2·1·(1/2)/(3/2) = 2/3
        Assert.Equal(["a", "b", "c"], classes.PerClass.Select(c => c.Class));
        Assert.Equal([3L, 3, 2], classes.PerClass.Select(c => c.Support));
        Assert.Equal([3L, 4, 1], classes.PerClass.Select(c => c.Predicted));
        AssertClose([2.0 / 3, 1.0 / 2, 1.0], classes.PerClass.Select(c => c.Precision));
        AssertClose([2.0 / 3, 2.0 / 3, 1.0 / 2], classes.PerClass.Select(c => c.Recall));
        AssertClose([2.0 / 3, 4.0 / 7, 2.0 / 3], classes.PerClass.Select(c => c.F1));

        // Macro: the unweighted means. Precision (2/3 + 1/2 + 1)/3 = 13/18; recall (2/3 + 2/3 + 1/2)/3 = 11/18;
        // F1 (2/3 + 4/7 + 2/3)/3 = (14 + 12 + 14)/63 = 40/63.
        Assert.Equal(13.0 / 18, outcome.Candidate.Metrics["precision"], 12);
        Assert.Equal(11.0 / 18, outcome.Candidate.Metrics["recall"], 12);
        Assert.Equal(40.0 / 63, outcome.Candidate.Metrics["f1"], 12);
    }

    [Fact]
    public async Task LogLossIsTheMeanNegativeLogOfTheTrueClassProbability()
    {
        var outcome = await RunThreeClassesAsync("\"logloss\"");

        // The true class's probability, row by row: 0.75, 0.5, 0.25, 0.75, 0.5, 0.25, 0.75, 0.25.
        // −(3 ln 3/4 + 2 ln 1/2 + 3 ln 1/4) / 8 = −(3 ln 3 − 6 ln 4 − 2 ln 2) / 8 = (14 ln 2 − 3 ln 3) / 8 ≈ 0.801028.
        Assert.Equal(((14 * Math.Log(2)) - (3 * Math.Log(3))) / 8, outcome.Candidate.Metrics["logloss"], 12);
    }

    [Fact]
    public async Task MulticlassAucIsTheMeanOfOneVsRestAucsCountedByConcordantPairs()
    {
        var outcome = await RunThreeClassesAsync("\"auc\"");

        // One vs rest: over every (positive row, negative row) pair, 1 when the positive scores higher, ½ on a tie.
        // a: positives 0.75, 0.5, 0.25 against 0.125, 0.25, 0.625, 0.125, 0.25:
        //    0.75 beats all 5; 0.5 beats 4 (not 0.625); 0.25 beats the two 0.125s and ties the two 0.25s: 3.   12/15
        // b: positives 0.75, 0.5, 0.25 against 0.125, 0.25, 0.625, 0.125, 0.5:
        //    0.75 → 5; 0.5 → 3 + ½ (tie with 0.5); 0.25 → 2 + ½.                                                11/15
        // c: positives 0.75, 0.25 against 0.125, 0.25, 0.125, 0.125, 0.25, 0.125:
        //    0.75 → 6; 0.25 → 4 + 2·½.                                                                          11/12
        // Macro: (12/15 + 11/15 + 11/12) / 3 = (48 + 44 + 55) / 180 = 49/60.
        AssertClose([12.0 / 15, 11.0 / 15, 11.0 / 12], outcome.Candidate.Classes!.PerClass.Select(c => c.Auc!.Value));
        Assert.Equal(49.0 / 60, outcome.Candidate.Metrics["auc"], 12);
    }

    [Fact]
    public async Task BinaryAucIsOfTheSecondClassesScore()
    {
        // Classes neg, pos. The second column is the positive class's score.
        //   row  p_neg  p_pos  label  predicted (highest; a tie goes to the first class)
        //   1    0.25   0.75   pos    pos
        //   2    0.5    0.5    pos    neg
        //   3    0.125  0.875  pos    pos
        //   4    0.75   0.25   neg    neg
        //   5    0.5    0.5    neg    neg
        //   6    0.375  0.625  neg    pos
        const string Rows = """
            p_neg,p_pos,label
            0.25,0.75,pos
            0.5,0.5,pos
            0.125,0.875,pos
            0.75,0.25,neg
            0.5,0.5,neg
            0.375,0.625,neg
            """;
        var model = _scratch.Classifier(["neg", "pos"], ["p_neg", "p_pos"]);

        var outcome = await _scratch.RunAsync(Rows, ValidationScratch.Spec("classification", "\"metrics\": [\"auc\", \"accuracy\"]"), model);

        // Positives 0.75, 0.5, 0.875 against negatives 0.25, 0.5, 0.625: 0.75 beats all 3; 0.5 beats 0.25 and ties
        // 0.5 (1½); 0.875 beats all 3. (3 + 1.5 + 3) / 9 = 5/6. Accuracy: rows 1, 3, 4, 5 = 4/6.
        Assert.Equal(5.0 / 6, outcome.Candidate.Metrics["auc"], 12);
        Assert.Equal(4.0 / 6, outcome.Candidate.Metrics["accuracy"], 12);
        Assert.Equal([5.0 / 6, 5.0 / 6], outcome.Candidate.Classes!.PerClass.Select(c => c.Auc!.Value));
    }

    [Fact]
    public async Task JsonLinesGiveTheSameMetricsAsCsv()
    {
        // Numbers as JSON numbers or, like p_b here, as strings read as a CSV cell would be; other keys are skipped.
        var lines = string.Join('\n', ThreeClasses.Split('\n').Skip(1).Select(row => row.Trim().Split(','))
            .Select(cells => $$$"""{"label": "{{{cells[3]}}}", "p_a": {{{cells[0]}}}, "p_b": "{{{cells[1]}}}", "p_c": {{{cells[2]}}}, "note": {"ignored": [1, 2]}}"""));
        var model = ThreeClassModel();
        var spec = ThreeClassSpec("\"accuracy\", \"f1\", \"logloss\", \"auc\"");

        var csv = await _scratch.RunAsync(ThreeClasses, spec, model);
        var jsonLines = await _scratch.RunAsync("\n" + lines + "\n\n", spec, model, name: "v.jsonl");

        Assert.Equal(csv.Candidate.Metrics, jsonLines.Candidate.Metrics);
        Assert.Equal(8, jsonLines.Rows);
    }

    [Fact]
    public async Task EveryMetricIsComputedThoughOnlyListedOnesAreJudged()
    {
        var outcome = await RunThreeClassesAsync("\"accuracy\"");

        // auc is the one metric left out unless listed: it keeps a score per row (see ClassificationAccumulator).
        Assert.Equal(["accuracy", "f1", "precision", "recall", "logloss"], outcome.Candidate.Metrics.Keys);
        Assert.Equal("class scores from 'x_out', predicted class by the highest score", outcome.Candidate.Outputs);
    }

    private ModelUnderTest ThreeClassModel() => _scratch.Classifier(["a", "b", "c"], ["p_a", "p_b", "p_c"]);

    private static Sdk.Manifests.ValidationSpec ThreeClassSpec(string metrics) =>
        ValidationScratch.Spec("classification", $"\"metrics\": [{metrics}]");

    private Task<ValidationOutcome> RunThreeClassesAsync(string metrics) => _scratch.RunAsync(ThreeClasses, ThreeClassSpec(metrics), ThreeClassModel());

    private static void AssertClose(IEnumerable<double> expected, IEnumerable<double> actual)
    {
        Assert.Equal(expected.Count(), actual.Count());
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e, a, 12);
        }
    }
}
