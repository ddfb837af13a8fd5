using Cloud.Serving.Batching;
using Cloud.Serving.Protocols;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Models;

/// <summary>A version ready to serve: its session, what it takes and gives, and its own micro-batcher.</summary>
internal sealed class LoadedModel : IAsyncDisposable
{
    private long _lastUsedTicks;

    public LoadedModel(ServedModel served, string sha256, InferenceSession session, MicroBatcher<InferenceRequest, InferenceResponse> batcher,
        long estimatedBytes, DateTimeOffset loadedAt)
    {
        Served = served;
        Sha256 = sha256;
        Session = session;
        Batcher = batcher;
        EstimatedBytes = estimatedBytes;
        LoadedAt = loadedAt;
        _lastUsedTicks = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public string Model => Served.Name;

    public string Version => Served.Version;

    public ServedModel Served { get; }

    public string Sha256 { get; }

    public InferenceSession Session { get; }

    public MicroBatcher<InferenceRequest, InferenceResponse> Batcher { get; }

    public long EstimatedBytes { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>What the warm-up run was fed, and why it failed (the version serves anyway); null only before it ran.</summary>
    public WarmUpReport? WarmUp { get; init; }

    /// <summary>A monotonic timestamp of the last request: only compared with other versions', for LRU order.</summary>
    public long LastUsedTicks => Interlocked.Read(ref _lastUsedTicks);

    public ValueTask<InferenceResponse> PredictAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsedTicks, System.Diagnostics.Stopwatch.GetTimestamp());
        return Batcher.SubmitAsync(request, cancellationToken);
    }

    /// <summary>Stops the batcher (queued requests fail, running batches finish), then releases the session.</summary>
    public async ValueTask DisposeAsync()
    {
        await Batcher.DisposeAsync().ConfigureAwait(false);
        Session.Dispose();
    }
}
