using System.Globalization;
using System.Text.Json;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Jobs;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>
/// Bad input to a train job — the dataset, the trainer, its output, its hyper-parameters, its command — each ends as a
/// failed job at its first attempt (retrying cannot fix any of it), with a reason that says what to fix, and takes no
/// version. The trainers here are small shell scripts written into a trainers root of the test's own.
/// </summary>
public sealed class TrainJobFailureTests : IAsyncDisposable
{
    private const string Iris = "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n";
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;
    private readonly DirectoryInfo _trainers = Directory.CreateTempSubdirectory("cloud-trainers-");
    private readonly DirectoryInfo _outside = Directory.CreateTempSubdirectory("cloud-outside-");

    public TrainJobFailureTests()
    {
        _jobs = new JobsHarness(_h);
    }

    public async ValueTask DisposeAsync()
    {
        await _jobs.DisposeAsync(); // and the registry
        _trainers.Delete(recursive: true);
        _outside.Delete(recursive: true);
    }

    [Fact]
    public async Task AMissingDatasetIsNamed()
    {
        Trainer("ok.sh", "exit 0");

        var job = await FailAsync(new { command = new[] { "ok.sh" }, dataset = "data/none.csv" });

        Assert.Equal($"Dataset 'data/none.csv' does not exist in the model store ({_h.Blobs.Description}).", job.Error);
    }

