using System.Buffers;
using Cloud.Serving.Telemetry;
using Microsoft.Extensions.Logging;

namespace Cloud.Serving.Batching;

/// <summary>
/// Merges concurrent requests for one model version into batches: throughput of a batcher, latency of no batcher.
/// </summary>
/// <remarks>
/// <para>The scheduling rule, applied whenever something changes (a submit, a batch finishing, the timer):</para>
/// <list type="number">
/// <item>A batch starts only while fewer than <see cref="BatchingOptions.NumBatchThreads"/> batches run.</item>
/// <item>It takes queued requests oldest first, whole, while their rows fit in
/// <see cref="BatchingOptions.MaxBatchSize"/>; it stops at the first that does not fit, so order is kept.</item>
/// <item>It starts at once when nothing else is running (an idle batcher never waits) or when the queue holds a full
/// batch. Otherwise, that is while other batches run and the queue holds less than a full batch, it starts only
/// when the queue holds at least <see cref="BatchingOptions.MinParallelBatchSize"/> rows and the oldest request has
/// waited <see cref="BatchingOptions.BatchTimeout"/> (zero: no wait). Fewer rows wait for more to come or for the
/// running batches to end, which bounds their wait by one run.</item>
/// </list>
/// <para>So batches form by themselves from what queues while every thread is busy; the minimum and the timeout
/// only trade a little latency for fuller batches when the batcher is already loaded, never when it is idle. (TF
/// Serving closes a partial batch only at its timeout, busy or idle, so there a timeout &gt; 0 costs latency at low
/// load.) The minimum exists because a small batch run beside another costs almost what a full one does (the
/// model's weights pass through the cache once per run) and takes a core from the HTTP work, while its rows cost
/// little once they join the next batch.</para>
/// <para>There are no dedicated threads. A batch runs on a thread-pool work item, so an idle batcher holds none. A
/// "thread" is a slot in the executor: when a batch's model run ends its slot goes at once to the next batch (on
/// another work item), and only then does the finished batch's thread hand out the results, running the callers'
/// continuations (writing their answers) itself. So the model stays busy while answers are written, and a batch
/// gathers everything that queued during the previous run. A batch is cut when its slot is given, and topped up
/// when its work item begins with whatever queued in between (oldest first, while it fits): on a loaded host the
/// wait for a thread is long enough for a few requests to arrive, and they ride along for the price of the run
/// they would otherwise each pay for in full. Nobody waits for that: the run starts as soon as a thread does. One
/// reusable timer serves the timeout; nothing is allocated per request but the request itself, its task and, for
/// cancellable tokens, a registration. The lock guards only the queue and counters, never an execution.</para>
/// </remarks>
internal sealed class MicroBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly IBatchExecutor<TItem, TResult> _executor;
    private readonly Action<Action>? _dispatch;
    private readonly BatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly int _maxBatchSize;
    private readonly int _threads;
    private readonly long _maxQueuedRows;
    private readonly int _minParallelRows;
    private readonly long _timeoutTimestamps;
    private readonly ITimer? _timer;
    private readonly BatchStatisticsRecorder _statistics;
    private readonly BatcherTelemetry? _telemetry;
    private readonly Lock _lock = new();
    private readonly PendingQueue<TItem, TResult> _queue = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Batches in the executor; at most <see cref="BatchingOptions.NumBatchThreads"/>.</summary>
    private int _running;

    /// <summary>Batches taken whose callers are not all answered yet (running, or handing out results).</summary>
    private int _answering;
    private bool _timerArmed;
    private long _timerDue;
    private bool _stopped;

    /// <param name="dispatch">
    /// How a batch's run is started: null for a thread-pool work item. Tests pass their own to hold a run back and
    /// decide when it begins.
    /// </param>
    /// <param name="telemetry">Where batches, waits, rejections and the queue's depth are reported (OpenTelemetry); null for nowhere.</param>
    public MicroBatcher(IBatchExecutor<TItem, TResult> executor, BatchingOptions options, TimeProvider time, ILogger logger, string name,
        Action<Action>? dispatch = null, BatcherTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Batching options of {name} are invalid: {string.Join(" ", problems)}", nameof(options));
        }

        _executor = executor;
        _dispatch = dispatch;
        _options = options;
        _time = time;
        _logger = logger;
        _name = name;
        _maxBatchSize = options.MaxBatchSize;
        _threads = options.NumBatchThreads;
        _minParallelRows = options.MinParallelBatchSize;
        _maxQueuedRows = (long)options.EffectiveMaxEnqueuedBatches * options.MaxBatchSize;
        _statistics = new BatchStatisticsRecorder(options.MaxBatchSize);
        if (telemetry is not null)
        {
            _telemetry = telemetry;
            telemetry.QueuedRows = QueuedRows;
            ServingTelemetry.Track(telemetry);
        }
        if (options.Enabled && options.BatchTimeout > TimeSpan.Zero)
        {
            // Exact integer conversion: the deadline comparison must not be off by one tick under a fake clock.
            _timeoutTimestamps = (long)((Int128)options.BatchTimeout.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond);

            // The timer must not capture the context of whoever loaded the model (its activity, log scopes).
            using (ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow())
            {
                _timer = time.CreateTimer(static state => ((MicroBatcher<TItem, TResult>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The batcher's name in logs and statistics, e.g. "iris 1.0.0".</summary>
    public string Name => _name;

    /// <summary>
    /// Queues a request and returns its own result once its batch has run.
    /// </summary>
    /// <exception cref="BatchItemTooLargeException">It has more rows than the maximum batch size.</exception>
    /// <exception cref="BatchQueueFullException">The queue is full; thrown at once, nothing waits.</exception>
    /// <exception cref="BatcherStoppedException">The batcher is shutting down; nothing ran.</exception>
    /// <exception cref="OperationCanceledException">
    /// The token was cancelled. While the request is queued it is removed and never runs; once its batch has
    /// started the batch goes on for the other requests in it and only this caller stops waiting.
    /// </exception>
    /// <remarks>Refusals come back as faulted tasks, not thrown, so a storm of them costs no stack unwinding.</remarks>
    public ValueTask<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken)
    {
        // A request that cannot be stacked counts as one row: it is one run, whatever its shapes.
        var alone = _executor.RunsAlone(item);
        var rows = alone ? 1 : _executor.RowsOf(item);
        if (rows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(item), rows, $"A request to {_name} must have at least 1 row.");
        }

        if (rows > _maxBatchSize)
        {
            return ValueTask.FromException<TResult>(new BatchItemTooLargeException(
                $"The request has {rows} rows; {_name} takes at most {_maxBatchSize} rows per request (its maximum batch size). Split it into smaller requests.",
                rows,
                _maxBatchSize));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            _statistics.CountCancelledBeforeRun();
            return ValueTask.FromCanceled<TResult>(cancellationToken);
        }

        var request = new PendingRequest<TItem, TResult>(this, item, rows, alone);
        if (_telemetry is not null)
        {
            request.Span = BatcherTelemetry.CurrentSpan();
        }
        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the request is visible to batch loops, so they always see the registration. If the
            // token fires before the request is queued, the callback marks it cancelled and it is never queued.
            request.Registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingRequest<TItem, TResult>)state!).Owner.OnCancelled((PendingRequest<TItem, TResult>)state!, token),
                request);
        }

        Batch<TItem, TResult>? batch = null;
        bool accepted, stopped;
        int queuedRows, queuedItems;
        lock (_lock)
        {
            if (request.State == PendingState.Cancelled)
            {
                return new ValueTask<TResult>(request.Task);
            }

            (stopped, queuedRows, queuedItems) = (_stopped, _queue.Rows, _queue.Count);
            accepted = !stopped && queuedRows + rows <= _maxQueuedRows;
            if (accepted)
            {
                request.EnqueuedAt = _time.GetTimestamp();
                request.State = PendingState.Queued;
                _queue.Enqueue(request);
                batch = TryTakeBatchLocked();
            }
            else
            {
                // So a cancellation racing with the refusal does not also count it as cancelled.
                request.State = PendingState.Dropped;
            }
        }

        if (!accepted)
        {
            request.Registration.Unregister();
            return ValueTask.FromException<TResult>(stopped ? Stopped("it is shutting down; the request was not run") : QueueFull(rows, queuedRows, queuedItems));
        }

        if (batch is not null)
        {
            Start(batch);
            Pump();
        }

        return new ValueTask<TResult>(request.Task);
    }

    /// <summary>A snapshot of what this batcher has done and holds now.</summary>
    public BatchStatistics GetStatistics()
    {
        int queuedItems, queuedRows, running;
        lock (_lock)
        {
            (queuedItems, queuedRows, running) = (_queue.Count, _queue.Rows, _running);
        }

        return _statistics.Snapshot(_name, queuedItems, queuedRows, running);
    }

    private int QueuedRows()
    {
        lock (_lock)
        {
            return _queue.Rows;
        }
    }

    /// <summary>
    /// Stops accepting requests (<see cref="BatcherStoppedException"/>), fails the queued ones with it at once,
    /// and completes when the running batches have finished and handed out their results.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        List<PendingRequest<TItem, TResult>>? dropped = null;
        int running;
        lock (_lock)
        {
            if (!_stopped)
            {
                _stopped = true;
                dropped = [];
                while (_queue.Head is { } head)
                {
                    _queue.Remove(head);
                    head.State = PendingState.Dropped;
                    dropped.Add(head);
                }
            }

            running = _answering;
            if (running == 0)
            {
                _drained.TrySetResult();
            }
        }

        if (dropped is not null)
        {
            _timer?.Dispose();
            if (_telemetry is not null)
            {
                ServingTelemetry.Untrack(_telemetry);
            }

            BatchingLog.Stopping(_logger, _name, dropped.Count, running);
            if (dropped.Count > 0)
            {
                var error = Stopped("it shut down before the request ran");
                foreach (var request in dropped)
                {
                    request.Registration.Unregister();
                    request.TrySetException(error);
                }
            }
        }

        await _drained.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the next batch if the scheduling rule (see the class remarks) says one starts now; arms the timer when
    /// a free thread should wait for a fuller batch.
    /// </summary>
    private Batch<TItem, TResult>? TryTakeBatchLocked()
    {
        var head = _queue.Head;
        if (head is null || _running >= _threads)
        {
            return null;
        }

        // A request that runs alone gains nothing from waiting for others: only stackable heads wait.
        if (_options.Enabled && _running > 0 && _queue.Rows < _maxBatchSize && !head.Alone)
        {
            if (_queue.Rows < _minParallelRows)
            {
                // Waits for more rows (a submit pumps) or for a running batch to end (its end pumps); no timer.
                return null;
            }

            if (_timeoutTimestamps > 0)
            {
                var due = head.EnqueuedAt + _timeoutTimestamps;
                var now = _time.GetTimestamp();
                if (now < due)
                {
                    ArmTimerLocked(now, due);
                    return null;
                }
            }
        }

        var (count, rows) = _options.Enabled && !head.Alone ? FittingLocked(0) : (1, head.Rows);
        var requests = new PendingRequest<TItem, TResult>[count];
        TakeLocked(requests, 0);

        _running++;
        _answering++;
        return new Batch<TItem, TResult>(requests, rows, head.Alone ? rows : _options.PaddedSize(rows));
    }

    private void ArmTimerLocked(long now, long due)
    {
        // One timer for the whole batcher. An armed timer that is later than needed cannot happen (the head only
        // gets younger); one that is earlier (its request left) fires, finds nothing due and re-arms.
        if (_timerArmed && _timerDue <= due)
        {
            return;
        }

        // Whole milliseconds, rounded up: system timers round down, and firing early would only re-arm.
        var wait = TimeSpan.FromMilliseconds(Math.Ceiling(_time.GetElapsedTime(now, due).TotalMilliseconds));
        _timerArmed = true;
        _timerDue = due;
        _timer!.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            _timerArmed = false;
        }

        Pump();
    }

    private void OnCancelled(PendingRequest<TItem, TResult> request, CancellationToken token)
    {
        bool beforeRun;
        lock (_lock)
        {
            beforeRun = request.State is PendingState.New or PendingState.Queued;
            if (request.State == PendingState.Queued)
            {
                // Leaving can only shrink a batch or delay nothing, so no new batch can start because of it.
                _queue.Remove(request);
            }

            if (beforeRun)
            {
                request.State = PendingState.Cancelled;
            }
        }

        if (beforeRun)
        {
            _statistics.CountCancelledBeforeRun();
        }

        // After the batch started this only stops the caller waiting; the batch's result for it is then ignored.
        request.TrySetCanceled(token);
    }

    /// <summary>Starts every batch the rule allows now.</summary>
    private void Pump()
    {
        while (true)
        {
            Batch<TItem, TResult>? batch;
            lock (_lock)
            {
                batch = TryTakeBatchLocked();
            }

            if (batch is null)
            {
                return;
            }

            Start(batch);
        }
    }

    private void Start(Batch<TItem, TResult> batch)
    {
        if (_dispatch is { } dispatch)
        {
            dispatch(() => _ = RunAsync(batch));
            return;
        }

        // Unsafe: a batch is shared by several callers, so none of their execution contexts should flow into it.
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Batcher.RunAsync(state.Batch), (Batcher: this, Batch: batch), preferLocal: false);
    }

    /// <summary>
    /// Runs one batch, then hands its thread slot on before answering: the next batch (which queued while this one
    /// ran) starts on another thread at once, and this thread writes its callers' answers meanwhile. So the model
    /// is kept busy while answers are written, and batches form from everything that queued during a run.
    /// </summary>
    private async Task RunAsync(Batch<TItem, TResult> batch)
    {
        batch = TopUp(batch);
        var requests = batch.Requests;
        var started = _time.GetTimestamp();
        IReadOnlyList<TResult>? results = null;
        Exception? error = null;
        try
        {
            results = await _executor.ExecuteAsync(batch.Items, batch.PaddedRows, CancellationToken.None).ConfigureAwait(false);
            if (results is null || results.Count != requests.Length)
            {
                error = new InvalidOperationException(
                    $"The executor of {_name} returned {results?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} results for a batch of {requests.Length} requests.");
            }
        }
#pragma warning disable CA1031 // Any executor failure belongs to this batch's callers; the batcher must live on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            error = exception;
        }

        var runTime = _time.GetElapsedTime(started);
        // Recorded before the callers are answered, so a caller that has its result sees its batch counted.
        var waits = ArrayPool<TimeSpan>.Shared.Rent(requests.Length);
        for (var i = 0; i < requests.Length; i++)
        {
            waits[i] = _time.GetElapsedTime(requests[i].EnqueuedAt, started);
        }

        _statistics.RecordBatch(batch.Rows, batch.PaddedRows, runTime, error is not null, waits.AsSpan(0, requests.Length));
        if (_telemetry is not null)
        {
            RecordTelemetry(_telemetry, batch, runTime, error, waits.AsSpan(0, requests.Length));
        }

        ArrayPool<TimeSpan>.Shared.Return(waits);

        lock (_lock)
        {
            _running--;
        }

        // The freed slot goes to the next batch now, on another thread; the rule may even allow more than one (the
        // last running batch finished while a free thread waited for a fuller batch).
        Pump();

        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            request.Registration.Unregister();
            _ = error is null ? request.TrySetResult(results![i]) : request.TrySetException(error);
        }

        lock (_lock)
        {
            if (--_answering == 0 && _stopped)
            {
                _drained.TrySetResult();
            }
        }

        if (error is not null)
        {
            try
            {
                BatchingLog.BatchFailed(_logger, error, _name, requests.Length, batch.Rows);
            }
#pragma warning disable CA1031 // Only a throwing log provider gets here, after every caller has its answer.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void RecordTelemetry(BatcherTelemetry telemetry, Batch<TItem, TResult> batch, TimeSpan runTime, Exception? error, ReadOnlySpan<TimeSpan> waits)
    {
        var requests = batch.Requests;
        var anySpan = false;
        foreach (var request in requests)
        {
            anySpan |= request.Span != default;
        }

        if (!anySpan)
        {
            telemetry.Batch(batch.Rows, default, runTime, error, waits, default);
            return;
        }

        var spans = new System.Diagnostics.ActivityContext[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            spans[i] = requests[i].Span;
        }

        telemetry.Batch(batch.Rows, _time.GetUtcNow() - runTime, runTime, error, waits, spans);
    }

    /// <summary>
    /// Adds what queued between the batch being cut and its run beginning (the work item's wait for a thread), while
    /// it fits: so a batch is formed when it runs. On a loaded host a lone request on an idle batcher, dispatched at
    /// once, often runs with the few that arrived during that wait, at the price of one run instead of two (up to
    /// six rows cost a run about what one row does: the weights pass through the cache once per run).
    /// </summary>
    private Batch<TItem, TResult> TopUp(Batch<TItem, TResult> batch)
    {
        if (!_options.Enabled || batch.Rows >= _maxBatchSize || batch.Requests[0].Alone)
        {
            return batch;
        }

        PendingRequest<TItem, TResult>[] requests;
        int rows;
        lock (_lock)
        {
            (var count, rows) = FittingLocked(batch.Rows);
            if (count == 0)
            {
                return batch;
            }

            requests = new PendingRequest<TItem, TResult>[batch.Requests.Length + count];
            batch.Requests.CopyTo(requests, 0);
            TakeLocked(requests, batch.Requests.Length);
        }

        return new Batch<TItem, TResult>(requests, rows, _options.PaddedSize(rows));
    }

    /// <summary>
    /// How many queued requests, oldest first and whole, fit beside <paramref name="rows"/> rows, and the rows then;
    /// a request that runs alone ends the batch before it, so order is kept and rows of unstackable requests never mix.
    /// </summary>
    private (int Count, int Rows) FittingLocked(int rows)
    {
        var count = 0;
        for (var next = _queue.Head; next is not null && !next.Alone && rows + next.Rows <= _maxBatchSize; next = next.Next)
        {
            count++;
            rows += next.Rows;
        }

        return (count, rows);
    }

    /// <summary>Moves requests from the head of the queue into <paramref name="into"/> from index <paramref name="from"/> on.</summary>
    private void TakeLocked(PendingRequest<TItem, TResult>[] into, int from)
    {
        for (var i = from; i < into.Length; i++)
        {
            var request = _queue.Head!;
            _queue.Remove(request);
            request.State = PendingState.Taken;
            into[i] = request;
        }
    }

    private BatcherStoppedException Stopped(string why) => new(_name, $"{_name} is not serving: {why}. Retry; another version may serve it.");

    private BatchQueueFullException QueueFull(int rows, int queuedRows, int queuedItems)
    {
        _statistics.CountRejected();
        _telemetry?.Rejected();
        var queuedBatches = _options.Enabled ? (queuedRows + _maxBatchSize - 1) / _maxBatchSize : queuedItems;
        var retryAfter = RetryAfterEstimate.From(_statistics.MeanRunTime, queuedBatches, _threads);
        BatchingLog.QueueFull(_logger, _name, queuedRows, _maxQueuedRows, rows, retryAfter.TotalSeconds);
        return new BatchQueueFullException(
            $"{_name} is overloaded: {queuedRows} rows already wait (the limit is {_maxQueuedRows}). Retry after {(int)retryAfter.TotalSeconds} s.",
            retryAfter);
    }
}
