using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

public sealed class ManagementHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(("Cloud:Management:AdminKey", "s3cret"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task WithAnAdminKeyConfiguredEveryCallNeedsIt()
    {
        var without = await _host.Client.GetAsync("/api/models");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/models") { Headers = { { "X-Cloud-Admin-Key", "guess" } } };
        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/models") { Headers = { { "X-Cloud-Admin-Key", "s3cret" } } };
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/models") { Headers = { { "Authorization", "Bearer s3cret" } } };

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("The management API needs the admin key (header X-Cloud-Admin-Key).", await ServingHost.ErrorOfAsync(without));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Client.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task WithoutTheKeyAnInvalidNameIsStill401SoTheCallerLearnsNothing()
    {
        var answer = await _host.Client.GetAsync("/api/models/Iris");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("The management API needs the admin key (header X-Cloud-Admin-Key).", await ServingHost.ErrorOfAsync(answer));
    }

    [Fact]
    public async Task UploadingAFolderRegistersItAndABadManifestIs422WithTheReason()
    {
        Authorize();
        var good = await _host.PushFolderAsync("iris", "1.1.0", Repo.IrisFolder);
        var badResponse = await _host.Client.PutAsync("/api/models/iris/versions/1.2.0/files/model.json", new StringContent("{ \"name\": "));

        Assert.Contains("\"registration\":\"registered\"", good, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badResponse.StatusCode);
        var bad = JsonDocument.Parse(await badResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("failed", bad.GetProperty("registration").GetString());
        Assert.StartsWith("model.json is not valid:", bad.GetProperty("message").GetString(), StringComparison.Ordinal);
        var version = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/models/iris/versions/1.2.0")).RootElement;
        Assert.Equal("failed", version.GetProperty("status").GetString());
    }

    [Fact]
    public async Task LabelsPolicyAndRetirementFollowTheRegistryRules()
    {
        Authorize();
        await _host.PushFolderAsync("iris", "2.0.0", Repo.IrisFolder);

        var labelled = await _host.Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" });
        var label = JsonDocument.Parse(await labelled.Content.ReadAsStringAsync()).RootElement;
        var stale = await _host.Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "2.0.0", eTag = "W/\"nope\"" });
        var retireLabelled = await _host.Client.PostAsJsonAsync("/api/models/iris/versions/1.0.0/retire", new { reason = "old" });
        var badSplit = await _host.Client.PutAsJsonAsync("/api/models/iris/policy", new { traffic = new Dictionary<string, int> { ["stable"] = 70 } });
        var retireFree = await _host.Client.PostAsJsonAsync("/api/models/iris/versions/2.0.0/retire", new { reason = "bad canary" });
        var labelRetired = await _host.Client.PutAsJsonAsync("/api/models/iris/labels/canary", new { version = "2.0.0" });

        Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
        Assert.Equal("1.0.0", label.GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retireLabelled.StatusCode);
        Assert.Equal("iris 1.0.0 cannot become retired while label 'stable' points at it; move the label first.", await ServingHost.ErrorOfAsync(retireLabelled));
        Assert.Equal(HttpStatusCode.BadRequest, badSplit.StatusCode);
        Assert.Equal("Traffic weights must sum to 100; these sum to 70.", await ServingHost.ErrorOfAsync(badSplit));
        Assert.Equal(HttpStatusCode.OK, retireFree.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, labelRetired.StatusCode);
        Assert.Equal("Label 'canary' cannot point at iris 2.0.0: it is retired (bad canary).", await ServingHost.ErrorOfAsync(labelRetired));
    }

    [Fact]
    public async Task StatusShowsLoadedVersionsWithTheirBatchingStatistics()
    {
        Authorize();
        await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));

        var status = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement;

        var iris = status.GetProperty("loaded").EnumerateArray().Single(l => l.GetProperty("model").GetString() == "iris");
        Assert.Equal("available", iris.GetProperty("state").GetString());
        Assert.True(iris.GetProperty("batching").GetProperty("items").GetInt64() >= 1);
    }

    private void Authorize()
    {
        _host.Client.DefaultRequestHeaders.Remove("X-Cloud-Admin-Key");
        _host.Client.DefaultRequestHeaders.Add("X-Cloud-Admin-Key", "s3cret");
    }

}
