using Cloud.LoadHarness;

// Whole-process harnesses (memory, load). Each prints a Markdown table for docs/performance.md.
return args switch
{
    ["registration-memory"] => await RegistrationMemory.RunAsync(100),
    ["registration-memory", var mb] => await RegistrationMemory.RunAsync(int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture)),
    ["serve-load"] => await ServeLoad.RunAsync(5, [], []),
    ["serve-load", var rounds, .. var rest] => await ServeLoad.RunAsync(
        int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture),
        rest.TakeWhile(a => a != "--only").ToArray(),
        rest.SkipWhile(a => a != "--only").Skip(1).Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
    ["compare", var rounds, var concurrency, .. var configurations] when configurations.Length > 0 => await Compare.RunAsync(
        int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture), int.Parse(concurrency, System.Globalization.CultureInfo.InvariantCulture), configurations),
    ["sdk-overhead"] => await SdkOverhead.RunAsync(5, [1, 64]),
    ["sdk-overhead", var rounds, .. var concurrencies] => await SdkOverhead.RunAsync(int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture),
        concurrencies.Length > 0 ? concurrencies.Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [1, 64]),
    ["protocols"] => await ProtocolLoad.RunAsync(5, [1, 64]),
    ["protocols", var rounds, .. var concurrencies] => await ProtocolLoad.RunAsync(int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture),
        concurrencies.Length > 0 ? concurrencies.Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [1, 64]),
    ["push-throughput"] => await PushThroughput.RunAsync(256),
    ["push-throughput", var mb] => await PushThroughput.RunAsync(int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture)),
    ["push-throughput", var mb, var runs] => await PushThroughput.RunAsync(int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture), int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture)),
    ["telemetry"] => await TelemetryOverhead.RunAsync(8),
    ["telemetry", var rounds] => await TelemetryOverhead.RunAsync(int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture)),
    ["body-memory"] => await BodyMemory.RunAsync(20, 256),
    ["body-memory", var seconds, var concurrency] => await BodyMemory.RunAsync(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), int.Parse(concurrency, System.Globalization.CultureInfo.InvariantCulture)),
    ["validate-throughput"] => await ValidateThroughput.RunAsync(100_000, 3),
    ["validate-throughput", var rows, var rounds] => await ValidateThroughput.RunAsync(int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture)),
    ["raw-ort", .. var sizes] => ServeLoad.RawOrt(sizes.Length > 0 ? sizes.Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [1, 2, 4, 8, 16, 32, 64]),
    ["bare-endpoint", "--urls", var url] => await BareEndpoint.RunAsync(url),
    ["load", var url, var body, var concurrency, var seconds] => await LoadOnceAsync(url, body, concurrency, seconds),
    _ => Usage(),
};

// Load against any URL with a body from a file, for profiling a host that runs on its own.
static async Task<int> LoadOnceAsync(string url, string bodyFile, string concurrency, string seconds)
{
    var result = await LoadGenerator.RunAsync(url, File.ReadAllBytes(bodyFile), int.Parse(concurrency, System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
    Console.WriteLine(System.FormattableString.Invariant($"{result.Throughput:F0} req/s, p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, errors {result.Errors} {result.FirstError}"));
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Cloud.LoadHarness registration-memory [size-mb] | serve-load [rounds [--Cloud:Key value ...] [--only C1 C2 ...]] | compare ROUNDS CONCURRENCY \"HOST-SETTINGS\"|bare ... | telemetry [ROUNDS] | body-memory [SECONDS CONCURRENCY] | validate-throughput [ROWS ROUNDS] | raw-ort [BATCH ...] | sdk-overhead [ROUNDS [CONCURRENCY ...]] | protocols [ROUNDS [CONCURRENCY ...]] | push-throughput [SIZE-MB [RUNS]] | load URL BODY-FILE CONCURRENCY SECONDS");
    return 2;
}
