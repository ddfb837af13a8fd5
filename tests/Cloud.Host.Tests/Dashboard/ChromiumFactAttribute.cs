namespace Cloud.Host.Tests.Dashboard;

/// <summary>
/// A fact that drives Debian's Chromium through Playwright: skipped, with a reason naming the package, where
/// <see cref="Executable"/> is missing. CI installs it (.ci/run); Playwright's own browser download is never used
/// (it is not reachable from our machines, nor from many of our users' clusters).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable))
        {
            Skip = $"{Executable} is missing; apt-get install chromium to run the dashboard's browser tests";
        }
    }
}
