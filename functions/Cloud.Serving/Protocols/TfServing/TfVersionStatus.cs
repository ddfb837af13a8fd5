namespace Cloud.Serving.Protocols.TfServing;

/// <summary>One entry of a model status response.</summary>
/// <param name="Version">The version (a semver string in Cloud; an integer in TF Serving).</param>
/// <param name="State">Where the version is in its lifecycle.</param>
/// <param name="ErrorCode">A canonical status code name: "OK", "NOT_FOUND", "UNKNOWN", ...</param>
/// <param name="ErrorMessage">Why, when the code is not OK; empty otherwise.</param>
internal sealed record TfVersionStatus(string Version, TfModelState State, string ErrorCode = "OK", string ErrorMessage = "");
