namespace Cloud.Serving.Models;

/// <summary>What a version's warm-up run was fed (docs/model-folder.md, "warmUp"), in the order they are tried.</summary>
internal enum WarmUpSource
{
    /// <summary>The manifest's warm-up example: one inference request from the model folder.</summary>
    Example,
    /// <summary>The first row of the validation dataset, for a model with one float [batch, n] input with feature names.</summary>
    Validation,
    /// <summary>Zeros in every input, free dimensions as 1.</summary>
    Zeros,
    /// <summary>Nothing: no request can feed the model (the problem says why), so nothing was run.</summary>
    None,
}

/// <summary>How a loaded version's warm-up went, as /api/status shows it beside the version.</summary>
/// <param name="Source">What the run was fed.</param>
/// <param name="Problem">Why it failed (the version serves anyway); null when it ran.</param>
internal sealed record WarmUpReport(WarmUpSource Source, string? Problem);
