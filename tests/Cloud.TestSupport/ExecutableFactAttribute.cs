namespace Cloud.TestSupport;

/// <summary>
/// A fact that drives a program users have (the Azure CLI, say): skipped, with a reason naming the Debian package to
/// install, where the executable is not on PATH. CI installs them (.ci/run); the skip is for a machine without them.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ExecutableFactAttribute : FactAttribute
{
    public ExecutableFactAttribute(string executable, string debianPackage)
    {
        if (Find(executable) is null)
        {
            Skip = $"'{executable}' is not on PATH; apt-get install {debianPackage} to run this test";
        }
    }

    /// <summary>The executable's full path on PATH, or null.</summary>
    public static string? Find(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable)).FirstOrDefault(File.Exists);
}
