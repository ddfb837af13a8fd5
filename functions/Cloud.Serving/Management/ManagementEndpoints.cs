using System.Text.Json;
using Cloud.Registry;
using Cloud.Registry.Registration;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Serving.Http;
using Cloud.Serving.Models;
using Cloud.Serving.Protocols;
using Cloud.Serving.Routing;
using Cloud.Serving.Statistics;
using Cloud.Storage.Blobs;
using Microsoft.AspNetCore.Http.Json;

namespace Cloud.Serving.Management;

/// <summary>
/// The management API (docs/api.md): models, versions, labels, policy, retirement, folder upload and status; jobs
/// are <see cref="JobEndpoints"/>.
/// Changes go to the registry first and routing is rebuilt at once; a new label target takes traffic when loaded.
/// </summary>
internal static partial class ManagementEndpoints
{
    public static IEndpointRouteBuilder MapManagement(this IEndpointRouteBuilder app)
    {
        // The admin key first: a caller without it learns nothing, not even which names are valid.
        var api = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>().AddEndpointFilter<RouteNamesFilter>();
        api.MapGet("/models", ListModelsAsync);
        api.MapGet("/models/{model}", GetModelAsync);
        api.MapGet("/models/{model}/versions/{version}", GetVersionAsync);
        api.MapPost("/models/{model}/versions/{version}/retire", RetireAsync);
        api.MapPut("/models/{model}/labels/{label}", SetLabelAsync);
        api.MapDelete("/models/{model}/labels/{label}", RemoveLabelAsync);
        api.MapPut("/models/{model}/policy", SetPolicyAsync);
        api.MapPut("/models/{model}/versions/{version}/files/{file}", UploadAsync);
        api.MapGet("/status", Status);
        api.MapJobs();
        api.MapPromotion();
        api.MapStats();
        return app;
    }

    private static async Task<IResult> ListModelsAsync(ModelRegistry registry, CancellationToken cancellationToken)
    {
        var models = new List<ModelSummary>();
        foreach (var name in await registry.ListModelsAsync(cancellationToken))
        {
            var versions = await registry.ListVersionsAsync(name, cancellationToken);
            var labels = await registry.GetLabelsAsync(name, cancellationToken);
            models.Add(new ModelSummary(name,
                versions.Select(v => new VersionSummary(v.Version, v.Status.ToWireName(), v.FailureReason, v.Metrics, v.CreatedAt)).ToArray(),
                labels.ToDictionary(l => l.Label, l => l.Version, StringComparer.Ordinal),
                await registry.GetPolicyAsync(name, cancellationToken)));
        }

        return TypedResults.Ok(new { models });
    }

    private static async Task<IResult> GetModelAsync(string model, ModelRegistry registry, ModelRouter router, CancellationToken cancellationToken)
    {
        var versions = await registry.ListVersionsAsync(model, cancellationToken);
        if (versions.Count == 0)
        {
            return ManagementErrors.Result(StatusCodes.Status404NotFound, $"Model '{model}' is not registered.");
        }

        var table = router.TableOf(model);
        return TypedResults.Ok(new ModelDetail(model, versions, await registry.GetLabelsAsync(model, cancellationToken),
            await registry.GetPolicyAsync(model, cancellationToken),
            table is null ? null : new RoutingView(table.Labels, table.Traffic, table.Newest)));
    }

    private static async Task<IResult> GetVersionAsync(string model, string version, ModelRegistry registry, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (await registry.GetVersionAsync(model, version, cancellationToken) is not { } info)
        {
            return ManagementErrors.Result(StatusCodes.Status404NotFound, $"Model '{model}' has no version '{version}'.");
        }

        // The record as stored, plus what serving will do with its requests (derived, so never stored).
        var view = JsonSerializer.SerializeToNode(info, json.Value.SerializerOptions)!.AsObject();
        view["batchable"] = info.Signature is { } signature
            ? ServedSignature.IsBatchable(signature.Inputs.Select(t => t.Shape), signature.Outputs.Select(t => t.Shape))
            : null;
        return TypedResults.Ok(view);
    }

    private static Task<IResult> RetireAsync(string model, string version, RetireRequest? body, ModelRegistry registry, ModelRouter router, CancellationToken cancellationToken) =>
        ChangeAsync(model, router, async () => TypedResults.Ok(await registry.RetireAsync(model, version, body?.Reason ?? "retired through the management API", cancellationToken)));

    private static Task<IResult> SetLabelAsync(string model, string label, SetLabelRequest? body, HttpRequest request, ModelRegistry registry, ModelRouter router, CancellationToken cancellationToken)
    {
        if (body?.Version is not { Length: > 0 } version)
        {
            return Task.FromResult(ManagementErrors.Result(StatusCodes.Status400BadRequest, "The body must name the version: {\"version\": \"1.2.0\"}."));
        }

        var etag = body.ETag ?? request.Headers.IfMatch.FirstOrDefault();
        return ChangeAsync(model, router, async () => TypedResults.Ok(await registry.SetLabelAsync(model, label, version, etag, cancellationToken: cancellationToken)));
    }

