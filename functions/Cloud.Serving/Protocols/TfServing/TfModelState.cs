namespace Cloud.Serving.Protocols.TfServing;

/// <summary>TF Serving's ModelVersionStatus.State, written by name (<c>"AVAILABLE"</c>).</summary>
internal enum TfModelState
{
    Unknown,
    Start,
    Loading,
    Available,
    Unloading,
    End,
}
