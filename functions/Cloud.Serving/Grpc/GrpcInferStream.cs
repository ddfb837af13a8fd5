using System.Globalization;
using Cloud.Serving.Http;
using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace Cloud.Serving.Grpc;

/// <summary>
/// One <c>ModelStreamInfer</c> call. Requests are read as they come and each is predicted as a unary ModelInfer would
/// be, concurrently (so a client may pipeline; the batcher sees them together), up to <see cref="MaxInFlight"/> per
/// stream — past that the reader waits and HTTP/2 flow control holds the client back. Each answer is written when it
/// is ready, one write at a time; a failed request is answered by its error sentence and the stream goes on, as
/// Triton's does. The call ends when the client has half-closed and every answer is written.
/// </summary>
internal sealed class GrpcInferStream(
    InferenceGrpcService service,
    BodyBudget budget,
    IServerStreamWriter<ModelStreamInferResponse> writer,
    string? routingKey,
    Action<Exception> unexpected,
    CancellationToken cancellationToken) : IDisposable
{
    /// <summary>Requests of one stream predicted at once; a client that pipelines more waits for answers first.</summary>
    public const int MaxInFlight = 128;

    /// <summary>The error sentence for a failure that is ours and unexpected (its exception goes to the host's log).</summary>
    public const string InternalError = "The server failed to answer this request (an internal error, logged by the host).";

    private readonly SemaphoreSlim _room = new(MaxInFlight, MaxInFlight);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private int _waitingToWrite;

    // The reader holds one count of its own until it has read the last request, so the stream cannot drain early.
    private int _pending = 1;

    public async Task RunAsync(IAsyncStreamReader<ModelInferRequest> requests)
    {
        try
        {
            while (await NextAsync(requests).ConfigureAwait(false))
            {
                await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _pending);
                _ = AnswerAsync(requests.Current);
            }
        }
        finally
        {
            // Also when reading failed (a message over the limit, a cancelled call): answers already on their way are
            // written (or given up when the call is gone) before the call ends with the reader's status.
            Done(room: false);
            await _drained.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The next request; bytes that are no ModelInferRequest end the stream INVALID_ARGUMENT with why (gRPC itself would
    /// answer UNKNOWN, "Exception was thrown by handler", and log it as our error).
    /// </summary>
    private async Task<bool> NextAsync(IAsyncStreamReader<ModelInferRequest> requests)
    {
        try
        {
            return await requests.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw GrpcStatuses.Exception(StatusCodes.Status400BadRequest, $"A message on the stream is not a ModelInferRequest ({e.Message}); the stream ends here.");
        }
    }

    private async Task AnswerAsync(ModelInferRequest request)
    {
        try
        {
            ModelStreamInferResponse message;
            using (var lease = new BodyLease(budget))
            {
                try
                {
                    // Read already, but held until answered: counted with every other prediction body in flight.
                    var size = request.CalculateSize();
                    if (!lease.TryGrow(size))
                    {
                        throw GrpcStatuses.Exception(StatusCodes.Status429TooManyRequests, budget.BusyMessage(size), TimeSpan.FromSeconds(1));
                    }

                    message = new ModelStreamInferResponse { InferResponse = (await service.InferAsync(request, routingKey, cancellationToken).ConfigureAwait(false)).Answer };
                }
                catch (RpcException e)
                {
                    message = Failed(request, e.Status.StatusCode, e.Status.Detail, e.Trailers.GetValue("retry-after"));
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    unexpected(e);
                    message = Failed(request, StatusCode.Internal, InternalError, null);
                }
            }

            Interlocked.Increment(ref _waitingToWrite);
            await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Answers of one batch are ready together: each but the last is buffered, and the last one's write sends
                // them all (one flush, one socket write, instead of one per answer).
                var others = Interlocked.Decrement(ref _waitingToWrite) > 0;
                writer.WriteOptions = others ? Buffered : null;
                await writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writing.Release();
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The call is gone (the client cancelled or disconnected): nobody is left to answer.
        }
        finally
        {
            Done(room: true);
        }
    }

    /// <summary>
    /// Triton's shape for a failed request: the sentence in error_message. The response beside it carries the request's
    /// id (to match it, as answers come in completion order), and the gRPC code and retry-after a unary call would have
    /// ended with, as parameters, so a client can tell "retry later" from "fix the request".
    /// </summary>
    internal static ModelStreamInferResponse Failed(ModelInferRequest request, StatusCode code, string message, string? retryAfter)
    {
        var response = new ModelInferResponse { Id = request.Id, ModelName = request.ModelName, ModelVersion = request.ModelVersion };
        response.Parameters[StatusParameter] = new InferParameter { StringParam = CodeName(code) };
        if (long.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            response.Parameters[RetryAfterParameter] = new InferParameter { Int64Param = seconds };
        }

        return new ModelStreamInferResponse { ErrorMessage = message, InferResponse = response };
    }

    public const string StatusParameter = "grpc_status";

    public const string RetryAfterParameter = "retry_after";

    /// <summary>The code as gRPC's documentation spells it: INVALID_ARGUMENT.</summary>
    private static string CodeName(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    /// <summary>After <see cref="RunAsync"/> has returned: every answer has released what it held by then.</summary>
    public void Dispose()
    {
        _room.Dispose();
        _writing.Dispose();
    }

    private void Done(bool room)
    {
        if (room)
        {
            _room.Release();
        }

        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
