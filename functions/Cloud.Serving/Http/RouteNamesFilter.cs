using Cloud.Sdk.Manifests;

namespace Cloud.Serving.Http;

/// <summary>
/// The one check of the names a route carries — <c>{model}</c>, <c>{version}</c>, <c>{label}</c>, <c>{file}</c> — for
/// every route that has them (prediction, status, metadata, readiness, management), before a handler or the registry
/// sees them. A name that breaks the SDK's rule is answered 400 with the rule's sentence, so no handler has to look
/// up "a#b" or "../../x" (which no store holds, and which some stores refuse as a key).
/// </summary>
internal sealed class RouteNamesFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Problem(context.HttpContext.Request.RouteValues) is { } problem
            ? ValueTask.FromResult<object?>(new ErrorResult(StatusCodes.Status400BadRequest, problem))
            : next(context);

    /// <summary>The first name of <paramref name="values"/> that breaks its rule, as the sentence to answer with; null when all pass.</summary>
    public static string? Problem(RouteValueDictionary values) =>
        Check(values, "model", ModelName.Validate)
        ?? Check(values, "version", ModelVersions.Validate)
        ?? Check(values, "label", LabelName.Validate)
        ?? Check(values, "file", FileNames.Validate);

    private static string? Check(RouteValueDictionary values, string parameter, Func<string?, string?> validate) =>
        values.TryGetValue(parameter, out var value) ? validate(value as string) : null;
}
