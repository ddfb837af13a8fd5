namespace Cloud.Serving.Batching;

/// <summary>
/// The batcher is shutting down (its model version is being unloaded): a new request was refused, or a queued one
/// was dropped before it ran. Nothing ran, so the request is safe to retry; the HTTP layer answers 503 with
/// Retry-After, and the retry is routed to whichever version serves then. An <see cref="ObjectDisposedException"/>
/// so that code treating disposal generically still recognises it.
/// </summary>
/// <remarks>
/// The object name is left out of the base exception (it would append "Object name: ..." to the message, which the
/// HTTP layer shows as is); the message names the batcher and <see cref="Batcher"/> holds it.
/// </remarks>
internal sealed class BatcherStoppedException(string batcher, string message) : ObjectDisposedException(null, message)
{
    /// <summary>The batcher that stopped, e.g. "iris 1.0.0".</summary>
    public string Batcher { get; } = batcher;
}
