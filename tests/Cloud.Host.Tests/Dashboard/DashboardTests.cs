using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloud.Host.Tests.Http;
using Microsoft.Playwright;

namespace Cloud.Host.Tests.Dashboard;

/// <summary>
/// The dashboard at /ui in Debian's Chromium against the real host on loopback (<see cref="DashboardHost"/>): what the
/// pages show is what the API holds, the charts carry a point per datum seeded, operator actions reach the registry,
/// and refusals (a stale ETag, a missing key) are shown with the server's own sentence.
/// </summary>
public sealed class DashboardTests(DashboardHost fixture) : IClassFixture<DashboardHost>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [ChromiumFact]
    public async Task TheModelsPageShowsEveryVersionItsLabelsRoutesAndSplit()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/models");
        var model = await fixture.Host.GetJsonAsync("/api/models/iris");
        var card = page.Page.Locator("section[data-model=iris]");

        var versions = model.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        foreach (var version in versions)
        {
            var row = card.Locator($"table.versions tr[data-version=\"{version.GetProperty("version").GetString()}\"]");
            await Expect(row.Locator("td").Nth(1)).ToContainTextAsync(version.GetProperty("status").GetString()!);
            await Expect(row.Locator("td").Nth(2)).ToHaveAttributeAsync("title", version.GetProperty("sha256").GetString()!);
        }

        // The registry's labels and the version routing serves for each now.
        var routing = model.GetProperty("routing").GetProperty("labels");
        foreach (var label in model.GetProperty("labels").EnumerateArray())
        {
            var name = label.GetProperty("label").GetString()!;
            var row = card.Locator($"tr[data-label={name}]");
            await Expect(row.Locator("[data-registry]")).ToHaveTextAsync(label.GetProperty("version").GetString()!);
            await Expect(row.Locator("[data-route]")).ToHaveTextAsync(routing.GetProperty(name).GetString()!);
        }

        await Expect(card.Locator(".split")).ToHaveAttributeAsync("data-segments", "2");
        await Expect(card.Locator(".split span[data-label=stable]")).ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex("width: 80%"));
        await Expect(card.Locator(".split span[data-label=canary]")).ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex("width: 20%"));
        await page.ScreenshotAsync("models");
        Assert.Empty(page.Errors);
    }

    [ChromiumFact]
    public async Task TheModelPageDrawsTheLastHourTheLoadMadeAndTheValidationAgainstThresholds()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/models/iris");
        var view = page.Page.Locator("#view");

        // A point per minute of the hour, a series per version; the requests drawn add up to the load sent.
        var requests = view.Locator("[data-chart=requests]");
        await Expect(requests).ToHaveAttributeAsync("data-sum", (DashboardHost.ToStable + DashboardHost.ToCanary + DashboardHost.BadToCanary).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("60", "2"), (await requests.GetAttributeAsync("data-points"), await requests.GetAttributeAsync("data-series")));
        Assert.Equal(60, await requests.EvaluateAsync<int>("box => box.uplot.data[0].length"));

        // 5xx and 4xx per version: the only errors are canary's two 400s, all in the one minute the load ran in
        // (or split over two, when it straddled a minute: then each minute's share still sums with its requests).
        var errors = view.Locator("[data-chart=errors]");
        await Expect(errors).ToHaveAttributeAsync("data-series", "4");
        var canaryPercent4xx = await errors.EvaluateAsync<double?[]>("box => box.uplot.data[4]");
        var canaryRequests = await requests.EvaluateAsync<double[]>("box => box.uplot.data[2]");
        Assert.Equal((double)(DashboardHost.ToCanary + DashboardHost.BadToCanary), canaryRequests.Sum());
        Assert.Equal(DashboardHost.BadToCanary, canaryPercent4xx.Select((percent, minute) => (percent ?? 0) * canaryRequests[minute] / 100).Sum(), 6);
        Assert.Equal(0, await errors.EvaluateAsync<double>("box => box.uplot.data[1].concat(box.uplot.data[2]).reduce((a, v) => a + (v ?? 0), 0)"));
        await Expect(view.Locator("[data-chart=latency]")).ToHaveAttributeAsync("data-series", "4");

        // Batch sizes of each loaded version: the bars add up to the batches /api/status counts for it.
        var status = await fixture.Host.GetJsonAsync("/api/status");
        foreach (var loaded in status.GetProperty("loaded").EnumerateArray().Where(l => l.GetProperty("model").GetString() == "iris" && l.GetProperty("batching").ValueKind == JsonValueKind.Object))
        {
            var batches = view.Locator($"[data-chart=\"batches-{loaded.GetProperty("version").GetString()}\"]");
            var counted = loaded.GetProperty("batching").GetProperty("batches").GetInt64();
            Assert.True(counted >= DashboardHost.ToCanary);
            await Expect(batches).ToHaveAttributeAsync("data-sum", counted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Both versions validated on accuracy: a point each, against the threshold their model.json sets.
        var accuracy = view.Locator("[data-chart=metric-accuracy]");
        await Expect(accuracy).ToHaveAttributeAsync("data-points", "2");
        Assert.Equal(new[] { 0.9, 0.9 }, await accuracy.EvaluateAsync<double[]>("box => box.uplot.data[2]"));
        var measured = (await fixture.Host.GetJsonAsync("/api/models/iris/versions/1.1.0/metrics")).GetProperty("metrics")[0].GetProperty("metrics").GetProperty("accuracy").GetDouble();
        Assert.Equal(measured, (await accuracy.EvaluateAsync<double[]>("box => box.uplot.data[1]"))[1], 6);

        var promotions = 0;
        foreach (var version in new[] { "1.0.0", "1.1.0" })
        {
            promotions += (await fixture.Host.GetJsonAsync($"/api/models/iris/versions/{version}/promotions")).GetProperty("promotions").GetArrayLength();
        }

        Assert.Equal(1, promotions);
        await Expect(view.Locator("#promotions")).ToHaveAttributeAsync("data-count", promotions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ScreenshotAsync("model");
        Assert.Empty(page.Errors);
    }

    [ChromiumFact]
    public async Task AJobsCurveGrowsAsItIsWrittenAndATuneJobsTrialsAreAScatter()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/jobs");
        var jobs = (await fixture.Host.GetJsonAsync("/api/jobs")).GetProperty("jobs").GetArrayLength();
        await Expect(page.Page.Locator("table.jobs")).ToHaveAttributeAsync("data-count", jobs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Page.Locator($"tr[data-job={DashboardHost.TrainJob}]")).ToHaveAttributeAsync("data-status", "failed");
        await page.ScreenshotAsync("jobs");

        await page.GoAsync($"#/jobs/{DashboardHost.TrainJob}");
        var loss = page.Page.Locator("[data-chart=curve-loss]");
        await Expect(loss).ToHaveAttributeAsync("data-points", DashboardHost.CurvePoints.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Page.Locator("[data-chart=curve-accuracy]")).ToHaveAttributeAsync("data-points", DashboardHost.CurvePoints.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var error = (await fixture.Host.GetJsonAsync($"/api/jobs/{DashboardHost.TrainJob}")).GetProperty("error").GetString()!;
        await Expect(page.Page.Locator("#log")).ToContainTextAsync(error);
        await Expect(page.Page.Locator("dd[data-field=error]")).ToHaveTextAsync(error);

        // The trainer writes three more points: the open page draws them at its next read.
        await fixture.WriteCurveAsync(DashboardHost.CurvePoints + 3);
        await Expect(loss).ToHaveAttributeAsync("data-points", (DashboardHost.CurvePoints + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new[] { 10.0, 20, 30, 40, 50, 60, 70, 80 }, await loss.EvaluateAsync<double[]>("box => box.uplot.data[0]"));
        await page.ScreenshotAsync("job-curve");

        await page.GoAsync($"#/jobs/{DashboardHost.TuneJob}");
        var measured = (DashboardHost.Trials - DashboardHost.FailedTrials).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Page.Locator("[data-chart=trials-learning_rate]")).ToHaveAttributeAsync("data-points", measured);
        await Expect(page.Page.Locator("[data-chart=trials-l2]")).ToHaveAttributeAsync("data-points", measured);
        await Expect(page.Page.Locator("[data-chart=trials-epochs]")).ToHaveAttributeAsync("data-points", measured);
        await page.ScreenshotAsync("job-trials");
        Assert.Empty(page.Errors);
    }

    [ChromiumFact]
    public async Task AQueuedJobCancelledInThePageIsCancelled()
    {
        var id = await fixture.SoakJobAsync();
        Assert.NotNull(id);
        await using var page = await fixture.OpenAsync();
        await page.GoAsync($"#/jobs/{id}");
        await Expect(page.Page.Locator("dd[data-field=status]")).ToHaveTextAsync("queued");

        await page.Page.ClickAsync("#cancel");

        await Expect(page.Page.Locator("#flash")).ToHaveTextAsync($"{id} is cancelled.");
        Assert.Equal("cancelled", (await fixture.Host.GetJsonAsync($"/api/jobs/{id}")).GetProperty("status").GetString());
        await Expect(page.Page.Locator("dd[data-field=status]")).ToHaveTextAsync("cancelled");
        await Expect(page.Page.Locator("#cancel")).ToBeHiddenAsync();
        Assert.Empty(page.Errors);
    }

    [ChromiumFact]
    public async Task ALabelMovedInThePageReachesTheRegistryAndThePageShowsTheNewRoute()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/models/iris");
        try
        {
            await page.Page.SelectOptionAsync("#move-label select[name=label]", "canary");
            await page.Page.SelectOptionAsync("#move-label select[name=version]", "1.0.0");
            await page.Page.ClickAsync("#move-label button");

            await Expect(page.Page.Locator("#flash")).ToHaveTextAsync("canary now points at 1.0.0.");
            var labels = (await fixture.Host.GetJsonAsync("/api/models/iris")).GetProperty("labels").EnumerateArray();
            Assert.Equal("1.0.0", labels.Single(l => l.GetProperty("label").GetString() == "canary").GetProperty("version").GetString());
            await Expect(page.Page.Locator("tr[data-label=canary] [data-route]")).ToHaveTextAsync("1.0.0");
            await page.ScreenshotAsync("label-moved");
            Assert.Empty(page.Errors);
        }
        finally
        {
            (await fixture.Api.PutAsJsonAsync("/api/models/iris/labels/canary", new { version = "1.1.0" })).EnsureSuccessStatusCode();
        }
    }

    [ChromiumFact]
    public async Task AMoveWithAStaleETagShowsTheServersConflictAndChangesNothing()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/models/iris");
        var read = (await fixture.Host.GetJsonAsync("/api/models/iris")).GetProperty("labels").EnumerateArray()
            .Single(l => l.GetProperty("label").GetString() == "stable").GetProperty("eTag").GetString();

        // Someone else moves stable after the page read it, and back: same version, new ETag.
        (await fixture.Api.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.1.0" })).EnsureSuccessStatusCode();
        (await fixture.Api.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" })).EnsureSuccessStatusCode();
        using var stale = await fixture.Api.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.1.0", eTag = read });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var message = await ServingHost.ErrorOfAsync(stale);

        await page.Page.SelectOptionAsync("#move-label select[name=label]", "stable");
        await page.Page.SelectOptionAsync("#move-label select[name=version]", "1.1.0");
        await page.Page.ClickAsync("#move-label button");

        var flash = page.Page.Locator("#flash");
        await Expect(flash).ToHaveAttributeAsync("data-status", "412");
        await Expect(flash).ToHaveClassAsync("conflict");
        await Expect(flash).ToContainTextAsync(message!);
        await Expect(flash).ToContainTextAsync("Conflict");
        var stable = (await fixture.Host.GetJsonAsync("/api/models/iris")).GetProperty("labels").EnumerateArray().Single(l => l.GetProperty("label").GetString() == "stable");
        Assert.Equal("1.0.0", stable.GetProperty("version").GetString());
        await page.ScreenshotAsync("conflict");
        Assert.All(page.Errors, e => Assert.Contains("status of 412", e, StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task ASplitSetInThePageReachesThePolicyAndAStaleOneShowsTheConflict()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/models/iris");
        try
        {
            await page.Page.FillAsync("#set-split input[name=stable]", "50");
            await page.Page.FillAsync("#set-split input[name=canary]", "50");
            await page.Page.ClickAsync("#set-split button");

            await Expect(page.Page.Locator("#flash")).ToHaveTextAsync("The split is now canary 50%, stable 50%.");
            var traffic = (await fixture.Host.GetJsonAsync("/api/models/iris")).GetProperty("policy").GetProperty("traffic");
            Assert.Equal((50, 50), (traffic.GetProperty("stable").GetInt32(), traffic.GetProperty("canary").GetInt32()));
            await Expect(page.Page.Locator(".split span[data-label=stable]")).ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex("width: 50%"));
            Assert.Empty(page.Errors);

            // The policy changes elsewhere; the page still holds the ETag it read after its own change.
            (await fixture.Api.PutAsJsonAsync("/api/models/iris/policy", new { traffic = new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 } })).EnsureSuccessStatusCode();
            await page.Page.FillAsync("#set-split input[name=stable]", "70");
            await page.Page.FillAsync("#set-split input[name=canary]", "30");
            await page.Page.ClickAsync("#set-split button");

            var flash = page.Page.Locator("#flash");
            await Expect(flash).ToHaveAttributeAsync("data-status", "412");
            await Expect(flash).ToContainTextAsync("Conflict");
            traffic = (await fixture.Host.GetJsonAsync("/api/models/iris")).GetProperty("policy").GetProperty("traffic");
            Assert.Equal((90, 10), (traffic.GetProperty("stable").GetInt32(), traffic.GetProperty("canary").GetInt32()));
            Assert.All(page.Errors, e => Assert.Contains("status of 412", e, StringComparison.Ordinal));
        }
        finally
        {
            (await fixture.Api.PutAsJsonAsync("/api/models/iris/policy", new { traffic = new Dictionary<string, int> { ["stable"] = 80, ["canary"] = 20 } })).EnsureSuccessStatusCode();
        }
    }

    [ChromiumFact]
    public async Task WithoutTheAdminKeyThePageShowsTheServersRefusalAndAnActionIsRefused()
    {
        using var bare = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        using var refused = await bare.GetAsync("/api/models");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var message = await ServingHost.ErrorOfAsync(refused);

        await using var page = await fixture.OpenAsync(adminKey: null);
        await page.GoAsync("#/models");
        var flash = page.Page.Locator("#flash");
        await Expect(flash).ToHaveAttributeAsync("data-status", "401");
        await Expect(flash).ToContainTextAsync(message!);
        await page.ScreenshotAsync("no-key");

        // With the key typed in, the page reads; with it gone again, a label move is refused with the same sentence.
        await page.Page.FillAsync("#admin-key", DashboardHost.AdminKey);
        await page.Page.ClickAsync("#keys button");
        await Expect(page.Page.Locator("section[data-model=iris]")).ToBeVisibleAsync();
        await page.GoAsync("#/models/iris");
        await page.Page.EvaluateAsync("() => sessionStorage.removeItem('cloud.adminKey')");
        await page.Page.SelectOptionAsync("#move-label select[name=label]", "canary");
        await page.Page.SelectOptionAsync("#move-label select[name=version]", "1.0.0");
        await page.Page.ClickAsync("#move-label button");
        await Expect(flash).ToHaveAttributeAsync("data-status", "401");
        await Expect(flash).ToContainTextAsync(message!);
        var canary = (await fixture.Host.GetJsonAsync("/api/models/iris")).GetProperty("labels").EnumerateArray().Single(l => l.GetProperty("label").GetString() == "canary");
        Assert.Equal("1.1.0", canary.GetProperty("version").GetString());
        Assert.All(page.Errors, e => Assert.Contains("status of 401", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStaticFilesHaveTheirTypesAndCacheHeaders()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        using var redirect = await client.GetAsync("/ui");
        using var index = await client.GetAsync("/ui/");
        using var script = await client.GetAsync("/ui/js/app.js");
        using var vendor = await client.GetAsync("/ui/vendor/uplot-1.6.32/uPlot.iife.min.js");
        using var missing = await client.GetAsync("/ui/nothing.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/js/app.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using var notModified = await client.SendAsync(again);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ui/js/app.js"));

        Assert.Equal(HttpStatusCode.OK, index.StatusCode); // followed /ui → /ui/
        Assert.Equal("/ui/", redirect.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("text/html; charset=utf-8", index.Content.Headers.ContentType!.ToString());
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", script.Headers.CacheControl!.ToString());
        Assert.Equal("public, max-age=31536000, immutable", vendor.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal((HttpStatusCode.OK, (await script.Content.ReadAsByteArrayAsync()).Length, 0),
            (head.StatusCode, (int)head.Content.Headers.ContentLength!.Value, (await head.Content.ReadAsByteArrayAsync()).Length));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("The dashboard has no file 'nothing.js'.", await ServingHost.ErrorOfAsync(missing));
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
