namespace Cloud.Serving.Http;

/// <summary>Response headers that say who served a prediction, so feedback and A/B analysis can attribute it.</summary>
internal static class ServingHeaders
{
    public const string Model = "X-Cloud-Model";
    public const string Version = "X-Cloud-Model-Version";
    public const string Route = "X-Cloud-Route";
}
