namespace Cloud.Sdk.Prediction;

/// <summary>The served-by headers of a prediction answer.</summary>
internal readonly record struct ServedBy(string? Model, string? Version, string? Route)
{
    public static ServedBy Of(HttpResponseMessage response) => new(
        Header(response, "X-Cloud-Model"), Header(response, "X-Cloud-Model-Version"), Header(response, "X-Cloud-Route"));

    // NonValidated: the values as received, without the parsing and arrays TryGetValues makes on every call.
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
