using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cloud.Functions;

/// <summary>
/// The HTTP functions: one catch-all per area and key, each handing the request to <see cref="ServingDispatch"/>.
/// Prediction and model metadata take a function key (or a host key); health is anonymous, for load balancers and
/// probes, and so are the dashboard's static pages (which hold no data); the management API takes a function key of its own function, and — where Cloud:Management:AdminKey is
/// set, as infra sets it — our admin key too (docs/functions.md: why not the master key).
/// </summary>
internal sealed class HttpFunctions(ServingDispatch dispatch)
{
    /// <summary>TF Serving REST: /v1/models/{m}:predict, /v1/models/{m}/versions/{v}, … (routePrefix is "" in host.json).</summary>
    [Function("TfServing")]
    public Task<IActionResult> TfServing(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "v1/{*path}")] HttpRequest request) => DispatchAsync(request);

    /// <summary>Open Inference Protocol v2: /v2, /v2/models/{m}/infer, /v2/models/{m}/versions/{v}/ready, …</summary>
    [Function("OipV2")]
    public Task<IActionResult> OipV2(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "v2/{*path}")] HttpRequest request) => DispatchAsync(request);

    /// <summary>/v2/health/live and /v2/health/ready without a key: what a probe can call.</summary>
    [Function("Health")]
    public Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/{probe}")] HttpRequest request) => DispatchAsync(request);

    /// <summary>The management API: /api/models…, /api/jobs…, /api/status.</summary>
    [Function("Management")]
    public Task<IActionResult> Management(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", "put", "delete", Route = "api/{*path}")] HttpRequest request) => DispatchAsync(request);

    /// <summary>
    /// The dashboard's static pages (/ui, /ui/…) without a key: a browser cannot add one to the loads of a page, its
    /// scripts and styles, and they hold no data. Everything they show or change goes through <see cref="Management"/>
    /// with the function key and the admin key the operator types into the page (docs/functions.md).
    /// </summary>
    [Function("Dashboard")]
    public Task<IActionResult> Dashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui/{*path}")] HttpRequest request) => DispatchAsync(request);

    private async Task<IActionResult> DispatchAsync(HttpRequest request)
    {
        await dispatch.DispatchAsync(request.HttpContext).ConfigureAwait(false);
        return new EmptyResult(); // the response is written
    }
}
