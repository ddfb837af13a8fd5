using Cloud.Cli;
using Spectre.Console;

// A short composition root: the real console for output, stderr for errors, the process's environment.
return await CloudCli.RunAsync(args, new CliEnvironment(AnsiConsole.Console, Console.Error, Environment.GetEnvironmentVariable));
