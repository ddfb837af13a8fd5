namespace Cloud.Sdk.Registry;

/// <summary>A named pointer to a version ("stable", "canary", ...).</summary>
/// <param name="Model">The model name.</param>
/// <param name="Label">The label.</param>
/// <param name="Version">The version it points at.</param>
/// <param name="UpdatedAt">When it last moved.</param>
/// <param name="ETag">Pass it back to move the label only if nobody moved it since.</param>
public sealed record ModelLabel(string Model, string Label, string Version, DateTimeOffset UpdatedAt, string ETag);

/// <summary>How a model's unaddressed traffic is split, and what labels require.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Traffic">Label → weight (weights sum to 100); empty for "stable, else newest".</param>
/// <param name="RequireValidation">Whether labels may only point at validated versions.</param>
/// <param name="ETag">Pass it back to change the policy only if nobody changed it since.</param>
public sealed record ModelPolicy(string Model, IReadOnlyDictionary<string, int> Traffic, bool RequireValidation, string? ETag);
