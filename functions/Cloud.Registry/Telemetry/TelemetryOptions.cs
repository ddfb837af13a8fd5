using Cloud.Registry.Settings;

namespace Cloud.Registry.Telemetry;

/// <summary>Settings of OpenTelemetry (section "Cloud:Telemetry"); docs/telemetry.md.</summary>
internal sealed record TelemetryOptions : ISettings
{
    /// <summary>Off: no meter or tracer provider is built, so every instrument stays unlistened and costs one branch.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The Prometheus scraping endpoint (/metrics) on hosts that have an HTTP surface of their own.</summary>
    public bool Prometheus { get; init; } = true;

    /// <summary>
    /// ASP.NET Core's own http.server.request.duration for every request (management API and unrouted requests
    /// included). Off by default: when ASP.NET Core's meter is heard, every request carries a tags feature and records
    /// one more histogram; side by side it cost up to ~4 µs of CPU a request at concurrency 64 in one run and nothing
    /// measurable in another (docs/performance.md), too close to the 3 % budget to be on unasked. Predictions are
    /// counted per version by cloud.serving.request.duration either way.
    /// </summary>
    public bool HttpMetrics { get; init; }

    /// <summary>
    /// Where OTLP sends metrics and traces (e.g. http://collector:4317). Null: OTLP only when the standard variable
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set, which the exporter then reads itself.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>"grpc" (the exporter's default) or "http/protobuf", as OTEL_EXPORTER_OTLP_PROTOCOL spells them.</summary>
    public string? OtlpProtocol { get; init; }

    /// <summary>The service.name resource attribute; null for the host's own (cloud-host, cloud-worker, cloud-functions) unless OTEL_SERVICE_NAME says otherwise.</summary>
    public string? ServiceName { get; init; }

    public IEnumerable<string> Validate(string section)
    {
        if (OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            yield return $"{section}:{nameof(OtlpEndpoint)} must be an absolute http or https address; got '{endpoint}'.";
        }

        if (OtlpProtocol is not (null or "grpc" or "http/protobuf"))
        {
            yield return $"{section}:{nameof(OtlpProtocol)} must be 'grpc' or 'http/protobuf'; got '{OtlpProtocol}'.";
        }

        if (ServiceName is { } name && string.IsNullOrWhiteSpace(name))
        {
            yield return $"{section}:{nameof(ServiceName)} must not be blank.";
        }
    }
}
