namespace Cloud.Jobs.Evaluation;

/// <summary>
/// One run's outputs, as spans over ORT's own memory (valid until the run's values are disposed): per row,
/// <see cref="Width"/> scores (class scores, a class-1 probability or a regression prediction) and/or a class index.
/// </summary>
internal readonly ref struct Predictions(ReadOnlySpan<float> scores, int width, ReadOnlySpan<long> labels)
{
    public ReadOnlySpan<float> Scores { get; } = scores;

    public int Width { get; } = width;

    public ReadOnlySpan<long> Labels { get; } = labels;

    public ReadOnlySpan<float> Row(int row) => Scores.Slice(row * Width, Width);
}