    private static Task<IResult> RemoveLabelAsync(string model, string label, HttpRequest request, ModelRegistry registry, ModelRouter router, CancellationToken cancellationToken) =>
        ChangeAsync(model, router, async () => await registry.RemoveLabelAsync(model, label, request.Headers.IfMatch.FirstOrDefault(), cancellationToken)
            ? TypedResults.NoContent()
            : ManagementErrors.Result(StatusCodes.Status404NotFound, $"Model '{model}' has no label '{label}'."));

    private static Task<IResult> SetPolicyAsync(string model, SetPolicyRequest? body, HttpRequest request, ModelRegistry registry, ModelRouter router, CancellationToken cancellationToken) =>
        ChangeAsync(model, router, async () => TypedResults.Ok(await registry.SetPolicyAsync(
            new ModelPolicy(model, body?.Traffic ?? [], body?.RequireValidation ?? false, body?.ETag ?? request.Headers.IfMatch.FirstOrDefault()), cancellationToken)));

    /// <summary>
    /// Writes one file of a model folder. Upload model.json last (as every Cloud tool does): writing it registers
    /// the folder at once and the answer says what registration concluded. A registered version's folder takes no
    /// writes: the answer is 409 before a byte is written (serving reads registration's copies, so a write that slips
    /// in between this check and a registration finishing changes nothing served, and is recorded as a refusal).
    /// </summary>
    private static async Task<IResult> UploadAsync(string model, string version, string file, HttpRequest request,
        IBlobStore models, ModelRegistry registry, RegistrationWorkflow registration, ManagementOptions options, CancellationToken cancellationToken)
    {
        // The names were checked by RouteNamesFilter with the rules registration applies, so the path is a model folder's.
        var path = $"{model}/{version}/{file}";

        // A failed version never served: a corrected upload replaces it. Every other status was registered.
        if (await registry.GetVersionAsync(model, version, cancellationToken) is { Status: not ModelVersionStatus.Failed } recorded)
        {
            var now = recorded.Status == ModelVersionStatus.Registered ? "" : $" ({recorded.Status.ToWireName()} now)";
            return ManagementErrors.Result(StatusCodes.Status409Conflict,
                $"Model '{model}' version {version} is registered and immutable{now}: its files cannot be changed. Upload the changed files as a new version.");
        }

        // Uploads have their own limit: the host-wide one is sized for prediction bodies.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes;
        }

        if (request.ContentLength > options.MaxUploadBytes)
        {
            return ManagementErrors.Result(StatusCodes.Status413PayloadTooLarge, $"The file is larger than the upload limit of {options.MaxUploadBytes:N0} bytes (Cloud:Management:MaxUploadBytes).");
        }

        var written = await models.PutAsync(path, request.Body, cancellationToken: cancellationToken);
        if (file != ModelManifest.FileName)
        {
            return TypedResults.Ok(new UploadResult(path, written.Size, null, null));
        }

        var outcome = await registration.HandleBlobAsync(path, cancellationToken);
        var status = outcome.Status switch
        {
            RegistrationStatus.Failed or RegistrationStatus.Ignored => StatusCodes.Status422UnprocessableEntity,
            RegistrationStatus.Refused => StatusCodes.Status409Conflict,
            RegistrationStatus.Pending => StatusCodes.Status202Accepted,
            _ => StatusCodes.Status200OK,
        };
        // Every answer that is not 2xx carries "error" like any other; the upload's own fields stay beside it.
        return TypedResults.Json(new UploadResult(path, written.Size, outcome.Status.ToString().ToLowerInvariant(), outcome.Message)
        {
            Error = status >= StatusCodes.Status300MultipleChoices ? outcome.Message : null,
        }, statusCode: status);
    }

    private static IResult Status(ModelCache cache, ModelRouter router, BodyBudget bodies, VersionRequestStatistics statistics) => Results.Ok(new
    {
        loaded = cache.GetStatus(),
        routing = router.Tables.Select(t => new { model = t.Model, labels = t.Labels, traffic = t.Traffic, newest = t.Newest }),
        // This process's per-version prediction counts since it started (all processes' are summed by promote jobs).
        traffic = statistics.Read().Select(v => new
        {
            model = v.Model,
            version = v.Version,
            requests = v.Traffic.Requests,
            serverErrors = v.Traffic.ServerErrors,
            clientErrors = v.Traffic.ClientErrors,
            errorRate = v.Traffic.ErrorRate,
            meanLatencyMs = v.Traffic.MeanLatencyMs,
            p95LatencyMs = v.Traffic.P95LatencyMs,
        }),
        memory = ProcessMemory(bodies),
    });

    /// <summary>Where the host's memory is: what the system counts, what the collector holds, what bodies hold.</summary>
    private static object ProcessMemory(BodyBudget bodies)
    {
        var gc = GC.GetGCMemoryInfo();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new
        {
            workingSetBytes = process.WorkingSet64,
            gcHeapBytes = gc.HeapSizeBytes,
            gcCommittedBytes = gc.TotalCommittedBytes,
            requestBodiesHeldBytes = bodies.Held,
        };
    }

    private static async Task<IResult> ChangeAsync(string model, ModelRouter router, Func<Task<IResult>> change)
    {
        try
        {
            var result = await change();
            // Rebuild routing now (loading any new target first), rather than at the next refresh.
            router.RefreshInBackground(model);
            return result;
        }
        catch (RegistryException error)
        {
            return ManagementErrors.From(error);
        }
    }
}
