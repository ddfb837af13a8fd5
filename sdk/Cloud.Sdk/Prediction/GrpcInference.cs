using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cloud.Sdk.Http;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// <see cref="PredictionClient.InferAsync"/> over gRPC: one channel per client (HTTP/2 connections are multiplexed and
/// costly to open), every input in raw_input_contents (Triton's form: no per-element encoding on either side), outputs
/// read from raw_output_contents by <see cref="OutputData"/>, as binary HTTP answers are. Errors become
/// <see cref="CloudRequestException"/>s with the HTTP status the gRPC status stands for, so callers handle one
/// exception whatever the transport. With streaming on, calls without a routing key share a <c>ModelStreamInfer</c>
/// stream (<see cref="GrpcStreamCalls"/>); a routing key is the stream's metadata, so calls with one stay unary.
/// </summary>
internal sealed class GrpcInference : IDisposable
{
    public const string UnaryPath = "/inference.GRPCInferenceService/ModelInfer";

    public const string StreamPath = "/inference.GRPCInferenceService/ModelStreamInfer";

    /// <summary>How long a disposed client's half-closed stream has to bring its last answers before the channel goes.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly string _routingKeyHeader;
    private readonly GrpcStreamCalls? _streams;

    private readonly CloudRetryOptions _retry;

    public GrpcInference(Uri endpoint, string routingKeyHeader, bool streaming, CloudRetryOptions retry)
    {
        _retry = retry;
        // Tensors are large: no client-side cap on what the server answers.
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        _routingKeyHeader = routingKeyHeader.ToLowerInvariant();
        _streams = streaming ? new GrpcStreamCalls(_client) : null;
    }

    /// <summary>
    /// One prediction, retried as the HTTP pipeline retries 429 and 503 (<see cref="CloudClientOptions.Retry"/>):
    /// UNAVAILABLE (a full queue, a version loading, the body budget full, a stream that ended) waits the server's
    /// retry-after, or a backoff, within the retry budget. A prediction changes nothing, so sending it again is safe.
    /// </summary>
    public async Task<InferenceResult> InferAsync(string model, InferTensor[] tensors, ModelTarget target, CancellationToken cancellationToken)
    {
        var request = Request(model, tensors, target);
        var waited = TimeSpan.Zero;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await InferOnceAsync(request, target, cancellationToken).ConfigureAwait(false);
            }
            catch (CloudRequestException error) when (RetryDelays.IsRetryable(error.Status) && attempt < _retry.MaxRetries)
            {
                var wait = RetryDelays.Next(error.RetryAfter is { } after ? new RetryConditionHeaderValue(after) : null, attempt, _retry, DateTimeOffset.UtcNow);
                if (waited + wait > _retry.Budget)
                {
                    throw;
                }

                waited += wait;
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<InferenceResult> InferOnceAsync(ModelInferRequest request, ModelTarget target, CancellationToken cancellationToken)
    {
        if (_streams is not null && target.RoutingKey is null)
        {
            var answer = await _streams.InferAsync(request, cancellationToken).ConfigureAwait(false);
            // A stream's answers carry no headers of their own: the answer names the model and version, and the route
            // (sent as a unary call's response header) is unknown. The id is the stream's, not the caller's.
            return Result(answer, new ServedBy(answer.ModelName, answer.ModelVersion, null), id: null);
        }

        var headers = target.RoutingKey is null ? null : new Metadata { { _routingKeyHeader, target.RoutingKey } };
        using var call = _client.ModelInferAsync(request, headers, cancellationToken: cancellationToken);
        ModelInferResponse response;
        Metadata served;
        try
        {
            served = await call.ResponseHeadersAsync.ConfigureAwait(false);
            response = await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            throw new CloudRequestException(HttpStatusOf(error.StatusCode), error.Status.Detail, "gRPC", UnaryPath)
            {
                RetryAfter = int.TryParse(error.Trailers.GetValue("retry-after"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds)
                    : null,
            };
        }

        return Result(response, new ServedBy(served.GetValue("x-cloud-model"), served.GetValue("x-cloud-model-version"), served.GetValue("x-cloud-route")),
            response.Id.Length > 0 ? response.Id : null);
    }

    /// <summary>
    /// Half-closes a shared stream, so the calls already sent still get their answers (for <see cref="CloseGrace"/>),
    /// then releases the channel: disposing it would cancel the stream at once.
    /// </summary>
    public void Dispose()
    {
        if (_streams is null)
        {
            _channel.Dispose();
            return;
        }

        _ = CloseThenDisposeAsync(_streams);
    }

    private async Task CloseThenDisposeAsync(GrpcStreamCalls streams)
    {
        try
        {
            await streams.CloseAsync().WaitAsync(CloseGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The server is slow to finish: the calls still waiting fail below.
        }
        finally
        {
            streams.Dispose();
            _channel.Dispose();
        }
    }

    private static ModelInferRequest Request(string model, InferTensor[] tensors, ModelTarget target)
    {
        var request = new ModelInferRequest { ModelName = model, ModelVersion = target.Version ?? string.Empty };
        if (target.Label is not null)
        {
            request.Parameters["label"] = new InferParameter { StringParam = target.Label };
        }

        foreach (var tensor in tensors)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = tensor.Name, Datatype = tensor.Datatype };
            input.Shape.AddRange(tensor.Shape);
            request.Inputs.Add(input);
            request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(tensor.BinaryData()));
        }

        return request;
    }

    private static InferenceResult Result(ModelInferResponse response, ServedBy servedBy, string? id)
    {
        var outputs = new InferOutput[response.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            var output = response.Outputs[i];
            var data = response.RawOutputContents.Count > i ? OutputData.FromRaw(output.Name, output.Datatype, output.Shape, response.RawOutputContents[i].Span) : Typed(output);
            outputs[i] = new InferOutput(output.Name, output.Datatype, [.. output.Shape], data);
        }

        return new InferenceResult(id, outputs, servedBy, response.ModelVersion);
    }

    private static JsonElement Typed(ModelInferResponse.Types.InferOutputTensor output)
    {
        var c = output.Contents ?? new InferTensorContents();
        return output.Datatype switch
        {
            "FP32" => OutputData.Of(c.Fp32Contents.ToArray()),
            "FP64" => OutputData.Of(c.Fp64Contents.ToArray()),
            "INT64" => OutputData.Of(c.Int64Contents.ToArray()),
            "UINT64" => OutputData.Of(c.Uint64Contents.ToArray()),
            "BOOL" => OutputData.Of(c.BoolContents.ToArray()),
            "BYTES" => OutputData.Of(c.BytesContents.Select(b => b.ToStringUtf8()).ToArray()),
            "UINT8" or "UINT16" or "UINT32" => OutputData.Of(c.UintContents.ToArray()),
            _ => OutputData.Of(c.IntContents.ToArray()),
        };
    }

    /// <summary>The HTTP status a gRPC status stands for (the server's own table, read backwards).</summary>
    internal static HttpStatusCode HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => HttpStatusCode.BadRequest,
        StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
        StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
        StatusCode.NotFound => HttpStatusCode.NotFound,
        StatusCode.Aborted or StatusCode.AlreadyExists => HttpStatusCode.Conflict,
        StatusCode.ResourceExhausted => HttpStatusCode.RequestEntityTooLarge,
        StatusCode.Unimplemented => HttpStatusCode.NotImplemented,
        StatusCode.Unavailable => HttpStatusCode.ServiceUnavailable,
        StatusCode.DeadlineExceeded => HttpStatusCode.GatewayTimeout,
        _ => HttpStatusCode.InternalServerError,
    };
}
