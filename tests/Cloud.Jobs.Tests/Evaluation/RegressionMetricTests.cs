namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>Regression metrics against values worked out by hand: the Identity model's prediction is the column "yhat".</summary>
public sealed class RegressionMetricTests : IDisposable
{
    private readonly ValidationScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task MseRmseMaeAndR2MatchTheHandComputation()
    {
        // Targets 1, 2, 3, 4; predictions 1.5, 2, 2, 5; errors 0.5, 0, −1, 1.
        // MSE (0.25 + 0 + 1 + 1)/4 = 0.5625; RMSE √0.5625 = 0.75; MAE (0.5 + 0 + 1 + 1)/4 = 0.625.
        // Mean target 2.5; Σ(y − ȳ)² = 2.25 + 0.25 + 0.25 + 2.25 = 5; R² = 1 − 2.25/5 = 0.55.
        const string Rows = """
            label,yhat
            1,1.5
            2,2
            3,2
            4,5
            """;

        var outcome = await _scratch.RunAsync(Rows, ValidationScratch.Spec("regression", "\"metrics\": [\"mse\", \"rmse\", \"mae\", \"r2\"]"), _scratch.Regressor("yhat"));

        Assert.Equal(["mse", "rmse", "mae", "r2"], outcome.Candidate.Metrics.Keys);
        Assert.Equal(0.5625, outcome.Candidate.Metrics["mse"], 12);
        Assert.Equal(0.75, outcome.Candidate.Metrics["rmse"], 12);
        Assert.Equal(0.625, outcome.Candidate.Metrics["mae"], 12);
        Assert.Equal(0.55, outcome.Candidate.Metrics["r2"], 12);
        Assert.Null(outcome.Candidate.Classes);
    }

    [Theory]
    [InlineData("3", 1.0)] // perfect predictions of a constant target: R² is 1
    [InlineData("4", 0.0)] // imperfect ones: 0 (as scikit-learn's force_finite), since 1 − x/0 is undefined
    public async Task R2OfAConstantTargetIsOneWhenPerfectElseZero(string prediction, double r2)
    {
        var rows = $"label,yhat\n3,{prediction}\n3,{prediction}\n";

        var outcome = await _scratch.RunAsync(rows, ValidationScratch.Spec("regression", "\"metrics\": [\"r2\"]"), _scratch.Regressor("yhat"));

        Assert.Equal(r2, outcome.Candidate.Metrics["r2"]);
    }
}
