namespace Cloud.Sdk.Manifests;

/// <summary>What the model predicts (manifest field <c>task</c>); it decides which validation metrics apply.</summary>
public enum ModelTask
{
    /// <summary>Anything else (<c>"other"</c>, the default): served as is, not validated by metrics.</summary>
    Other,

    /// <summary>Picks one of a set of classes (<c>"classification"</c>).</summary>
    Classification,

    /// <summary>Predicts a real number (<c>"regression"</c>).</summary>
    Regression,
}
