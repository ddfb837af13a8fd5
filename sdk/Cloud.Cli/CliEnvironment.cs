using Spectre.Console;

namespace Cloud.Cli;

/// <summary>
/// What a command may touch outside itself: the console it writes to, the writer for errors, and environment
/// variables. Tests pass a Spectre TestConsole and a StringWriter and run commands in-process.
/// </summary>
/// <param name="Console">Where output goes (and progress, when it is a terminal).</param>
/// <param name="Error">Where error lines go (stderr).</param>
/// <param name="Variable">Reads an environment variable.</param>
internal sealed record CliEnvironment(IAnsiConsole Console, TextWriter Error, Func<string, string?> Variable)
{
    /// <summary>The raw output writer: JSON for scripts is written here as is, never wrapped or styled.</summary>
    public TextWriter Out => Console.Profile.Out.Writer;

    /// <summary>Whether progress may be drawn: a terminal that can redraw, not a pipe or a file.</summary>
    public bool Interactive => Console.Profile.Capabilities.Interactive && Console.Profile.Capabilities.Ansi;
}
