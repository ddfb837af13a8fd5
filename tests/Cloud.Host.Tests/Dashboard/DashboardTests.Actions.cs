using System.Net;
using System.Net.Http.Json;
using Cloud.Host.Tests.Http;

namespace Cloud.Host.Tests.Dashboard;

/// <summary>Retiring a version in the page, and the refusals of cancel and retire without the admin key.</summary>
public sealed partial class DashboardTests
{
    [ChromiumFact]
    public async Task AVersionRetiredInThePageIsRetiredWithItsReasonAndALabelledOneIsRefused()
    {
        // The registry's refusal for a version a label points at, as the API words it (it changes nothing).
        using var refused = await fixture.Api.PostAsJsonAsync("/api/models/iris/versions/1.0.0/retire", new { reason = "asked by the test" });
        Assert.False(refused.IsSuccessStatusCode);
        var refusal = await ServingHost.ErrorOfAsync(refused);

        await using var page = await fixture.OpenAsync();
        await page.GoAsync("#/models/iris");
        await page.Page.SelectOptionAsync("#retire select[name=retire]", "1.0.0");
        await page.Page.ClickAsync("#retire button");
        var flash = page.Page.Locator("#flash");
        await Expect(flash).ToHaveAttributeAsync("data-status", ((int)refused.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(flash).ToContainTextAsync(refusal!);
        Assert.Equal("validated", (await fixture.Host.GetJsonAsync("/api/models/iris/versions/1.0.0")).GetProperty("status").GetString());

        const string reason = "superseded by iris 1.1.0";
        await page.GoAsync($"#/models/{DashboardHost.RetireModel}");
        await page.Page.SelectOptionAsync("#retire select[name=retire]", "1.0.0");
        await page.Page.FillAsync("#retire input[name=reason]", reason);
        await page.Page.ClickAsync("#retire button");

        await Expect(flash).ToHaveTextAsync($"{DashboardHost.RetireModel} 1.0.0 is retired.");
        var version = await fixture.Host.GetJsonAsync($"/api/models/{DashboardHost.RetireModel}/versions/1.0.0");
        Assert.Equal(("retired", reason), (version.GetProperty("status").GetString(), version.GetProperty("failureReason").GetString()));
        var status = page.Page.Locator($"section[data-model={DashboardHost.RetireModel}] tr[data-version=\"1.0.0\"] td").Nth(1);
        await Expect(status).ToContainTextAsync("retired");
        await Expect(status).ToContainTextAsync(reason);
        Assert.All(page.Errors, e => Assert.Contains($"status of {(int)refused.StatusCode}", e, StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task WithoutTheAdminKeyCancelAndRetireShowTheServersRefusalAndChangeNothing()
    {
        using var bare = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        using var unauthorized = await bare.PostAsync("/api/jobs/none/cancel", null);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        var message = await ServingHost.ErrorOfAsync(unauthorized);

        const string id = "train-no-key";
        var run = await fixture.StartPacedJobAsync(id);
        try
        {
            // Each page is read with the key; the key is then gone (another tab cleared it) when the button is pressed.
            await using var page = await fixture.OpenAsync();
            var flash = page.Page.Locator("#flash");
            await page.GoAsync($"#/jobs/{id}");
            await Expect(page.Page.Locator("#cancel")).ToBeVisibleAsync();
            await page.Page.EvaluateAsync("() => sessionStorage.removeItem('cloud.adminKey')");
            await page.Page.ClickAsync("#cancel");
            await Expect(flash).ToHaveAttributeAsync("data-status", "401");
            await Expect(flash).ToContainTextAsync(message!);
            Assert.Equal("running", (await fixture.Host.GetJsonAsync($"/api/jobs/{id}")).GetProperty("status").GetString());

            await page.Page.EvaluateAsync($"() => sessionStorage.setItem('cloud.adminKey', '{DashboardHost.AdminKey}')");
            await page.GoAsync("#/models/iris");
            await page.Page.EvaluateAsync("() => sessionStorage.removeItem('cloud.adminKey')");
            await page.Page.SelectOptionAsync("#retire select[name=retire]", "1.1.0");
            await page.Page.ClickAsync("#retire button");
            await Expect(flash).ToHaveAttributeAsync("data-status", "401");
            await Expect(flash).ToContainTextAsync(message!);
            Assert.Equal("validated", (await fixture.Host.GetJsonAsync("/api/models/iris/versions/1.1.0")).GetProperty("status").GetString());
            Assert.All(page.Errors.Where(e => !e.Contains("status of 404", StringComparison.Ordinal)), e => Assert.Contains("status of 401", e, StringComparison.Ordinal));
        }
        finally
        {
            await fixture.EndPacedJobAsync(run);
        }
    }
}
