using System.Net;
using Inference;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// <see cref="PredictionClientOptions.GrpcStreaming"/>: the client's calls share one <c>ModelStreamInfer</c> stream
/// (<see cref="SharedInferStream"/>) on its channel, opened by the first call and again by the first call after one has
/// ended — a unary call pays for an HTTP/2 stream, its headers and its trailers each time, a stream once
/// (docs/grpc.md). Each stream keeps its own calls, so one that ends fails only the calls sent on it.
/// </summary>
internal sealed class GrpcStreamCalls(GRPCInferenceService.GRPCInferenceServiceClient client) : IDisposable
{
    /// <summary>Streams one call may open: a guard against opening them without end while each ends at once (a server that refuses them).</summary>
    private const int MaxOpens = 3;

    private readonly Lock _gate = new();
    private SharedInferStream? _current;
    private bool _closed;

    public async Task<ModelInferResponse> InferAsync(ModelInferRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 0; attempt < MaxOpens; attempt++)
        {
            // Null only when the stream ended between being picked and taking the call; the next pick opens another.
            if (Current().TrySend(request, cancellationToken) is { } answer)
            {
                return await answer.ConfigureAwait(false);
            }
        }

        throw new CloudRequestException(HttpStatusCode.ServiceUnavailable,
            $"The gRPC stream (ModelStreamInfer) ended before it could take this call, {MaxOpens} times; the server may be unreachable.", "gRPC", GrpcInference.StreamPath);
    }

    /// <summary>Takes no more calls and half-closes the stream; completes when the server has answered what it was sent and ended it.</summary>
    public Task CloseAsync()
    {
        SharedInferStream? stream;
        lock (_gate)
        {
            _closed = true;
            stream = _current;
        }

        stream?.Close();
        return stream?.Completion ?? Task.CompletedTask;
    }

    /// <summary>Ends the stream now; calls still waiting on it fail.</summary>
    public void Dispose()
    {
        SharedInferStream? stream;
        lock (_gate)
        {
            _closed = true;
            stream = _current;
        }

        stream?.Dispose();
    }

    private SharedInferStream Current()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, typeof(PredictionClient));
            if (_current is not { TakesCalls: true })
            {
                _current = new SharedInferStream(client);
            }

            return _current;
        }
    }
}
