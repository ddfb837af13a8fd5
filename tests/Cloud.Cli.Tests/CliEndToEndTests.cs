using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Cli.Tests;

/// <summary>`cloud` end to end against the real host: every verb, its exit code, and its --json output parsed.</summary>
public sealed class CliEndToEndTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private static readonly string IrisOnnx = Path.Combine(Repo.Root, "samples", "models", "iris", "model.onnx");

    [Fact]
    public async Task InitPushPredictLabelsAndTrafficWorkAndSpeakJson()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("cloud-cli-").FullName, "iris");

        var init = await fixture.RunAsync("init", IrisOnnx, "--name", "iris", "--version", "5.0.0", "--out", folder,
            "--features", "sepal_length,sepal_width,petal_length,petal_width", "--task", "classification", "--json");
        var push = await fixture.RunAsync("models", "push", folder, "--json");
        var byArgs = await fixture.RunAsync("predict", "iris", "5.1,3.5,1.4,0.2", "--version", "5.0.0", "--json");
        var byName = await fixture.RunAsync("predict", "iris", "sepal_length=6.7,sepal_width=3.0,petal_length=5.2,petal_width=2.3", "--version", "5.0.0", "--json");
        var csv = Path.Combine(folder, "..", "rows.csv");
        await File.WriteAllTextAsync(csv, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        var byCsv = await fixture.RunAsync("predict", "iris", "--file", csv, "--version", "5.0.0", "--json");
        var stable = await fixture.RunAsync("labels", "set", "iris", "stable", "1.0.0", "--json");
        var canary = await fixture.RunAsync("labels", "set", "iris", "canary", "5.0.0", "--json");
        var traffic = await fixture.RunAsync("traffic", "set", "iris", "stable=90", "canary=10", "--json");
        var viaLabel = await fixture.RunAsync("predict", "iris", "5.1,3.5,1.4,0.2", "--label", "canary", "--json");
        var list = await fixture.RunAsync("models", "ls", "--json");
        var show = await fixture.RunAsync("models", "show", "iris", "5.0.0", "--json");
        var cleared = await fixture.RunAsync("traffic", "set", "iris", "--json");
        var removed = await fixture.RunAsync("labels", "rm", "iris", "canary", "--json");
        var retired = await fixture.RunAsync("models", "retire", "iris", "5.0.0", "--reason", "replaced", "--json");
        var status = await fixture.RunAsync("status", "--json");

        Assert.All(new[] { init, push, byArgs, byName, byCsv, stable, canary, traffic, viaLabel, list, show, cleared, removed, retired, status },
            run => Assert.True(run.ExitCode == 0 && run.Error.Length == 0, $"exit {run.ExitCode}: {run.Error}"));
        Assert.Equal("features", init.Json.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.Equal("registered", push.Json.GetProperty("registration").GetString());
        Assert.Equal(("5.0.0", "version"), (byArgs.Json.GetProperty("version").GetString(), byArgs.Json.GetProperty("route").GetString()));
        // samples/models/iris/expected.csv: setosa (0) for 5.1, 3.5, 1.4, 0.2; samples/data/iris.csv row 147: virginica (2) for 6.7, 3.0, 5.2, 2.3.
        Assert.Equal(0, byArgs.Json.GetProperty("predictions")[0].GetProperty("label").GetInt32());
        Assert.Equal(2, byName.Json.GetProperty("predictions")[0].GetProperty("label").GetInt32());
        Assert.Equal([0, 2], byCsv.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetInt32()));
        Assert.Equal("5.0.0", canary.Json.GetProperty("version").GetString());
        Assert.False(string.IsNullOrEmpty(canary.Json.GetProperty("eTag").GetString()));
        Assert.Equal(90, traffic.Json.GetProperty("traffic").GetProperty("stable").GetInt32());
        Assert.Equal(10, traffic.Json.GetProperty("traffic").GetProperty("canary").GetInt32());
        Assert.Equal(("5.0.0", "label:canary"), (viaLabel.Json.GetProperty("version").GetString(), viaLabel.Json.GetProperty("route").GetString()));
        Assert.Contains(list.Json.EnumerateArray(), m => m.GetProperty("name").GetString() == "iris");
        Assert.Equal("registered", show.Json.GetProperty("status").GetString());
        Assert.Empty(cleared.Json.GetProperty("traffic").EnumerateObject());
        Assert.True(removed.Json.GetProperty("removed").GetBoolean());
        Assert.Equal("retired", retired.Json.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, status.Json.GetProperty("loaded").ValueKind);
    }

    [Fact]
    public async Task PredictCanSpeakTheOpenInferenceProtocolAsJsonBinaryOrGrpc()
    {
        var runs = new Dictionary<string, CliRun>();
        foreach (var protocol in new[] { "json", "binary", "grpc" })
        {
            string[] grpc = protocol == "grpc" ? ["--grpc-endpoint", fixture.Host.GrpcEndpoint.ToString()] : [];
            runs[protocol] = await fixture.RunAsync(["predict", "iris", "5.1,3.5,1.4,0.2", "6.7,3.0,5.2,2.3", "--protocol", protocol, "--input", "features", "--version", "1.0.0", "--json", .. grpc]);
        }

        var noInput = await fixture.RunAsync("predict", "iris", "5.1,3.5,1.4,0.2", "--protocol", "grpc");

        foreach (var (protocol, run) in runs)
        {
            Assert.True(run.ExitCode == 0 && run.Error.Length == 0, $"{protocol}: exit {run.ExitCode}: {run.Error}");
            // samples/models/iris/expected.csv: setosa (0) for 5.1, 3.5, 1.4, 0.2; samples/data/iris.csv row 147: virginica (2) for 6.7, 3.0, 5.2, 2.3.
            var label = run.Json.GetProperty("outputs").GetProperty("label");
            Assert.Equal("INT64", label.GetProperty("datatype").GetString());
            Assert.Equal([0L, 2L], label.GetProperty("data").EnumerateArray().Select(v => v.GetInt64()));
            Assert.Equal("1.0.0", run.Json.GetProperty("version").GetString());
        }

        Assert.NotEqual(0, noInput.ExitCode);
        Assert.Contains("--input", noInput.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobsAreSubmittedFollowedListedAndTheirLogsRead()
    {
        var followed = await fixture.RunAsync("jobs", "submit", "probe", "--spec", "{\"seconds\": 0}", "--id", "cli-probe-1", "--follow", "--json");
        var list = await fixture.RunAsync("jobs", "ls", "--status", "succeeded", "--json");
        var logs = await fixture.RunAsync("jobs", "logs", "cli-probe-1");
        var cancelFinished = await fixture.RunAsync("jobs", "cancel", "cli-probe-1");
        var text = await fixture.RunAsync("jobs", "follow", "cli-probe-1");

        Assert.Equal(0, followed.ExitCode);
        Assert.Equal("succeeded", followed.Json.GetProperty("status").GetString());
        Assert.Contains(list.Json.EnumerateArray(), j => j.GetProperty("id").GetString() == "cli-probe-1");
        Assert.Equal(0, logs.ExitCode);
        Assert.NotEmpty(logs.Out.Trim());
        Assert.Equal(1, cancelFinished.ExitCode);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Job cli-probe-1 succeeded", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowingAJobThatEndsCancelledIsExitCode6()
    {
        var submitted = await fixture.RunAsync("jobs", "submit", "probe", "--spec", "{\"seconds\": 600}", "--json");
        var id = submitted.Json.GetProperty("id").GetString()!;
        var cancelled = await fixture.RunAsync("jobs", "cancel", id, "--json");
        var followed = await fixture.RunAsync("jobs", "follow", id);
        var version = await fixture.RunAsync("--version");

        Assert.Equal((0, 0), (submitted.ExitCode, cancelled.ExitCode));
        Assert.Equal(6, followed.ExitCode);
        Assert.StartsWith($"error: Job {id} ended cancelled", followed.Error, StringComparison.Ordinal);
        Assert.EndsWith($" Its log: cloud jobs logs {id}\n", followed.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Single(followed.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("0.1.0", version.Out.Trim());
    }

    [Fact]
    public async Task PushShowsProgressOnATerminalAndNoneWhenRedirected()
    {
        var onTerminal = LoopbackHost.IrisFolder("6.0.0");
        var redirected = LoopbackHost.IrisFolder("6.0.1");

        var terminal = await fixture.RunAsync(terminal: true, "models", "push", onTerminal);
        var plain = await fixture.RunAsync(terminal: false, "models", "push", redirected);

        Assert.Equal((0, 0), (terminal.ExitCode, plain.ExitCode));
        Assert.Contains("100%", terminal.Out, StringComparison.Ordinal);
        Assert.Contains("push ", terminal.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("%", plain.Out, StringComparison.Ordinal);
        var total = Directory.GetFiles(redirected).Sum(f => new FileInfo(f).Length);
        Assert.Equal($"Pushed iris 6.0.1: registered ({total:N0} bytes sent).", plain.Out.Trim());
    }

    [Fact]
    public async Task CompletionScriptsNameEveryCommand()
    {
        var bash = await fixture.RunAsync("completion", "bash");
        var pwsh = await fixture.RunAsync("completion", "pwsh");
        var fish = await fixture.RunAsync("completion", "fish");

        Assert.Equal(0, bash.ExitCode);
        Assert.Contains("complete -o filenames -F _cloud cloud", bash.Out, StringComparison.Ordinal);
        Assert.Contains("models) COMPREPLY=($(compgen -W \"push ls show retire\"", bash.Out, StringComparison.Ordinal);
        Assert.Contains("'jobs' = @('submit', 'ls', 'logs', 'follow', 'cancel')", pwsh.Out, StringComparison.Ordinal);
        Assert.Equal((2, "error: No completion for shell 'fish'; choose bash, zsh or pwsh.\n"), (fish.ExitCode, fish.Error.ReplaceLineEndings("\n")));
    }
}
