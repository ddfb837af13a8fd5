using System.Net;
using System.Security.Cryptography;
using Cloud.Sdk.Models;
using Cloud.Sdk.Prediction;
using Cloud.Sdk.Registry;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>The models and prediction clients against the real local host over loopback: every call round-trips.</summary>
public sealed class ModelsClientHostTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    // samples/models/iris/expected.csv, row 1 (numpy's answer for validation.csv row 1: 5.1, 3.5, 1.4, 0.2).
    private static readonly float[] SetosaRow = [5.1f, 3.5f, 1.4f, 0.2f];
    private static readonly double[] SetosaProbabilities = [0.997397661, 0.00260234601, 7.41257804e-13];

    [Fact]
    public async Task APushedFolderIsRegisteredListedShownAndServed()
    {
        var folder = LoopbackHost.IrisFolder("2.0.0");
        var reports = new List<PushProgress>();
        var total = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);

        var pushed = await fixture.Models.PushFolderAsync(folder, new PushOptions { Progress = new Collect(reports) });
        var version = await fixture.Models.GetVersionAsync("iris", "2.0.0");
        var listed = await fixture.Models.ListModelsAsync();
        var model = await fixture.Models.GetModelAsync("iris");
        var prediction = await fixture.Prediction.PredictAsync("iris", [SetosaRow], ModelTarget.ForVersion("2.0.0"));

        Assert.Equal(("iris", "2.0.0", "registered"), (pushed.Model, pushed.Version, pushed.Registration));
        Assert.Equal(total, pushed.BytesSent);
        Assert.Equal(total, reports[^1].BytesDone);
        Assert.Equal(ModelVersionStatus.Registered, version.Status);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "model.onnx")))), version.Sha256);
        Assert.Equal(["features"], version.Signature!.Inputs.Select(i => i.Name));
        Assert.Contains(listed, m => m.Name == "iris" && m.Versions.Any(v => v.Version == "2.0.0" && v.Status == ModelVersionStatus.Registered));
        Assert.Contains(model.Versions, v => v.Version == "1.0.0");
        Assert.Equal(("iris", "2.0.0", "version"), (prediction.Model, prediction.ModelVersion, prediction.Route));
        var probabilities = prediction.Predictions[0].GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(SetosaProbabilities, probabilities, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(0, prediction.Predictions[0].GetProperty("label").GetInt64());
    }

    [Fact]
    public async Task LabelsMoveWithETagsTrafficSplitsAndRetirementFollowTheRegistryRules()
    {
        await fixture.Models.PushFolderAsync(LoopbackHost.IrisFolder("3.0.0"));
        await fixture.Models.SetLabelAsync("iris", "stable", "1.0.0");

        var canary = await fixture.Models.SetLabelAsync("iris", "canary", "3.0.0");
        var stale = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Models.SetLabelAsync("iris", "canary", "1.0.0", ifMatch: "W/\"stale\""));
        var moved = await fixture.Models.SetLabelAsync("iris", "canary", "3.0.0", ifMatch: canary.ETag);
        var split = await fixture.Models.SetTrafficAsync("iris", new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 });
        var viaLabel = await fixture.Prediction.PredictNamedAsync("iris",
            [new Dictionary<string, float> { ["sepal_length"] = 5.1f, ["sepal_width"] = 3.5f, ["petal_length"] = 1.4f, ["petal_width"] = 0.2f }],
            ModelTarget.ForLabel("canary"));
        var inUse = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Models.RemoveLabelAsync("iris", "canary"));
        var labelled = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Models.RetireAsync("iris", "3.0.0", "bad canary"));
        await fixture.Models.SetTrafficAsync("iris", new Dictionary<string, int>());
        await fixture.Models.RemoveLabelAsync("iris", "canary");
        var retired = await fixture.Models.RetireAsync("iris", "3.0.0", "bad canary");

        Assert.Equal(("canary", "3.0.0"), (canary.Label, canary.Version));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.NotEqual(canary.ETag, moved.ETag);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, split.Traffic);
        Assert.Equal(("3.0.0", "label:canary"), (viaLabel.ModelVersion, viaLabel.Route));
        Assert.Equal(HttpStatusCode.Conflict, inUse.Status);
        Assert.Equal(HttpStatusCode.Conflict, labelled.Status);
        Assert.Equal("iris 3.0.0 cannot become retired while label 'canary' points at it; move the label first.", labelled.Message);
        Assert.Equal(ModelVersionStatus.Retired, retired.Status);
    }

    [Fact]
    public async Task OpenInferenceProtocolAndReadinessRoundTrip()
    {
        var result = await fixture.Prediction.InferAsync("iris", [InferTensor.Fp32("features", [1, 4], SetosaRow)], ModelTarget.ForVersion("1.0.0"));

        Assert.Equal("1.0.0", result.ModelVersion);
        Assert.Equal(SetosaProbabilities, result["probabilities"].ToSingleArray().Select(p => (double)p), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal([0L], result["label"].ToInt64Array());
        Assert.True(await fixture.Prediction.IsReadyAsync("iris", "1.0.0"));
        Assert.False(await fixture.Prediction.IsReadyAsync("ghost"));
    }

    [Fact]
    public async Task InferOverGrpcAndBinaryHttpAnswersAsJsonDoes()
    {
        using var grpc = new PredictionClient(fixture.Host.Endpoint, new PredictionClientOptions { GrpcEndpoint = fixture.Host.GrpcEndpoint });
        using var json = new PredictionClient(fixture.Host.Endpoint, new PredictionClientOptions { UseBinaryTensors = false });
        InferTensor[] inputs = [InferTensor.Fp32("features", [1, 4], SetosaRow)];

        var overGrpc = await grpc.InferAsync("iris", inputs, ModelTarget.ForVersion("1.0.0"));
        var overBinary = await fixture.Prediction.InferAsync("iris", inputs, ModelTarget.ForVersion("1.0.0"));
        var overJson = await json.InferAsync("iris", inputs, ModelTarget.ForVersion("1.0.0"));
        var unknown = await Assert.ThrowsAsync<CloudRequestException>(() => grpc.InferAsync("ghost", inputs));

        foreach (var result in new[] { overGrpc, overBinary, overJson })
        {
            Assert.Equal(("iris", "1.0.0", "version"), (result.Model, result.ModelVersion, result.Route));
            Assert.Equal(SetosaProbabilities, result["probabilities"].ToSingleArray().Select(p => (double)p), (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Equal([0L], result["label"].ToInt64Array());
        }

        Assert.Equal((HttpStatusCode.NotFound, "Model 'ghost' is not registered."), (unknown.Status, unknown.Message));
    }

    [Fact]
    public async Task AnUnknownModelAndAWrongKeyAreErrorsThatSayWhat()
    {
        using var wrongKey = new ModelsClient(fixture.Host.Endpoint, new ModelsClientOptions { Credential = CloudCredential.AdminKey("guess") });

        var unknown = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Models.GetModelAsync("ghost"));
        var unauthorized = await Assert.ThrowsAsync<CloudRequestException>(() => wrongKey.ListModelsAsync());

        Assert.Equal((HttpStatusCode.NotFound, "Model 'ghost' is not registered."), (unknown.Status, unknown.Message));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Equal("The management API needs the admin key (header X-Cloud-Admin-Key).", unauthorized.Message);
    }

    [Fact]
    public async Task CancellingAnUploadStopsItAndLeavesNoVersionAndTheNextPushRegisters()
    {
        var folder = LoopbackHost.IrisFolder("4.0.0");
        // A large extra file sorts before model.onnx ("a-" < "m"), so the upload is cancelled inside it.
        await File.WriteAllBytesAsync(Path.Combine(folder, "a-weights.bin"), new byte[48 * 1024 * 1024]);
        using var cancel = new CancellationTokenSource();
        var progress = new Collect([], p =>
        {
            if (p.File == "a-weights.bin" && p.BytesDone > 1024 * 1024)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Models.PushFolderAsync(folder, new PushOptions { Progress = progress }, cancel.Token));
        // Two scanner passes (Local:ScanInterval 2 s) see the folder without model.json and record nothing.
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        var missing = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Models.GetVersionAsync("iris", "4.0.0"));
        var again = await fixture.Models.PushFolderAsync(folder);

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("registered", again.Registration);
    }

    /// <summary>Reports on the uploading thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class Collect(List<PushProgress> reports, Action<PushProgress>? then = null) : IProgress<PushProgress>
    {
        public void Report(PushProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }

            then?.Invoke(value);
        }
    }
}
