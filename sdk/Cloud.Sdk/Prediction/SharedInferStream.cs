using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Inference;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// One <c>ModelStreamInfer</c> call shared by concurrent <see cref="PredictionClient.InferAsync"/> calls. Each request
/// gets an id of this stream's own; answers come in completion order and are matched by it. One writer loop writes
/// the requests in turn (a gRPC request stream takes one write at a time); one reader loop completes the calls. A
/// failed request is answered in place and fails only its own call; when the stream itself ends, every call still
/// waiting on it fails and the stream takes no more (<see cref="GrpcStreamCalls"/> opens the next).
/// </summary>
internal sealed class SharedInferStream : IDisposable
{
    /// <summary>The answer's parameter that carries the gRPC code a unary call would have ended with (docs/grpc.md).</summary>
    internal const string StatusParameter = "grpc_status";

    /// <summary>The answer's parameter that carries the seconds a unary call's retry-after trailer would have.</summary>
    internal const string RetryAfterParameter = "retry_after";

    /// <summary>How long a failed write waits for the reader to end the stream with the server's own reason.</summary>
    private static readonly TimeSpan ReaderGrace = TimeSpan.FromSeconds(1);

    private readonly AsyncDuplexStreamingCall<ModelInferRequest, ModelStreamInferResponse> _call;
    private readonly Lock _gate = new();

    // Guarded by _gate: a call is added, and its request queued, only while the stream is open, and End takes every
    // call that is left in the same lock, so no call can be added to a stream that has already failed its calls.
    private readonly Dictionary<string, TaskCompletionSource<ModelInferResponse>> _pending = new(StringComparer.Ordinal);
    private readonly Channel<(string Id, ModelInferRequest Request)> _queue =
        Channel.CreateUnbounded<(string, ModelInferRequest)>(new UnboundedChannelOptions { SingleReader = true });

    private long _lastId;
    private bool _closing;
    private bool _ended;

    public SharedInferStream(GRPCInferenceService.GRPCInferenceServiceClient client)
    {
        _call = client.ModelStreamInfer();
        Completion = ReadLoopAsync();
        _ = WriteLoopAsync();
    }

    /// <summary>Whether a call may still be sent on this stream.</summary>
    public bool TakesCalls
    {
        get
        {
            lock (_gate)
            {
                return !_closing && !_ended;
            }
        }
    }

    /// <summary>Completes when the stream has ended and every call on it has its outcome.</summary>
    public Task Completion { get; }

