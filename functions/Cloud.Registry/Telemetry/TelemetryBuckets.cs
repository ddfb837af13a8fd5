namespace Cloud.Registry.Telemetry;

/// <summary>
/// Histogram bucket boundaries, given as advice to the SDK. The SDK's defaults (0, 5, 10, … 10000) suit milliseconds,
/// not the seconds the semantic conventions ask durations in.
/// </summary>
internal static class TelemetryBuckets
{
    /// <summary>Predictions: a small model answers in well under a millisecond, a big one or a queue in seconds.</summary>
    public static readonly double[] FastSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Registrations, loads and jobs: from milliseconds to hours.</summary>
    public static readonly double[] SlowSeconds = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400];

    /// <summary>Rows per batch: powers of two up to the largest batch size anyone sets.</summary>
    public static readonly long[] Rows = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
}
