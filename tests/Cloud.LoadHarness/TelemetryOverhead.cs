namespace Cloud.LoadHarness;

/// <summary>
/// Issue #22's budget: with metrics on, throughput at concurrency 64 within 3 % of metrics off. `compare` with the two
/// settings side by side, each host scraped at /metrics once a second while it is measured (a Prometheus scrape is
/// usually every 15 s; once a second charges the exporter's collection more than production would). The host with
/// telemetry off answers the scrape with a 404, so both get the same extra request.
/// </summary>
internal static class TelemetryOverhead
{
    public const string Off = "--Cloud:Telemetry:Enabled false";
    public const string On = "--Cloud:Telemetry:Enabled true";
    /// <summary>With ASP.NET Core's own meter too (off by default because of what this measures).</summary>
    public const string OnWithHttpMetrics = "--Cloud:Telemetry:Enabled true --Cloud:Telemetry:HttpMetrics true";

    public static Task<int> RunAsync(int rounds) => Compare.RunAsync(rounds, 64, [Off, On, OnWithHttpMetrics], scrapeEvery: TimeSpan.FromSeconds(1));

    /// <summary>GETs /metrics from every host until cancelled, as a Prometheus server would.</summary>
    public static async Task ScrapeAsync(IEnumerable<BenchServer> servers, TimeSpan every, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var urls = servers.Where(s => s.Name != "bare").Select(s => new Uri(new Uri(s.Process.Url), "/metrics")).ToArray();
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var url in urls)
                {
                    using var response = await client.GetAsync(url, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
