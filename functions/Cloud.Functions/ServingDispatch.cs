using Cloud.Serving;

namespace Cloud.Functions;

/// <summary>
/// The local host's HTTP surface — health, TF Serving REST, Open Inference Protocol v2, the management API, with the
/// one error shape — as one request pipeline that the app's catch-all HTTP functions hand their requests to. The
/// routes therefore exist once (Cloud.Serving's endpoint table, which every host test exercises) and the Functions
/// host only matches a prefix and checks keys: it never has to carry `{model}:predict` or a dotted version as the
/// last segment (docs/functions.md says why).
/// </summary>
internal sealed class ServingDispatch
{
    private readonly RequestDelegate _pipeline;

    public ServingDispatch(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        app.UseCloudServing();
        app.UseRouting();
        app.UseEndpoints(endpoints => endpoints.MapCloudServing());
        _pipeline = app.Build();
    }

    /// <summary>Answers the request as the local host would; the response is written when this returns.</summary>
    public Task DispatchAsync(HttpContext context)
    {
        // The worker's own routing may have matched the function's endpoint; ours must match from the path again.
        context.SetEndpoint(null);
        context.Request.RouteValues.Clear();
        return _pipeline(context);
    }
}
