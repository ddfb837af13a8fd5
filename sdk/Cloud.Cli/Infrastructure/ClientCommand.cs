using Spectre.Console.Cli;

namespace Cloud.Cli.Infrastructure;

/// <summary>A command that talks to a host: failures become one error line and an exit code, in one place.</summary>
internal abstract class ClientCommand<TSettings>(CliEnvironment environment) : AsyncCommand<TSettings>
    where TSettings : ClientSettings
{
    protected CliEnvironment Environment { get; } = environment;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return ErrorReport.Write(error, Environment);
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);
}
