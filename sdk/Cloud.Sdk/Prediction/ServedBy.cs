namespace Cloud.Sdk.Prediction;

/// <summary>The served-by headers of a prediction answer.</summary>
internal readonly record struct ServedBy(string? Model, string? Version, string? Route)
{
    public static ServedBy Of(HttpResponseMessage response) => new(
        Header(response, "X-Cloud-Model"), Header(response, "X-Cloud-Model-Version"), Header(response, "X-Cloud-Route"));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
