using System.Diagnostics;
using Cloud.Registry;
using Cloud.Registry.Onnx;
using Cloud.Serving.Hosting;
using Cloud.Serving.Http;
using Cloud.Serving.Models;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Routing;
using Cloud.Serving.Telemetry;
using Grpc.Core;
using Inference;

namespace Cloud.Serving.Grpc;

/// <summary>
/// The Open Inference Protocol's gRPC service (<c>inference.GRPCInferenceService</c>, the canonical proto). A prediction
/// takes the HTTP path's steps with the same singletons: routing (a <c>model_version</c>, or a "label" parameter; the
/// routing key from the same header as HTTP's, as metadata), the version's micro-batcher, the per-version counters and
/// the request telemetry (tagged rpc.system=grpc). Only the codec differs.
/// </summary>
internal sealed partial class InferenceGrpcService(IServiceProvider services, IEnumerable<IReadinessSignal> readiness, ILogger<InferenceGrpcService> logger) : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>The request parameter that names a label, as TF Serving's path does on HTTP.</summary>
    public const string LabelParameter = "label";

    private readonly ServingServices _s = ServingServices.From(services);
    private readonly IReadinessSignal[] _readiness = [.. readiness];

    // gRPC metadata keys are lower case.
    private readonly string _routingKeyHeader = services.GetRequiredService<RoutingOptions>().RoutingKeyHeader.ToLowerInvariant();

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = _readiness.All(s => s.FirstPass.IsCompleted) });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse
        {
            Name = OipV2MetadataWriter.ServerName,
            Version = typeof(InferenceGrpcService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        };
        response.Extensions.AddRange(OipV2MetadataWriter.Extensions);
        return Task.FromResult(response);
    }

    /// <summary>Whether the version that would serve (or the one named) is loaded, as <c>GET /v2/models/{m}/ready</c> answers, without loading it.</summary>
    public override async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var table = _s.Router.TableOf(request.Name) ?? await _s.Router.RefreshAsync(request.Name, context.CancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            throw GrpcStatuses.Exception(StatusCodes.Status404NotFound, $"Model '{request.Name}' is not registered.");
        }

        var target = request.Version.Length > 0 ? request.Version : table.Labels.TryGetValue("stable", out var stable) ? stable : table.Newest;
        return new ModelReadyResponse { Ready = target is not null && _s.Cache.TryGetAvailable(request.Name, target) is not null };
    }

    public override async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var decision = await RouteAsync(request.Name, request.Version, null, context).ConfigureAwait(false);
        var served = decision.Target.Served;
        var versions = await _s.Registry.ListVersionsAsync(request.Name, context.CancellationToken).ConfigureAwait(false);
        var table = _s.Router.TableOf(request.Name);
        var response = new ModelMetadataResponse { Name = served.Name, Platform = OipV2MetadataWriter.Platform };
        response.Versions.AddRange(versions.Where(v => table?.Serves(v.Status) ?? true).Select(v => v.Version));
        response.Inputs.AddRange(served.Inputs.Select(Metadata));
        response.Outputs.AddRange(served.Outputs.Select(Metadata));
        return response;
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var (answer, decision) = await InferAsync(request, RoutingKey(context), context.CancellationToken).ConfigureAwait(false);
        var headers = context.GetHttpContext().Response.Headers;
        headers[GrpcHeaders.Model] = decision.Target.Model;
        headers[GrpcHeaders.Version] = decision.Target.Version;
        headers[GrpcHeaders.Route] = decision.Route;
        return answer;
    }

    /// <summary>
    /// Triton's streaming extension: any number of requests on one call, each answered by one message as soon as its
    /// prediction is done (in completion order, carrying the request's id), a failed one by its error sentence while
    /// the stream goes on. The per-call work of a unary call (HTTP/2 stream, headers, trailers) is paid once.
    /// </summary>
    public override async Task ModelStreamInfer(IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context)
    {
        using var stream = new GrpcInferStream(this, _s.Bodies, responseStream, RoutingKey(context), e => LogUnexpected(logger, e), context.CancellationToken);
        await stream.RunAsync(requestStream).ConfigureAwait(false);
    }

    /// <summary>One prediction as ModelInfer makes it; failures throw the RpcException a unary call answers with.</summary>
    internal async Task<(ModelInferResponse Answer, RouteDecision Decision)> InferAsync(ModelInferRequest request, string? routingKey, CancellationToken cancellationToken)
    {
        using var activity = RequestTelemetry.Start();
        var label = request.Parameters.TryGetValue(LabelParameter, out var given)
            ? given.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam ? given.StringParam
                : throw GrpcStatuses.Exception(StatusCodes.Status400BadRequest, ProtocolErrors.GrpcLabelNotString)
            : null;
        var decision = await RouteAsync(request.ModelName, request.ModelVersion, label, routingKey, cancellationToken).ConfigureAwait(false);
        RequestTelemetry.Routed(activity, decision);
        var routedAt = Stopwatch.GetTimestamp();
        var counters = _s.Statistics.For(decision.Target.Model, decision.Target.Version);
        var status = StatusCodes.Status200OK;
        try
        {
            InferenceRequest decoded;
            bool raw;
            try
            {
                (decoded, raw) = GrpcInferRequestReader.Read(request, decision.Target.Served.Signature);
            }
            catch (ProtocolException e)
            {
                status = StatusCodes.Status400BadRequest;
                throw GrpcStatuses.Exception(status, e.Message);
            }

            // From here the version decides: counted for promotion's soak, as on HTTP.
            var started = Stopwatch.GetTimestamp();
            if (!decision.Target.Served.AllowNonFinite && NonFiniteInputs.Describe(decoded) is { } nonFinite)
            {
                status = StatusCodes.Status400BadRequest;
                counters.Record(status, Stopwatch.GetTimestamp() - started);
                throw GrpcStatuses.Exception(status, nonFinite);
            }

            InferenceResponse response;
            try
            {
                response = await decision.Target.PredictAsync(decoded, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                status = 0;
                throw;
            }
            catch (Exception error) when (ErrorResponses.For(error) is { } e)
            {
                status = e.Status;
                counters.Record(status, Stopwatch.GetTimestamp() - started);
                throw GrpcStatuses.Exception(status, e.Message, e.RetryAfter);
            }

            var answer = GrpcInferResponseWriter.Write(decision.Target.Served, request.Id, response, raw);
            counters.Record(status, Stopwatch.GetTimestamp() - started);
            return (answer, decision);
        }
        finally
        {
            if (status != 0)
            {
                RequestTelemetry.Answered(activity, decision, status, routedAt, "grpc");
            }
        }
    }

    private string? RoutingKey(ServerCallContext context) => context.RequestHeaders.GetValue(_routingKeyHeader);

    private Task<RouteDecision> RouteAsync(string model, string version, string? label, ServerCallContext context) =>
        RouteAsync(model, version, label, RoutingKey(context), context.CancellationToken);

    private async Task<RouteDecision> RouteAsync(string model, string version, string? label, string? routingKey, CancellationToken cancellationToken)
    {
        if (model.Length == 0)
        {
            throw GrpcStatuses.Exception(StatusCodes.Status400BadRequest, "The request names no model.");
        }

        var result = await _s.Router.RouteAsync(model, version.Length > 0 ? version : null, label, routingKey, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result.Decision!;
        }

        var (status, retryAfter) = ErrorResponses.For(result.Failure);
        throw GrpcStatuses.Exception(status, result.Problem!, retryAfter);
    }

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(ModelNode node)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = node.Name, Datatype = OipV2DataTypes.Name(node.ElementType) };
        tensor.Shape.AddRange(node.Dimensions);
        return tensor;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A ModelStreamInfer request failed unexpectedly; the stream answered it with an internal error and went on.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
