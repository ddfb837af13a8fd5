namespace Cloud.Serving.Http;

/// <summary>
/// Bytes of prediction bodies the host holds at once, across requests: a body is counted from before it is read
/// until its prediction has answered, so the JSON, the tensors decoded from it and the queue it waits in are
/// bounded together. Without it memory grew with concurrency × body size (issue #16: 10 MB bodies took 1.84 GB at
/// c=256); with it, a body that does not fit is refused with 429 before a byte of it is buffered.
/// </summary>
/// <remarks>
/// Memory the bodies took is garbage once they are answered, but an idle process runs no collection, so the host
/// kept its peak for good (1 GB after a burst of 10 MB bodies). When the held bytes fall back to zero after a burst
/// of at least <see cref="TrimAfterBytes"/>, one aggressive collection returns that memory to the system; it runs at
/// most once per burst, a second after it ends, and only if no body has arrived since.
/// </remarks>
internal sealed class BodyBudget(ServingOptions options)
{
    /// <summary>Bursts that held less than this leave the collector alone: small bodies are ordinary garbage.</summary>
    public const long TrimAfterBytes = 64L * 1024 * 1024;

    private long _held;
    private long _peakSinceTrim;
    private int _trimScheduled;

    /// <summary>Bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    public long Limit => options.MaxRequestBodyBytesInFlight;

    /// <summary>Takes <paramref name="bytes"/> when they fit under the limit; false (and nothing taken) when they do not.</summary>
    public bool TryTake(long bytes)
    {
        while (true)
        {
            var held = Interlocked.Read(ref _held);
            if (held + bytes > options.MaxRequestBodyBytesInFlight)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held)
            {
                RaisePeak(held + bytes);
                return true;
            }
        }
    }

    public void Give(long bytes)
    {
        if (Interlocked.Add(ref _held, -bytes) == 0 && Interlocked.Read(ref _peakSinceTrim) >= TrimAfterBytes
            && Interlocked.Exchange(ref _trimScheduled, 1) == 0)
        {
            _ = TrimWhenIdleAsync();
        }
    }

    private void RaisePeak(long held)
    {
        var peak = Interlocked.Read(ref _peakSinceTrim);
        while (held > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakSinceTrim, held, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private async Task TrimWhenIdleAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            if (Held == 0)
            {
                Interlocked.Exchange(ref _peakSinceTrim, 0);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
        }
        finally
        {
            Volatile.Write(ref _trimScheduled, 0);
        }
    }

    /// <summary>The 429's message: what the host holds, its limit, and the setting.</summary>
    public string BusyMessage(long asked) =>
        $"The host is holding {Held:N0} bytes of other prediction bodies and this one ({asked:N0} bytes so far) would pass its limit of {Limit:N0} (Cloud:Serving:MaxRequestBodyBytesInFlight); retry after the Retry-After delay.";
}

/// <summary>A request's share of the <see cref="BodyBudget"/>, given back once when disposed.</summary>
internal sealed class BodyLease(BodyBudget budget) : IDisposable
{
    private long _bytes;

    public BodyBudget Budget => budget;

    public long Bytes => _bytes;

    /// <summary>Takes <paramref name="bytes"/> more for this request; false when they do not fit.</summary>
    public bool TryGrow(long bytes)
    {
        if (bytes <= 0 || Budget.TryTake(bytes))
        {
            _bytes += Math.Max(0, bytes);
            return true;
        }

        return false;
    }

    public void Dispose()
    {
        Budget.Give(Interlocked.Exchange(ref _bytes, 0));
    }
}