    [Fact]
    public async Task AnAbsentLabelColumnIsNamedWithTheColumnsThereAre()
    {
        Trainer("ok.sh", "exit 0");
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "ok.sh" }, dataset = "data/iris.csv", labelColumn = "label" });

        Assert.Equal("Dataset 'data/iris.csv' has no column 'label'; its columns are: sepal_length, sepal_width, petal_length, petal_width, species.", job.Error);
    }

    [Fact]
    public async Task AModelWhoseInputsNameColumnsTheDataLacksIsRefused()
    {
        Trainer("mismatch.sh", """
            printf 'not really onnx' > "$CLOUD_OUTPUT/model.onnx"
            printf '{"name": "x", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "inputs": {"features": {"featureNames": ["sepal_length", "petal_size"]}}}' > "$CLOUD_OUTPUT/model.json"
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "mismatch.sh" }, dataset = "data/iris.csv" });

        Assert.Equal("The trained model's input 'features' takes the features petal_size, which are not columns of dataset 'data/iris.csv' (its columns are: sepal_length, sepal_width, petal_length, petal_width, species); the model's inputs must match the data it was trained on.", job.Error);
    }

    [Fact]
    public async Task ATrainerThatExitsNonZeroIsToldByItsCodeAndLastErrorLine()
    {
        Trainer("fails.sh", """
            echo "loading the data"
            echo "warning: slow disk" >&2
            echo "RuntimeError: out of memory" >&2
            echo "still cleaning up"
            exit 3
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "fails.sh" }, dataset = "data/iris.csv" });

        Assert.Equal("The trainer exited with code 3; its last error line: RuntimeError: out of memory", job.Error);
        var log = await ReadTextAsync(JobFiles.LogPath(job.Id, 1));
        Assert.Contains("trainer stdout: loading the data", log, StringComparison.Ordinal);
        Assert.Contains("trainer stderr: warning: slow disk", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATrainerThatWritesNothingOrNoManifestHasWrittenNoModel()
    {
        Trainer("nothing.sh", "exit 0");
        Trainer("onnx-only.sh", "printf 'x' > \"$CLOUD_OUTPUT/model.onnx\"");
        await _h.PutTextAsync("data/iris.csv", Iris);

        var nothing = await FailAsync(new { command = new[] { "nothing.sh" }, dataset = "data/iris.csv" }, "train-nothing");
        var onnxOnly = await FailAsync(new { command = new[] { "onnx-only.sh" }, dataset = "data/iris.csv" }, "train-onnx-only");

        Assert.Equal("The trainer wrote no model: its output folder (CLOUD_OUTPUT) is empty. A trainer writes a model folder there: model.json and the model file it names.", nothing.Error);
        Assert.Equal("The trainer wrote no model.json into its output folder (CLOUD_OUTPUT), only model.onnx; a trainer writes the manifest beside the model file it names.", onnxOnly.Error);
    }

    [Fact]
    public async Task ATrainerOutputWithALinkIsRefusedAndNothingIsUploaded()
    {
        Trainer("links.sh", """
            printf 'x' > "$CLOUD_OUTPUT/model.onnx"
            printf '{"name": "x", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"}' > "$CLOUD_OUTPUT/model.json"
            mkdir "$CLOUD_OUTPUT/data"
            ln -s / "$CLOUD_OUTPUT/data/root"
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "links.sh" }, dataset = "data/iris.csv" });

        Assert.Equal("The trainer's output holds a link, 'data/root'; a model folder holds plain files only.", job.Error);
        Assert.Empty(await _h.Blobs.ListAsync("iris/").ToListAsync());
    }

    [Fact]
    public async Task ATrainerPastItsTimeoutIsKilledWithItsChildren()
    {
        var pidFile = Path.Combine(_outside.FullName, "child.pid");
        Trainer("hangs.sh", """
            sleep 300 &
            echo $! > "$CLOUD_HP_PIDFILE"
            sleep 300
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "hangs.sh" }, dataset = "data/iris.csv", timeout = 2, hyperParameters = new { pidFile } });

        Assert.Equal("The trainer ran past its timeout of 00:00:02 and was stopped, with every process it started.", job.Error);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        // Killed, not left running: gone, or a zombie that only waits for its new parent to reap it.
        await Eventually.TrueAsync(() => !File.Exists($"/proc/{child}/stat") || File.ReadAllText($"/proc/{child}/stat").Split(") ")[1].StartsWith('Z'),
            $"the trainer's child {child} to be killed");
    }

    [Theory]
    [InlineData("deep", "Hyper-parameter file 'hp/deep.json' is not a JSON object of hyper-parameters (an object of names to numbers, strings, booleans or flat arrays of those, nested at most 3 deep): ")]
    [InlineData("huge", "Hyper-parameter file 'hp/huge.json' is 70,000 bytes; the limit is 65,536.")]
    [InlineData("name", "Hyper-parameter file 'hp/name.json': hyper-parameter name '$(rm -rf ~)' is not valid: use 1 to 64 letters, digits or '_', starting with a letter (it becomes part of an environment variable's name).")]
    [InlineData("object", "Hyper-parameter file 'hp/object.json': hyper-parameter 'optimizer' must be a number, string, boolean or a flat array of those; it is an object.")]
    [InlineData("array", "Hyper-parameter file 'hp/array.json' must be a JSON object of names to values; it is an array.")]
    [InlineData("case", "Hyper-parameter file 'hp/case.json': hyper-parameters 'lr' and 'LR' differ only in case; both would be CLOUD_HP_LR.")]
    public async Task AHostileHyperParameterFileIsRefusedBeforeTheTrainerRuns(string kind, string expected)
    {
        var ran = Path.Combine(_outside.FullName, "ran");
        Trainer("records.sh", $"touch '{ran}'");
        await _h.PutTextAsync("data/iris.csv", Iris);
        await _h.PutTextAsync($"hp/{kind}.json", kind switch
        {
            "deep" => new string('[', 10_000) + new string(']', 10_000),
            "huge" => "{\"x\": \"" + new string('a', 70_000 - 9) + "\"}",
            "name" => """{"$(rm -rf ~)": 1}""",
            "object" => """{"optimizer": {"name": "adam"}}""",
            "array" => "[1, 2]",
            _ => """{"lr": 0.1, "LR": 0.2}""",
        });

        var job = await FailAsync(new { command = new[] { "records.sh" }, dataset = "data/iris.csv", hyperParametersFile = $"hp/{kind}.json" });

        Assert.StartsWith(expected, job.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(ran), "the trainer ran");
    }

    [Fact]
    public async Task ACommandOutsideTheTrainersRootIsRefused()
    {
        File.WriteAllText(Path.Combine(_outside.FullName, "evil.sh"), "exit 0");
        File.CreateSymbolicLink(Path.Combine(_trainers.FullName, "link.sh"), Path.Combine(_outside.FullName, "evil.sh"));
        Directory.CreateSymbolicLink(Path.Combine(_trainers.FullName, "linked"), _outside.FullName);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var dotDot = await FailAsync(new { command = new[] { "../evil.sh" }, dataset = "data/iris.csv" }, "train-dotdot");
        var absolute = await FailAsync(new { command = new[] { "/bin/sh", "-c", "exit 0" }, dataset = "data/iris.csv" }, "train-absolute");
        var fileLink = await FailAsync(new { command = new[] { "link.sh" }, dataset = "data/iris.csv" }, "train-file-link");
        var folderLink = await FailAsync(new { command = new[] { "linked/evil.sh" }, dataset = "data/iris.csv" }, "train-folder-link");

        Assert.Equal("The trainer '../evil.sh' is not a relative path inside the trainers root: name it as a path below Cloud:Jobs:TrainersRoot, such as \"logreg/train.py\", without '.', '..', '\\\\' or a leading '/'.", dotDot.Error);
        Assert.Equal("The trainer '/bin/sh' is not a relative path inside the trainers root: name it as a path below Cloud:Jobs:TrainersRoot, such as \"logreg/train.py\", without '.', '..', '\\\\' or a leading '/'.", absolute.Error);
        Assert.Equal("The trainer 'link.sh' goes through a link that leads out of the trainers root; trainers must live inside it.", fileLink.Error);
        Assert.Equal("The trainer 'linked/evil.sh' goes through a link that leads out of the trainers root; trainers must live inside it.", folderLink.Error);
    }

    [Fact]
    public async Task TheTrainerGetsTheContractsVariablesAndNoneOfTheHostsOthers()
    {
        Environment.SetEnvironmentVariable("CLOUD_TEST_HOST_SECRET", "s3cret");
        Trainer("env.sh", """
            env | sort
            cat "$CLOUD_HPARAMS"
            exit 1
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "env.sh" }, dataset = "data/iris.csv", hyperParameters = new { epochs = 3, name = "adam", betas = new[] { 0.9, 0.99 } } });

        var log = await ReadTextAsync(JobFiles.LogPath(job.Id, 1));
        foreach (var line in new[] { "CLOUD_HP_EPOCHS=3", "CLOUD_HP_NAME=adam", "CLOUD_HP_BETAS=[0.9,0.99]", "CLOUD_MODEL=iris", "CUDA_VISIBLE_DEVICES=", "PYTHONUNBUFFERED=1", "  \"epochs\": 3," })
        {
            Assert.Contains($"trainer stdout: {line}", log, StringComparison.Ordinal);
        }

        Assert.Contains("trainer stdout: CLOUD_DATASET=", log, StringComparison.Ordinal);
        Assert.Contains("/dataset/iris.csv", log, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", log, StringComparison.Ordinal);
        Assert.DoesNotContain("CLOUD_PARENT", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGpuRequestBecomesCudaVisibleDevices()
    {
        Trainer("gpus.sh", """
            echo "devices=[$CUDA_VISIBLE_DEVICES]"
            exit 1
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var two = await FailAsync(new { command = new[] { "gpus.sh" }, dataset = "data/iris.csv", gpus = 2 }, "train-two-gpus");
        var listed = await FailAsync(new { command = new[] { "gpus.sh" }, dataset = "data/iris.csv", gpus = "1,3" }, "train-listed-gpus");

        Assert.Contains("trainer stdout: devices=[0,1]", await ReadTextAsync(JobFiles.LogPath(two.Id, 1)), StringComparison.Ordinal);
        Assert.Contains("trainer stdout: devices=[1,3]", await ReadTextAsync(JobFiles.LogPath(listed.Id, 1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCurveKeepsJsonObjectsOnlyAndIsKeptForAFailedRunToo()
    {
        Trainer("curve.sh", """
            echo '{"step": 1, "loss": 0.9}' >> "$CLOUD_METRICS"
            echo 'not json' >> "$CLOUD_METRICS"
            echo '[1, 2]' >> "$CLOUD_METRICS"
            printf '{"step": 2, "loss": 0.5}' >> "$CLOUD_METRICS"
            exit 1
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);

        var job = await FailAsync(new { command = new[] { "curve.sh" }, dataset = "data/iris.csv" });

        Assert.Equal("{\"step\": 1, \"loss\": 0.9}\n{\"step\": 2, \"loss\": 0.5}\n", await ReadTextAsync(JobFiles.CurvePath(job.Id)));
        Assert.Contains("2 lines of the metrics file were left out of the curve", await ReadTextAsync(JobFiles.LogPath(job.Id, 1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCurveIsStoredWhileTheTrainerRuns()
    {
        var go = Path.Combine(_outside.FullName, "go");
        Trainer("slow.sh", """
            echo '{"step": 1, "loss": 0.9}' >> "$CLOUD_METRICS"
            while [ ! -f "$CLOUD_HP_GO" ]; do sleep 0.1; done
            echo '{"step": 2, "loss": 0.5}' >> "$CLOUD_METRICS"
            exit 1
            """);
        await _h.PutTextAsync("data/iris.csv", Iris);
        await StartRunnerAsync();
        await _jobs.Submitter.SubmitAsync(new JobMessage("train-live", JobKinds.Train, "iris", null,
            JsonSerializer.SerializeToElement(new { command = new[] { "slow.sh" }, dataset = "data/iris.csv", hyperParameters = new { go } }), 1), CancellationToken.None);

        // The trainer waits for the test, so the first point can only have been stored while it ran.
        await Eventually.TrueAsync(async () => await _jobs.Files.GetPropertiesAsync(JobFiles.CurvePath("train-live")) is not null, "the curve to be stored mid-run");
        var midRun = await ReadTextAsync(JobFiles.CurvePath("train-live"));
        var running = await _jobs.JobAsync("train-live");
        File.WriteAllText(go, "");
        await _jobs.WaitForAsync("train-live", j => j.Status.IsFinished(), "the train job to finish");

        Assert.Equal(JobStatus.Running, running!.Status);
        Assert.Equal("{\"step\": 1, \"loss\": 0.9}\n", midRun);
        Assert.Equal("{\"step\": 1, \"loss\": 0.9}\n{\"step\": 2, \"loss\": 0.5}\n", await ReadTextAsync(JobFiles.CurvePath("train-live")));
    }

    [Theory]
    [InlineData("""{"dataset": "d.csv"}""", "A train job's spec.command is the trainer's argv, e.g. [\"logreg/train.py\", \"--quiet\"]; it is missing.")]
    [InlineData("""{"command": "train.sh --all", "dataset": "d.csv"}""", "A train job's spec.command is an array of 1 to 64 non-empty strings of at most 1024 characters (the trainer's argv, never a shell command line); got \"train.sh --all\".")]
    [InlineData("""{"command": ["t.sh"], "dataset": "../d.csv"}""", "A train job's spec.dataset must be a path in the model store: Blob path '../d.csv' has an empty, '.' or '..' segment.")]
    [InlineData("""{"command": ["t.sh"], "dataset": "d.csv", "gpus": -1}""", "A train job's spec.gpus is a number of GPUs from 0 to 64, or a list of device indexes such as \"0,2\"; got -1.")]
    [InlineData("""{"command": ["t.sh"], "dataset": "d.csv", "version": "1.0"}""", "A train job's spec.version names the new version: Version '1.0' is not a semantic version: ")]
    [InlineData("""{"command": ["t.sh"], "dataset": "d.csv", "epochs": 3}""", "A train job's spec has no field 'epochs'; its fields are command, dataset, gpus, hyperParameters, hyperParametersFile, labelColumn, promotion, timeout, version.")]
    public void ABadSpecIsRefusedAtSubmission(string spec, string expected)
    {
        var handler = _jobs.TrainHandler(_trainers.FullName);

        var problem = handler.Check(new JobMessage("t", JobKinds.Train, "iris", null, JsonDocument.Parse(spec).RootElement, 1));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    private void Trainer(string name, string script) => File.WriteAllText(Path.Combine(_trainers.FullName, name), script.ReplaceLineEndings("\n") + "\n");

    private async Task StartRunnerAsync()
    {
        await _jobs.StartRunnerAsync([_jobs.TrainHandler(_trainers.FullName)]);
    }

    private async Task<JobInfo> FailAsync(object spec, string id = "train-bad")
    {
        await StartRunnerAsync();
        await _jobs.Submitter.SubmitAsync(new JobMessage(id, JobKinds.Train, "iris", null, JsonSerializer.SerializeToElement(spec), 1), CancellationToken.None);
        var job = await _jobs.WaitForAsync(id, j => j.Status.IsFinished(), $"train job {id} to finish");
        Assert.True(job.Status == JobStatus.Failed, $"the job is {job.Status}: {job.Summary}{job.Error}");
        Assert.Equal(1, job.Attempts);
        Assert.Null(await new Cloud.Registry.VersionAllocator(_h.Table, _h.Time).FindAsync("iris", id));
        return job;
    }

    private async Task<string> ReadTextAsync(string path) => System.Text.Encoding.UTF8.GetString((await _jobs.Files.ReadAllBytesAsync(path))!);
}
