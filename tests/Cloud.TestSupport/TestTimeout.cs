namespace Cloud.TestSupport;

/// <summary>Only a guard against a hung test; no test waits for it to pass.</summary>
public static class TestTimeout
{
    public static readonly TimeSpan Value = TimeSpan.FromSeconds(20);
}