    /// <summary>
    /// Sends one request (its id set here) and returns its answer, or null when the stream no longer takes calls.
    /// Cancelling only stops waiting: once the request is written the server predicts it, and its answer is dropped.
    /// </summary>
    public Task<ModelInferResponse>? TrySend(ModelInferRequest request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<ModelInferResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        string id;
        lock (_gate)
        {
            if (_closing || _ended)
            {
                return null;
            }

            id = (++_lastId).ToString(CultureInfo.InvariantCulture);
            request.Id = id;
            _pending.Add(id, answer);
            _queue.Writer.TryWrite((id, request));
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(id, answer, cancellationToken) : answer.Task;
    }

    /// <summary>Takes no more calls and half-closes the stream once the requests already taken are written; the server answers them and ends the call.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closing = true;
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Ends the stream now: the calls still waiting fail.</summary>
    public void Dispose() => End(static () => new CloudRequestException(HttpStatusCode.ServiceUnavailable,
        "The client was disposed before this call was answered.", "gRPC", GrpcInference.StreamPath));

    private async Task<ModelInferResponse> WaitAsync(string id, TaskCompletionSource<ModelInferResponse> answer, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => Forget(id, answer, cancellationToken)))
        {
            return await answer.Task.ConfigureAwait(false);
        }
    }

    /// <summary>A cancelled call leaves the stream and the others as they are: its answer, if it comes, finds no one.</summary>
    private void Forget(string id, TaskCompletionSource<ModelInferResponse> answer, CancellationToken cancellationToken)
    {
        bool removed;
        lock (_gate)
        {
            removed = _pending.Remove(id);
        }

        if (removed)
        {
            answer.TrySetCanceled(cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var (id, request) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                // A call cancelled (or failed with the stream) before its turn is not sent: nobody waits for its answer.
                bool waiting;
                lock (_gate)
                {
                    waiting = _pending.ContainsKey(id);
                }

                if (waiting)
                {
                    // Not cancellable part-way: a message half written would end the stream for every call on it.
                    await _call.RequestStream.WriteAsync(request).ConfigureAwait(false);
                }
            }

            bool ended;
            lock (_gate)
            {
                ended = _ended;
            }

            if (!ended)
            {
                await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception error)
        {
            // The stream cannot be written to any more: end it, so its calls fail now and the next call opens another.
            // A write that failed without the call's status has usually lost a race with the reader, which is about to
            // end the stream with the server's reason (RESOURCE_EXHAUSTED for a message over its limit): a moment for it.
            if (error is not RpcException)
            {
                await Task.WhenAny(Completion, Task.Delay(ReaderGrace)).ConfigureAwait(false);
            }

            End(() => Ended(error));
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                Answer(_call.ResponseStream.Current);
            }
        }
        catch (Exception error)
        {
            failure = error;
        }

        End(failure is null
            ? static () => new CloudRequestException(HttpStatusCode.ServiceUnavailable,
                "The server ended the gRPC stream (ModelStreamInfer) before this call was answered; the next call opens a new stream.", "gRPC", GrpcInference.StreamPath)
            : () => Ended(failure));
    }

    private void Answer(ModelStreamInferResponse message)
    {
        // Our server always carries the request's id, failures included; an answer without one matches no call.
        var id = message.InferResponse?.Id;
        TaskCompletionSource<ModelInferResponse>? answer;
        lock (_gate)
        {
            if (id is null || !_pending.Remove(id, out answer))
            {
                return;
            }
        }

        if (message.ErrorMessage.Length > 0)
        {
            answer.TrySetException(Failed(message));
        }
        else
        {
            answer.TrySetResult(message.InferResponse!);
        }
    }

    /// <summary>The exception the unary call would have thrown: the same sentence, the HTTP status of the same gRPC code.</summary>
    private static CloudRequestException Failed(ModelStreamInferResponse message)
    {
        var code = message.InferResponse.Parameters.TryGetValue(StatusParameter, out var name)
            && Enum.TryParse<StatusCode>(name.StringParam.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var parsed)
                ? parsed
                : StatusCode.Unknown;
        return new CloudRequestException(GrpcInference.HttpStatusOf(code), message.ErrorMessage, "gRPC", GrpcInference.StreamPath)
        {
            RetryAfter = message.InferResponse.Parameters.TryGetValue(RetryAfterParameter, out var seconds) && seconds.Int64Param > 0
                ? TimeSpan.FromSeconds(seconds.Int64Param)
                : null,
        };
    }

    private static CloudRequestException Ended(Exception error) => error is RpcException rpc
        ? new CloudRequestException(GrpcInference.HttpStatusOf(rpc.StatusCode),
            $"The gRPC stream (ModelStreamInfer) this call was sent on ended before its answer: {rpc.StatusCode}, \"{rpc.Status.Detail}\"; the next call opens a new stream.",
            "gRPC", GrpcInference.StreamPath)
        : new CloudRequestException(HttpStatusCode.ServiceUnavailable,
            $"The gRPC stream (ModelStreamInfer) this call was sent on failed before its answer: {error.GetType().Name}, \"{error.Message}\"; the next call opens a new stream.",
            "gRPC", GrpcInference.StreamPath);

    /// <summary>
    /// Fails every call still waiting on this stream, each with its own exception (one instance awaited by many callers
    /// would have its stack trace written by all of them), and cancels the call. The first reason wins.
    /// </summary>
    private void End(Func<CloudRequestException> reason)
    {
        TaskCompletionSource<ModelInferResponse>[] orphans;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _queue.Writer.TryComplete();
            orphans = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var orphan in orphans)
        {
            orphan.TrySetException(reason());
        }

        _call.Dispose();
    }
}
