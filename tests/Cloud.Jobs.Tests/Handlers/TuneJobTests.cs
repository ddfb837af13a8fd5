using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloud.Jobs.Handlers;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Tuning;
using Cloud.Registry.Registration;
using Cloud.Sdk.Jobs;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>
/// The tune job end to end on the embedded backends: trials run the trainer with drawn hyper-parameters, each ranked
/// on its validation data, every trial recorded and kept beside the job (never a version), the best uploaded as one
/// new version with its hyper-parameters as lineage; failed trials recorded and ranked last; bad specs refused.
/// </summary>
public sealed class TuneJobTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;
    private readonly DirectoryInfo _trainers = Directory.CreateTempSubdirectory("cloud-tune-trainers-");

    public TuneJobTests() => _jobs = new JobsHarness(_h);

    public async ValueTask DisposeAsync()
    {
        await _jobs.DisposeAsync(); // and the registry
        _trainers.Delete(recursive: true);
    }

    [PythonFact("numpy", "onnx")]
    public async Task SuccessiveHalvingOverTheLogregTrainerUploadsTheBestTrialAsOneVersion()
    {
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));

        // 6 configurations at 20 epochs, the best 2 at 60, the best 1 at 180: 9 trainer runs.
        var job = await TuneAsync("tune-iris", Repo.File("samples", "trainers"), """
            { "command": ["logreg/train.py"], "dataset": "data/iris.csv", "hyperParameters": { "seed": 7 },
              "space": { "learning_rate": { "type": "float", "min": 0.01, "max": 1, "log": true }, "l2": { "type": "float", "min": 0, "max": 0.01 } },
              "metric": "logloss", "budget": { "trials": 6 }, "strategy": { "name": "halving", "resource": "epochs", "min": 20, "max": 180 } }
            """);

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}");
        var trials = (await TextAsync(_jobs.Files, TuneJobHandler.TrialsPath("tune-iris"))).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal("6@20 2@60 1@180", string.Join(" ", trials.GroupBy(t => t["rung"]!.GetValue<int>()).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()}@{g.First()["hyperParameters"]!["epochs"]}")));
        Assert.All(trials, t => Assert.Equal("succeeded", t["status"]!.GetValue<string>()));
        // The last rung's one trial is the best; the two of rung 1 it came from are its configuration and another.
        var best = trials.Single(t => t["rung"]!.GetValue<int>() == 2);
        var rung1 = trials.Where(t => t["rung"]!.GetValue<int>() == 1).ToList();
        Assert.Contains(rung1, t => t["configuration"]!.GetValue<int>() == best["configuration"]!.GetValue<int>());
        // Rung 1 holds the two lowest losses of rung 0 (the survivors, by the metric's direction).
        var rung0 = trials.Where(t => t["rung"]!.GetValue<int>() == 0).OrderBy(t => t["metric"]!.GetValue<double>()).Take(2).Select(t => t["configuration"]!.GetValue<int>()).Order();
        Assert.Equal(rung0, rung1.Select(t => t["configuration"]!.GetValue<int>()).Order());

        // One version, the best trial's, with its hyper-parameters as lineage; trials are kept beside the job, not as versions.
        var versions = await _h.Registry.ListVersionsAsync("iris");
        Assert.Empty(versions); // not registered yet: uploaded, the scanner or blob trigger registers
        using var manifest = JsonDocument.Parse((await _h.Blobs.ReadAllBytesAsync("iris/1.0.0/model.json"))!);
        var lineage = manifest.RootElement.GetProperty("lineage");
        Assert.Equal("tune-iris", lineage.GetProperty("jobId").GetString());
        var recorded = JsonNode.Parse(lineage.GetProperty("hyperParameters").GetRawText())!.AsObject();
        Assert.All(best["hyperParameters"]!.AsObject(), p => Assert.Equal(p.Value!.ToJsonString(), recorded[p.Key]?.ToJsonString())); // the trainer may record its own beside them
        Assert.Null(await _h.Blobs.GetPropertiesAsync("iris/1.0.1/model.json"));
        Assert.NotNull(await _jobs.Files.GetPropertiesAsync("tune-iris/trials/1/output/model.onnx"));
        Assert.NotNull(await _jobs.Files.GetPropertiesAsync("tune-iris/trials/9/curve.jsonl"));

        // Independently: the uploaded version, registered and measured by the validation library, has the best trial's loss.
        Assert.Equal(RegistrationStatus.Registered, (await _h.Registration.RegisterAsync("iris/1.0.0/model.json")).Status);
        var outcome = await _h.Validator().ValidateAsync(new Cloud.Jobs.Evaluation.ValidationRequest((await _h.Registry.GetVersionAsync("iris", "1.0.0"))!,
            Spec: JsonSerializer.Deserialize<Cloud.Sdk.Manifests.ValidationSpec>("""{"dataset": "validation.csv", "labelColumn": "species", "metrics": ["logloss"]}""", JsonSerializerOptions.Web)));
        Assert.Equal(best["metric"]!.GetValue<double>(), outcome.Candidate.Metrics["logloss"], 9);
        Assert.StartsWith("Tuned iris: 9 trials (halving), 0 failed; best trial 9, logloss ", job.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedTrialsAreRecordedWithTheirReasonAndTheBestOfTheRestIsUploaded()
    {
        // The trainer refuses x below 5 (exit 3) and otherwise writes the iris sample: equal accuracy, so the first success wins.
        WriteCopyTrainer();
        var spec = """
            { "command": ["copy.sh", "IRIS"], "dataset": "data/iris.csv",
              "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "accuracy", "budget": { "trials": 8, "parallel": 2 }, "seed": 3 }
            """.Replace("IRIS", Repo.IrisFolder, StringComparison.Ordinal);
        var drawn = new Tuner(TuneJobHandler.Read(new JobMessage("t", JobKinds.Tune, "iris", null, JsonDocument.Parse(spec).RootElement, 1)).Tune,
            new Dictionary<string, JsonElement>(), TimeProvider.System).Draw().Select(d => d["x"]!.GetValue<long>()).ToList();
        Assert.Contains(drawn, x => x < 5);
        Assert.Contains(drawn, x => x >= 5);
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));

        var job = await TuneAsync("tune-some-fail", _trainers.FullName, spec);

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}");
        var trials = (await TextAsync(_jobs.Files, TuneJobHandler.TrialsPath("tune-some-fail"))).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()).ToDictionary(t => t["configuration"]!.GetValue<int>());
        for (var i = 0; i < drawn.Count; i++)
        {
            var trial = trials[i + 1];
            Assert.Equal(drawn[i], trial["hyperParameters"]!["x"]!.GetValue<long>());
            Assert.Equal(drawn[i] < 5 ? "failed" : "succeeded", trial["status"]!.GetValue<string>());
            if (drawn[i] < 5)
            {
                Assert.Equal("The trainer exited with code 3; its last error line: x is too small", trial["error"]!.GetValue<string>());
            }
        }

        var firstSuccess = drawn.FindIndex(x => x >= 5) + 1;
        using var manifest = JsonDocument.Parse((await _h.Blobs.ReadAllBytesAsync("iris/1.0.0/model.json"))!);
        Assert.Equal(drawn[firstSuccess - 1], manifest.RootElement.GetProperty("lineage").GetProperty("hyperParameters").GetProperty("x").GetInt64());
        Assert.Contains($"{drawn.Count(x => x < 5)} failed", job.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenEveryTrialFailsTheJobFailsNamingTheFirstError()
    {
        WriteCopyTrainer();
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));

        var job = await TuneAsync("tune-all-fail", _trainers.FullName, """
            { "command": ["copy.sh", "/nowhere"], "dataset": "data/iris.csv", "space": { "x": { "type": "int", "min": 0, "max": 4 } }, "metric": "accuracy", "budget": { "trials": 3 } }
            """);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("No trial of 3 succeeded; the first error: The trainer exited with code 3; its last error line: x is too small", job.Error);
        Assert.Null(await _h.Blobs.GetPropertiesAsync("iris/1.0.0/model.json"));
    }

    [Theory]
    [InlineData("""{ "command": ["t.sh"], "dataset": "d.csv", "metric": "accuracy" }""", "A tune job's search is not usable:\n\"space\" must be an object")]
    [InlineData("""{ "command": ["t.sh"], "dataset": "d.csv", "space": { "x": { "type": "int", "min": 0, "max": 1 } }, "metric": "speed" }""", "A tune job's search is not usable:\n\"metric\" is 'speed'")]
    [InlineData("""{ "dataset": "d.csv", "space": { "x": { "type": "int", "min": 0, "max": 1 } }, "metric": "accuracy" }""", "A train job's spec.command is the trainer's argv")]
    [InlineData("""{ "command": ["t.sh"], "dataset": "d.csv", "space": { "x": { "type": "int", "min": 0, "max": 1 } }, "metric": "accuracy", "trials": 5 }""", "A train job's spec has no field 'trials'")]
    public void ABadSpecIsRefusedAtSubmission(string spec, string expected)
    {
        var problem = _jobs.TuneHandler(_trainers.FullName).Check(new JobMessage("t", JobKinds.Tune, "iris", null, JsonDocument.Parse(spec).RootElement, 1));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    private void WriteCopyTrainer() => File.WriteAllText(Path.Combine(_trainers.FullName, "copy.sh"), """
        if [ "$CLOUD_HP_X" -lt 5 ]; then echo "x is too small" >&2; exit 3; fi
        cp "$1/model.onnx" "$1/validation.csv" "$1/model.json" "$CLOUD_OUTPUT/" || exit 4
        """.ReplaceLineEndings("\n") + "\n");

    private async Task<JobInfo> TuneAsync(string id, string trainersRoot, string spec)
    {
        await _jobs.StartRunnerAsync([_jobs.TuneHandler(trainersRoot)]);
        await _jobs.Submitter.SubmitAsync(new JobMessage(id, JobKinds.Tune, "iris", null, JsonDocument.Parse(spec).RootElement, 1), CancellationToken.None);
        return await _jobs.WaitForAsync(id, j => j.Status.IsFinished(), $"tune job {id} to finish");
    }

    private static async Task<string> TextAsync(Cloud.Storage.Blobs.IBlobStore store, string path) =>
        System.Text.Encoding.UTF8.GetString((await store.ReadAllBytesAsync(path) ?? throw new InvalidOperationException($"{path} is not there"))!);
}
