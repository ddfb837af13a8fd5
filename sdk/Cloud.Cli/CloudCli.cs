using System.Reflection;
using Cloud.Cli.Commands;
using Cloud.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Cloud.Cli;

/// <summary>The `cloud` command tree, built once here for the tool, the tests and shell completion.</summary>
internal static class CloudCli
{
    /// <summary>Top-level commands and their subcommands (empty for a command without any), for completion and docs.</summary>
    public static IReadOnlyDictionary<string, string[]> Tree { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["init"] = [],
        ["models"] = ["push", "ls", "show", "retire"],
        ["labels"] = ["set", "rm"],
        ["traffic"] = ["set"],
        ["predict"] = [],
        ["jobs"] = ["submit", "ls", "logs", "follow", "cancel"],
        ["status"] = [],
        ["completion"] = ["bash", "zsh", "pwsh"],
    };

    public static IReadOnlyList<string> CommonOptions { get; } = ["--endpoint", "--admin-key", "--function-key", "--json", "--help"];

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(CliEnvironment), environment);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("cloud");
            config.SetApplicationVersion(typeof(CloudCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
            config.Settings.Console = environment.Console;
            config.Settings.CancellationExitCode = ExitCodes.Cancelled;
            // An option nobody defined is a mistake to report, not an argument to pass along.
            config.Settings.StrictParsing = true;
            // Parse errors (an unknown option, a missing argument) end like any other: one line, exit code 2.
            config.SetExceptionHandler((error, _) => ErrorReport.Write(error, environment));

            config.AddCommand<InitCommand>("init").WithDescription("Scaffold a model folder from an .onnx file (model.json from its signature).")
                .WithExample("init", "model.onnx", "--name", "iris", "--features", "sepal_length,sepal_width,petal_length,petal_width");
            config.AddBranch("models", models =>
            {
                models.SetDescription("Push, list, show and retire model versions.");
                models.AddCommand<ModelsPushCommand>("push").WithDescription("Upload a model folder (model.json last) and register it.");
                models.AddCommand<ModelsListCommand>("ls").WithDescription("List models, their versions, labels and traffic.");
                models.AddCommand<ModelsShowCommand>("show").WithDescription("Show a model, or one version in full.");
                models.AddCommand<ModelsRetireCommand>("retire").WithDescription("Retire a version for good.");
            });
            config.AddBranch("labels", labels =>
            {
                labels.SetDescription("Point labels at versions.");
                labels.AddCommand<LabelsSetCommand>("set").WithDescription("Point a label at a version.");
                labels.AddCommand<LabelsRemoveCommand>("rm").WithDescription("Remove a label.");
            });
            config.AddBranch("traffic", traffic =>
            {
                traffic.SetDescription("Split traffic between labels.");
                traffic.AddCommand<TrafficSetCommand>("set").WithDescription("Set the split: cloud traffic set iris stable=90 canary=10.");
            });
            config.AddCommand<PredictCommand>("predict").WithDescription("Predict from arguments, a CSV file or a JSON body.")
                .WithExample("predict", "iris", "5.1,3.5,1.4,0.2");
            config.AddBranch("jobs", jobs =>
            {
                jobs.SetDescription("Submit, list, follow and cancel jobs.");
                jobs.AddCommand<JobsSubmitCommand>("submit").WithDescription("Submit a job (validate, probe, promote).");
                jobs.AddCommand<JobsListCommand>("ls").WithDescription("List jobs, newest first.");
                jobs.AddCommand<JobsLogsCommand>("logs").WithDescription("Print a job's log.");
                jobs.AddCommand<JobsFollowCommand>("follow").WithDescription("Follow a job until it ends.");
                jobs.AddCommand<JobsCancelCommand>("cancel").WithDescription("Cancel a job.");
            });
            config.AddCommand<StatusCommand>("status").WithDescription("The host's loaded versions and traffic.");
            config.AddCommand<CompletionCommand>("completion").WithDescription("Print a shell completion script (bash, zsh, pwsh).");
        });
        return await app.RunAsync(args);
    }
}
