namespace Cloud.Sdk.Manifests;

/// <summary>Which way a validation metric improves; it decides whether a threshold is a minimum or a maximum.</summary>
public enum MetricDirection
{
    /// <summary>Larger is better (accuracy, f1, auc, r2): the threshold is the lowest acceptable value.</summary>
    HigherIsBetter,

    /// <summary>Smaller is better (error metrics: logloss, mse, rmse, mae): the threshold is the highest acceptable value.</summary>
    LowerIsBetter,
}
