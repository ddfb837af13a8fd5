using System.Globalization;
using System.Text.Json;
using Cloud.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Cloud.Functions.Tests;

/// <summary>
/// The HTTP functions, called with real ASP.NET Core requests, answer exactly as the local host does for the same
/// requests — every protocol, dotted versions and `:predict` included, errors in the same shape — because they hand
/// them to the same endpoint table. Both run on the same Azurite stores; the version is registered by the blob trigger.
/// </summary>
public sealed class HttpFunctionsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string TwoRows = """{"instances": [[5.1, 3.5, 1.4, 0.2], [4.9, 3.0, 1.4, 0.2]]}""";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly DirectoryInfo _localData = Directory.CreateTempSubdirectory("cloud-local-");
    private FunctionsApp _app = null!;
    private WebApplication _local = null!;
    private HttpClient _localClient = null!;

    public async Task InitializeAsync()
    {
        _app = await FunctionsApp.StartAsync(azurite, _suffix);
        foreach (var file in new[] { "model.onnx", "validation.csv" })
        {
            await _app.UploadAndTriggerAsync($"iris/1.0.0/{file}", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, file)));
        }

        await _app.UploadAndTriggerAsync("iris/1.0.0/model.json", System.Text.Encoding.UTF8.GetBytes(SampleModels.IrisManifest()));

        _local = CloudHost.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            foreach (var (key, value) in FunctionsApp.StoreSettings(azurite, _suffix))
            {
                builder.Configuration[key] = value;
            }

            builder.Configuration["Cloud:Storage:DataDirectory"] = _localData.FullName;
            builder.Configuration["Cloud:Jobs:RunJobs"] = "false";
        });
        await _local.StartAsync();
        _localClient = _local.GetTestClient();
        await Eventually.TrueAsync(async () => (await _localClient.GetAsync("/v2/health/ready")).IsSuccessStatusCode, "the local host to be ready");
        await Eventually.TrueAsync(async () => (await CallAsync("GET", "/v2/health/ready")).Status == 200, "the function app to be ready");
    }

    public async Task DisposeAsync()
    {
        _localClient.Dispose();
        await _local.StopAsync();
        await _local.DisposeAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _localData.Delete(recursive: true);
    }

    [Fact]
    public async Task PredictionsAreTheTrainersOwnProbabilities()
    {
        var answer = await CallAsync("POST", "/v1/models/iris:predict", TwoRows);

        Assert.Equal(200, answer.Status);
        Assert.Equal("1.0.0", answer.Headers["X-Cloud-Model-Version"]);
        // Independent expectation: numpy's float32 probabilities for the first two validation rows (expected.csv).
        var expected = File.ReadLines(Path.Combine(Repo.IrisFolder, "expected.csv")).Skip(1).Take(2)
            .Select(line => line.Split(',')[..3].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var predictions = JsonDocument.Parse(answer.Body).RootElement.GetProperty("predictions");
        for (var row = 0; row < 2; row++)
        {
            var probabilities = predictions[row].GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(expected[row], probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
        }
    }

    [Theory]
    [InlineData("POST", "/v1/models/iris:predict", TwoRows)]
    [InlineData("POST", "/v1/models/iris/versions/1.0.0:predict", TwoRows)]
    [InlineData("POST", "/v1/models/iris:predict", """{"inputs": {"features": [[6.7, 3.0, 5.2, 2.3]]}}""")]
    [InlineData("GET", "/v1/models/iris", null)]
    [InlineData("GET", "/v1/models/iris/versions/1.0.0", null)]
    [InlineData("GET", "/v1/models/iris/metadata", null)]
    [InlineData("POST", "/v2/models/iris/infer", """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""")]
    [InlineData("POST", "/v2/models/iris/versions/1.0.0/infer", """{"id": "a", "inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]}]}""")]
    [InlineData("GET", "/v2", null)]
    [InlineData("GET", "/v2/models/iris", null)]
    [InlineData("GET", "/v2/models/iris/versions/1.0.0", null)]
    [InlineData("GET", "/v2/models/iris/versions/1.0.0/ready", null)]
    [InlineData("GET", "/v2/health/live", null)]
    [InlineData("GET", "/api/models/iris/versions/1.0.0", null)]
    [InlineData("GET", "/api/models", null)]
    [InlineData("GET", "/ui/", null)]
    [InlineData("GET", "/ui/js/app.js", null)]
    [InlineData("GET", "/ui/nothing.js", null)]
    // Errors: the same status and the same error shape.
    [InlineData("POST", "/v1/models/iris:predict", """{"instances": [[5.1, 3.5, 1.4]]}""")]
    [InlineData("POST", "/v1/models/iris:predict", """{"instances": """)]
    [InlineData("POST", "/v1/models/iris/versions/9.9.9:predict", TwoRows)]
    [InlineData("GET", "/v1/models/nope", null)]
    [InlineData("POST", "/v2/models/iris/infer", """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]}""")]
    [InlineData("GET", "/api/models/iris/versions/1.0.0..", null)]
    [InlineData("DELETE", "/v1/models/iris", null)]
    public async Task EveryRouteAnswersAsTheLocalHostDoes(string method, string path, string? body)
    {
        var expected = await LocalAsync(method, path, body);

        var answer = await CallAsync(method, path, body);

        Assert.Equal((expected.Status, expected.ContentType, expected.Body), (answer.Status, answer.ContentType, answer.Body));
        Assert.Equal(expected.Headers.GetValueOrDefault("X-Cloud-Model-Version"), answer.Headers.GetValueOrDefault("X-Cloud-Model-Version"));
    }

    /// <summary>Through the function that owns the path's prefix, as the Functions host would route it.</summary>
    private Task<FunctionsApp.Answer> CallAsync(string method, string path, string? body = null)
    {
        Func<HttpFunctions, HttpRequest, Task> function = path switch
        {
            _ when path.StartsWith("/v2/health/", StringComparison.Ordinal) => (f, r) => f.Health(r),
            _ when path.StartsWith("/v1/", StringComparison.Ordinal) => (f, r) => f.TfServing(r),
            _ when path.StartsWith("/v2", StringComparison.Ordinal) => (f, r) => f.OipV2(r),
            _ when path.StartsWith("/ui", StringComparison.Ordinal) => (f, r) => f.Dashboard(r),
            _ => (f, r) => f.Management(r),
        };
        return _app.CallAsync(function, method, path, body, Admin(path));
    }

    private static (string, string)[] Admin(string path) =>
        path.StartsWith("/api/", StringComparison.Ordinal) ? [("X-Cloud-Admin-Key", FunctionsApp.AdminKey)] : [];

    [Fact]
    public async Task TheManagementApiRefusesACallWithoutTheAdminKey()
    {
        // A function key got the request to the worker; on loopback, only the admin key tells who called.
        var answer = await _app.CallAsync((f, r) => f.Management(r), "GET", "/api/models");

        Assert.Equal((401, "{\"error\":\"The management API needs the admin key (header X-Cloud-Admin-Key).\"}"), (answer.Status, answer.Body));
    }

    private async Task<FunctionsApp.Answer> LocalAsync(string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in Admin(path))
        {
            request.Headers.Add(name, value);
        }

        using var response = await _localClient.SendAsync(request);
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new FunctionsApp.Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(), headers);
    }
}
