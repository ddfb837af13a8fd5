using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// What a version's record can hold (Azure Table's 64 KiB a property and 1 MiB a row, on every store): a reason too
/// long is refused naming the limit; a manifest whose problems would overflow the row is recorded failed once, with
/// the first problems and a count of the rest, and answers as failed afterwards instead of 404.
/// </summary>
[Collection(HostileSuite.Name)]
public sealed class RecordsTests(HostileHost host)
{
    [Fact]
    public Task ARetireReasonOfAHundredKibibytesIsRefusedNamingTheLimit() =>
        RecordChecks.RetireReasonTooLongIsRefusedAsync(host.Client);

    [Fact]
    public async Task AReasonAtTheLimitIsRecordedAndOneCharacterMoreIsNot()
    {
        await RecordChecks.PushAsync(host.Client, "6.0.0", RecordChecks.Manifest("6.0.0"));
        var reason = new string('r', 1_024);

        var over = await HostileCase.SendAsync(host.Client, "POST", "/api/models/iris/versions/6.0.0/retire", $$"""{"reason": "{{reason}}r"}""");
        var at = await HostileCase.SendAsync(host.Client, "POST", "/api/models/iris/versions/6.0.0/retire", $$"""{"reason": "{{reason}}"}""");

        await ErrorShape.AssertAsync(over, 400, "The reason is 1,025 characters long; the limit is 1,024.");
        Assert.Equal(200, (int)at.StatusCode);
        var version = JsonDocument.Parse(await host.Client.GetStringAsync("/api/models/iris/versions/6.0.0")).RootElement;
        Assert.Equal(("retired", reason), (version.GetProperty("status").GetString(), version.GetProperty("failureReason").GetString()));
    }

    [Fact]
    public Task AManifestWithFourteenHundredUnknownFieldsIsRecordedFailedOnce() =>
        RecordChecks.ManifestOfManyProblemsIsRecordedFailedOnceAsync(host.Client, "7.0.0");

    [Fact]
    public async Task ALineageTooLargeToRecordFailsTheVersionWithTheNumbers()
    {
        var manifest = RecordChecks.Manifest("7.1.0").Replace("}", ", \"lineage\": {\"trainer\": \"" + new string('<', 60_000) + "\"}}", StringComparison.Ordinal);

        var answer = await RecordChecks.PushAsync(host.Client, "7.1.0", manifest);

        var body = await ErrorShape.AssertAsync(answer, 422, "The lineage of iris 7.1.0 takes 360,139 characters to record; a version records at most 131,072.", "message", "path", "registration", "size");
        Assert.Equal("failed", body.GetProperty("registration").GetString());
    }
}

/// <summary>The record cases that run on the embedded store and on Azurite alike.</summary>
internal static class RecordChecks
{
    public static string Manifest(string version) => $$"""{"name": "iris", "version": "{{version}}", "format": "onnx", "modelFile": "model.onnx"}""";

    /// <summary>Uploads the iris model file and <paramref name="manifest"/> (last); the answer to the manifest.</summary>
    public static async Task<HttpResponseMessage> PushAsync(HttpClient client, string version, string manifest, byte[]? model = null)
    {
        var put = await client.PutAsync($"/api/models/iris/versions/{version}/files/model.onnx", new ByteArrayContent(model ?? File.ReadAllBytes(SampleModels.Iris("model.onnx"))));
        Assert.Equal(200, (int)put.StatusCode);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(manifest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PutAsync($"/api/models/iris/versions/{version}/files/model.json", content);
    }

    public static async Task RetireReasonTooLongIsRefusedAsync(HttpClient client)
    {
        var before = JsonDocument.Parse(await client.GetStringAsync("/api/models/iris/versions/1.0.0")).RootElement.GetProperty("status").GetString();
        var answer = await HostileCase.SendAsync(client, "POST", "/api/models/iris/versions/1.0.0/retire", $$"""{"reason": "{{new string('r', 100 * 1024)}}"}""");

        await ErrorShape.AssertAsync(answer, 400, "The reason is 102,400 characters long; the limit is 1,024.");
        var version = JsonDocument.Parse(await client.GetStringAsync("/api/models/iris/versions/1.0.0")).RootElement;
        Assert.NotEqual("retired", before);
        Assert.Equal(before, version.GetProperty("status").GetString());
    }

    /// <summary>Issue 16: 1,400 unknown fields in a 32 KB manifest; its problems once passed the row's limit and were retried forever (404).</summary>
    public static async Task ManifestOfManyProblemsIsRecordedFailedOnceAsync(HttpClient client, string version)
    {
        var fields = string.Concat(Enumerable.Range(0, 1400).Select(i => string.Create(CultureInfo.InvariantCulture, $"\"unknown{i:0000}\": 1, ")));
        var manifest = Manifest(version).Replace("{", "{" + fields, StringComparison.Ordinal);

        var first = await PushAsync(client, version, manifest);
        var again = await PushAsync(client, version, manifest);
        var recorded = JsonDocument.Parse(await client.GetStringAsync($"/api/models/iris/versions/{version}")).RootElement;

        var pattern = @"^model\.json is not valid:\n\$\.unknown0000: Unknown field 'unknown0000' in \$.*\n… and 1,3\d\d more lines \([\d,]+ characters\) not recorded\.$";
        var body = await ErrorShape.AssertAsync(first, 422, pattern, "message", "path", "registration", "size");
        var message = body.GetProperty("error").GetString();
        Assert.Equal(("failed", message), (body.GetProperty("registration").GetString(), body.GetProperty("message").GetString()));
        Assert.Equal(message, (await ErrorShape.AssertAsync(again, 422, pattern, "message", "path", "registration", "size")).GetProperty("error").GetString());
        Assert.Equal(("failed", message), (recorded.GetProperty("status").GetString(), recorded.GetProperty("failureReason").GetString()));
    }
}
