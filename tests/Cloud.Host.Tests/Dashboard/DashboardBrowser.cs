using Microsoft.Playwright;

namespace Cloud.Host.Tests.Dashboard;

/// <summary>
/// Debian's Chromium under Playwright, headless, one per test class. A page opened here records every console error
/// and uncaught exception, which the tests assert on; screenshots go to docs/images with CLOUD_SCREENSHOTS=1 (to
/// refresh docs/dashboard.md's pictures), else to a temporary folder, so a test run never changes the work tree.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("CLOUD_SCREENSHOTS") == "1"
        ? Repo.File("docs", "images")
        : Directory.CreateTempSubdirectory("cloud-dashboard-").FullName;

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        // The package's driver must not try to fetch a browser of its own: the executable is Debian's.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        // The host and the browser share two cores with whatever else CI runs: the 5 s Playwright waits by default
        // are a normal page load there, not a failure.
        Assertions.SetDefaultExpectTimeout(20_000);
        var args = new List<string> { "--disable-gpu", "--disable-dev-shm-usage" };
        // Chromium refuses to run as root with its sandbox; CI runs as root in a throwaway machine.
        if (Environment.UserName == "root")
        {
            args.Add("--no-sandbox");
        }

        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumFactAttribute.Executable, Headless = true, Args = args });
        return new DashboardBrowser(playwright, browser);
    }

    /// <summary>A page in a fresh context (its own sessionStorage); with <paramref name="adminKey"/>, the page starts with it as an operator would have typed it.</summary>
    public async Task<DashboardPage> OpenAsync(string baseUrl, string? adminKey)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        if (adminKey is not null)
        {
            await context.AddInitScriptAsync($"sessionStorage.setItem('cloud.adminKey', {System.Text.Json.JsonSerializer.Serialize(adminKey)});");
        }

        context.SetDefaultTimeout(30_000);
        return new DashboardPage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A dashboard page with the console errors and uncaught exceptions it has had.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add($"uncaught: {error}");
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Goes to a view (#/models, #/models/iris, #/jobs/…) and waits until it has rendered.</summary>
    public async Task GoAsync(string hash)
    {
        // A change of hash alone re-renders in place: mark the view stale first, so the wait is for the new one.
        await Page.EvaluateAsync("() => document.getElementById('view')?.setAttribute('data-ready', 'false')");
        await Page.GotoAsync($"/ui/{hash}");
        await Assertions.Expect(Page.Locator("#view")).ToHaveAttributeAsync("data-ready", "true");
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.ScreenshotFolder, $"dashboard-{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
