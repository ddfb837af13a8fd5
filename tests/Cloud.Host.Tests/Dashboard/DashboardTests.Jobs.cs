using System.Globalization;
using System.Text.Json;
using Cloud.Host.Tests.Http;

namespace Cloud.Host.Tests.Dashboard;

/// <summary>Jobs' pages: the list, a running job's log tail and curve growing live, charts holding their data, real jobs' pages.</summary>
public sealed partial class DashboardTests
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [ChromiumFact]
    public async Task AJobsCurveAndATuneJobsTrialsHoldAPointPerDatumWritten()
    {
        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/jobs");
        var jobs = (await fixture.Host.GetJsonAsync("/api/jobs")).GetProperty("jobs").GetArrayLength();
        await Expect(page.Page.Locator("table.jobs")).ToHaveAttributeAsync("data-count", Text(jobs));
        await Expect(page.Page.Locator($"tr[data-job={DashboardHost.TrainJob}]")).ToHaveAttributeAsync("data-status", "failed");

        await page.GoAsync($"#/jobs/{DashboardHost.TrainJob}");
        var loss = page.Page.Locator("[data-chart=curve-loss]");
        await Expect(loss).ToHaveAttributeAsync("data-points", Text(DashboardHost.CurvePoints));
        await Expect(page.Page.Locator("[data-chart=curve-accuracy]")).ToHaveAttributeAsync("data-points", Text(DashboardHost.CurvePoints));
        Assert.Equal(new[] { 10.0, 20, 30, 40, 50 }, await loss.EvaluateAsync<double[]>("box => box.uplot.data[0]"));
        var error = (await fixture.Host.GetJsonAsync($"/api/jobs/{DashboardHost.TrainJob}")).GetProperty("error").GetString()!;
        await Expect(page.Page.Locator("#log")).ToContainTextAsync(error);
        await Expect(page.Page.Locator("dd[data-field=error]")).ToHaveTextAsync(error);

        await page.GoAsync($"#/jobs/{DashboardHost.TuneJob}");
        var measured = Text(DashboardHost.Trials - DashboardHost.FailedTrials);
        await Expect(page.Page.Locator("[data-chart=trials-learning_rate]")).ToHaveAttributeAsync("data-points", measured);
        await Expect(page.Page.Locator("[data-chart=trials-l2]")).ToHaveAttributeAsync("data-points", measured);
        // Every trial trained 100 epochs: a fixed hyper-parameter is not drawn.
        await Expect(page.Page.Locator("[data-chart=trials-epochs]")).ToHaveCountAsync(0);
        Assert.Empty(page.Errors);
    }

    /// <summary>
    /// The trainer writes a line and a curve point only when the test lets it, so what the open page must show next is
    /// known: each line reaches the page through the runner's heartbeat and the page's own reads, with no reload; once
    /// the job ends the page shows the full log and the outcome, and reads no more.
    /// </summary>
    [ChromiumFact]
    public async Task ARunningJobsLogTailAndCurveGrowInTheOpenPageUntilItEnds()
    {
        const string id = "train-live";
        var run = await fixture.StartPacedJobAsync(id);
        try
        {
            await using var page = await fixture.OpenAsync();
            var reads = 0;
            page.Page.Request += (_, request) =>
            {
                if (new Uri(request.Url).AbsolutePath == $"/api/jobs/{id}")
                {
                    Interlocked.Increment(ref reads);
                }
            };
            run.Next();
            await page.GoAsync($"#/jobs/{id}");
            // Set once in this document: still there at the end means the page was never reloaded.
            await page.Page.EvaluateAsync("() => { window.cloudSameDocument = true; }");
            var log = page.Page.Locator("#log");
            var loss = page.Page.Locator("[data-chart=curve-loss]");
            await Expect(page.Page.Locator("dd[data-field=status]")).ToHaveTextAsync("running");
            await Expect(log).ToHaveAttributeAsync("data-live", "true");
            await Expect(log).ToContainTextAsync("progress 1");
            await Expect(loss).ToHaveAttributeAsync("data-points", "1");
            Assert.DoesNotContain("progress 2", await log.TextContentAsync(), StringComparison.Ordinal);

            run.Next();
            await Expect(log).ToContainTextAsync("progress 2");
            await Expect(loss).ToHaveAttributeAsync("data-points", "2");
            Assert.Equal(new[] { 1.0, 2 }, await loss.EvaluateAsync<double[]>("box => box.uplot.data[0]"));
            Assert.Equal(new[] { 100.0, 50 }, await loss.EvaluateAsync<double[]>("box => box.uplot.data[1]"));
            await Expect(page.Page.Locator("#cancel")).ToBeVisibleAsync();

            // It ends without a model: failed, with the runner's reason, and the full log in place of the tail.
            await fixture.EndPacedJobAsync(run);
            var job = await fixture.Host.GetJsonAsync($"/api/jobs/{id}");
            Assert.Equal("failed", job.GetProperty("status").GetString());
            await Expect(page.Page.Locator("dd[data-field=status]")).ToHaveTextAsync("failed");
            await Expect(page.Page.Locator("dd[data-field=error]")).ToHaveTextAsync(job.GetProperty("error").GetString()!);
            await Expect(log).ToHaveAttributeAsync("data-live", "false");
            await Expect(log).ToContainTextAsync("progress: the test ended the run");
            Assert.Contains("progress 2", await log.TextContentAsync(), StringComparison.Ordinal);
            await Expect(page.Page.Locator("#cancel")).ToBeHiddenAsync();
            Assert.True(await page.Page.EvaluateAsync<bool>("() => window.cloudSameDocument === true"), "the page was reloaded");

            // Stopped reading: no read of the job over three of the page's 2 s intervals (a wait for nothing to happen
            // has to last; every wait above is for something and ends when it comes).
            var readsAtEnd = Volatile.Read(ref reads);
            await page.Page.WaitForTimeoutAsync(6_500);
            Assert.Equal(readsAtEnd, Volatile.Read(ref reads));
            AssertOnlyMissingCurves(page);
        }
        finally
        {
            await fixture.EndPacedJobAsync(run);
        }
    }

    /// <summary>
    /// A running job's curve is a 404 until the runner first stores it (the page then draws none), which the browser
    /// logs as a failed load: the only console errors a running job's page may have.
    /// </summary>
    private static void AssertOnlyMissingCurves(DashboardPage page) =>
        Assert.All(page.Errors, e => Assert.Contains("status of 404", e, StringComparison.Ordinal));

    /// <summary>The docs' pictures of jobs: a real train job's log and curve, a real tune job's trials, both succeeded.</summary>
    [ChromiumFact("numpy", "onnx")]
    public async Task ARealTrainJobsCurveAndARealTuneJobsTrialsAreDrawnAsTheJobsWroteThem()
    {
        var train = await fixture.Host.GetJsonAsync($"/api/jobs/{DashboardHost.RealTrainJob}");
        var tune = await fixture.Host.GetJsonAsync($"/api/jobs/{DashboardHost.RealTuneJob}");
        Assert.True(train.GetProperty("status").GetString() == "succeeded", train.GetRawText());
        Assert.True(tune.GetProperty("status").GetString() == "succeeded", tune.GetRawText());

        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/jobs");
        await Expect(page.Page.Locator($"tr[data-job={DashboardHost.RealTrainJob}]")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Page.Locator($"tr[data-job={DashboardHost.RealTuneJob}]")).ToHaveAttributeAsync("data-status", "succeeded");
        await page.ScreenshotAsync("jobs");

        // The train job: its summary, its full log, and a chart per quantity of its curve with every point it wrote.
        await page.GoAsync($"#/jobs/{DashboardHost.RealTrainJob}");
        await Expect(page.Page.Locator("dd[data-field=status]")).ToHaveTextAsync("succeeded");
        await Expect(page.Page.Locator("dd[data-field=summary]")).ToHaveTextAsync(train.GetProperty("summary").GetString()!);
        var fullLog = await fixture.Api.GetStringAsync($"/api/jobs/{DashboardHost.RealTrainJob}/log");
        var lastTrainerLine = fullLog.Split('\n').Last(l => l.Contains("validation accuracy:", StringComparison.Ordinal));
        await Expect(page.Page.Locator("#log")).ToContainTextAsync(lastTrainerLine.Trim());
        var curve = (await fixture.Api.GetStringAsync($"/api/jobs/{DashboardHost.RealTrainJob}/curve"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(curve.Count >= 6, $"{curve.Count} curve points");
        var epochs = curve.Select(p => p.GetProperty("epoch").GetDouble()).ToArray();
        foreach (var quantity in curve[0].EnumerateObject().Where(p => p.Name != "epoch" && p.Value.ValueKind == JsonValueKind.Number).Select(p => p.Name))
        {
            var chart = page.Page.Locator($"[data-chart=\"curve-{quantity}\"]");
            await Expect(chart).ToHaveAttributeAsync("data-points", Text(curve.Count));
            Assert.Equal(epochs, await chart.EvaluateAsync<double[]>("box => box.uplot.data[0]"));
        }

        await page.ScreenshotAsync("job-curve");

        // The tune job: per hyper-parameter searched, a point per trial that was measured, at the metric it measured.
        await page.GoAsync($"#/jobs/{DashboardHost.RealTuneJob}");
        await Expect(page.Page.Locator("dd[data-field=status]")).ToHaveTextAsync("succeeded");
        var trials = (await fixture.Api.GetStringAsync($"/api/jobs/{DashboardHost.RealTuneJob}/trials"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(t => t.GetProperty("metric").ValueKind == JsonValueKind.Number).ToList();
        Assert.NotEmpty(trials);
        foreach (var name in new[] { "learning_rate", "l2" })
        {
            var chart = page.Page.Locator($"[data-chart=trials-{name}]");
            await Expect(chart).ToHaveAttributeAsync("data-points", Text(trials.Count));
            var drawn = await chart.EvaluateAsync<double[]>("box => box.uplot.data[1]");
            Assert.Equal(trials.Select(t => t.GetProperty("metric").GetDouble()).Order(), drawn.Order());
        }

        // The spec fixes epochs and seed: no chart for them.
        await Expect(page.Page.Locator("[data-chart=trials-epochs], [data-chart=trials-seed]")).ToHaveCountAsync(0);

        await page.ScreenshotAsync("job-trials");
        Assert.Empty(page.Errors);
    }
}
