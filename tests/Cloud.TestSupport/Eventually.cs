namespace Cloud.TestSupport;

/// <summary>
/// Waits for something another thread or a background service brings about, and fails the test, saying what it
/// waited for, when it does not come within <see cref="TestTimeout"/>. A guard against hanging, not a
/// timing: no test relies on how long the wait takes.
/// </summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what) => TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TestTimeout.Value, $"timed out waiting for {what}");
            await Task.Delay(1);
        }
    }
}
