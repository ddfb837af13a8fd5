namespace Cloud.Serving.Models;

/// <summary>A version cannot be loaded; the message says why (shown by the status API and in logs).</summary>
internal sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
