using System.Text.Json;

namespace Cloud.Functions.Tests;

/// <summary>
/// The functions.metadata the Worker SDK generates from our attributes — what the Functions host indexes — pinned:
/// every function's trigger, route, methods, auth level, blob path, source and connection, exactly as we mean them.
/// A change to a function's binding must change this test on purpose.
/// </summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public void TheGeneratedBindingsAreExactlyThePinnedOnes()
    {
        var generated = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))).RootElement;

        var functions = generated.EnumerateArray().Select(f => Describe(f)).Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "Dashboard: httpTrigger Anonymous get ui/{*path}",
            "Health: httpTrigger Anonymous get v2/health/{probe}",
            "Management: httpTrigger Function get,post,put,delete api/{*path}",
            "OipV2: httpTrigger Function get,post v2/{*path}",
            "RegisterModel: blobTrigger models/{name}/{version}/{file} source=EventGrid connection=ModelStore",
            "SweepUnrecordedFolders: timerTrigger 0 */5 * * * *",
            "TfServing: httpTrigger Function get,post v1/{*path}",
        ], functions);
    }

    [Fact]
    public void NoRouteStartsWithTheHostsReservedPrefixes()
    {
        // The host refuses routes starting with "admin" or "runtime" (a prefix match: "runtimes/x" too).
        var routes = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))).RootElement
            .EnumerateArray().SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.TryGetProperty("route", out _)).Select(b => b.GetProperty("route").GetString()!).ToList();

        Assert.Equal(5, routes.Count);
        Assert.DoesNotContain(routes, r => r.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || r.StartsWith("runtime", StringComparison.OrdinalIgnoreCase));
    }

    private static string Describe(JsonElement function)
    {
        var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In");
        var type = trigger.GetProperty("type").GetString();
        return type == "timerTrigger" ? $"{function.GetProperty("name").GetString()}: {type} {trigger.GetProperty("schedule").GetString()}"
            : type == "httpTrigger"
            ? $"{function.GetProperty("name").GetString()}: {type} {trigger.GetProperty("authLevel").GetString()} {string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))} {trigger.GetProperty("route").GetString()}"
            : $"{function.GetProperty("name").GetString()}: {type} {trigger.GetProperty("path").GetString()} source={trigger.GetProperty("source").GetString()} connection={trigger.GetProperty("connection").GetString()}";
    }
}
