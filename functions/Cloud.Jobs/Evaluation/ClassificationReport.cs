namespace Cloud.Jobs.Evaluation;

/// <summary>The outcome of evaluating a classifier on its validation dataset.</summary>
internal sealed record ClassificationReport(
    string Model,
    string Version,
    string[] ClassNames,
    int Rows,
    int Correct,
    int[,] Confusion,
    double? AccuracyThreshold)
{
    public double Accuracy => Rows == 0 ? 0 : (double)Correct / Rows;

    public bool MeetsThreshold => AccuracyThreshold is not { } threshold || Accuracy >= threshold;
}
