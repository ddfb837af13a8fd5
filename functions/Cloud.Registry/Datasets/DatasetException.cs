namespace Cloud.Registry.Datasets;

/// <summary>A dataset cannot be read as the manifest describes it; the message names the dataset, and the row or column.</summary>
internal sealed class DatasetException(string message) : Exception(message);
