using System.Globalization;
using System.Text.Json.Nodes;
using Cloud.Sdk;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Models;
using Cloud.Sdk.Prediction;
using Cloud.Sdk.Registry;

namespace ClientApp;

/// <summary>
/// What a client app does with the SDK, start to end: push a new version of iris, wait until it is registered and
/// loaded, predict through label <c>stable</c>, move the label to the new version, predict again and see who answered.
/// </summary>
internal static class Walkthrough
{
    private static readonly float[][] Flower = [[6.7f, 3.0f, 5.2f, 2.3f]];

    public static async Task<int> RunAsync(Uri endpoint, string? adminKey, string irisFolder, TextWriter output, CancellationToken cancellationToken)
    {
        // One client of each kind for the app's life: they are thread-safe and hold the connections.
        var credential = string.IsNullOrEmpty(adminKey) ? CloudCredential.None : CloudCredential.AdminKey(adminKey);
        using var models = new ModelsClient(endpoint, new ModelsClientOptions { Credential = credential, ApplicationId = "client-app-sample" });
        using var prediction = new PredictionClient(endpoint, new PredictionClientOptions { Credential = credential, ApplicationId = "client-app-sample" });
        using var jobs = new JobsClient(endpoint, new JobsClientOptions { Credential = credential, ApplicationId = "client-app-sample", PollInterval = TimeSpan.FromMilliseconds(100) });

        // 1. A new version: the sample folder with a version nobody has pushed yet (versions are immutable).
        var version = $"1.1.{DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        var folder = CopyAsVersion(irisFolder, version);
        var pushed = await models.PushFolderAsync(folder, new PushOptions(), cancellationToken);
        await output.WriteLineAsync($"pushed iris {pushed.Version}: {pushed.Registration}");

        // 2. Wait until it is registered and its validate job (model.json asks for one) has given its verdict: a label
        //    should move only to a validated version, and the verdict is written on the version's record, which a
        //    label move at the same moment would find changed (412). Then wait until it is loaded.
        await models.WaitForVersionAsync("iris", version, TimeSpan.FromMinutes(1), cancellationToken);
        var validate = (await jobs.ListAsync("iris", cancellationToken: cancellationToken)).FirstOrDefault(j => j.Version == version && j.Kind == JobKinds.Validate);
        if (validate is not null)
        {
            await foreach (var job in jobs.FollowAsync(validate.Id, cancellationToken))
            {
                await output.WriteLineAsync($"validate job {job.Id}: {job.Status.ToWireName()}");
            }
        }

        var info = await models.GetVersionAsync("iris", version, cancellationToken);
        if (!info.Status.IsServable())
        {
            await output.WriteLineAsync($"iris {version} is {info.Status.ToWireName()}: {info.FailureReason}");
            return 1;
        }

        await prediction.PredictAsync("iris", Flower, ModelTarget.ForVersion(version), cancellationToken);
        while (!await prediction.IsReadyAsync("iris", version, cancellationToken))
        {
            await Task.Delay(200, cancellationToken);
        }

        await output.WriteLineAsync($"iris {version} is {info.Status.ToWireName()} and served");

        // 3. Predict through the label, move it, predict again: the answer says which version made it.
        var stable = (await models.GetModelAsync("iris", cancellationToken)).Labels.FirstOrDefault(l => l.Label == "stable");
        if (stable is null)
        {
            stable = await models.SetLabelAsync("iris", "stable", "1.0.0", cancellationToken: cancellationToken);
        }

        await WaitUntilRoutedAsync(models, "stable", stable.Version, cancellationToken);

        var before = await prediction.PredictAsync("iris", Flower, ModelTarget.ForLabel("stable"), cancellationToken);
        await output.WriteLineAsync($"before: {before.ModelVersion} via {before.Route} → {before.Predictions[0].GetProperty("label")}");

        // The ETag makes the move conditional: if someone moved the label meanwhile, this fails with 412 instead.
        var moved = await models.SetLabelAsync("iris", "stable", version, ifMatch: stable.ETag, cancellationToken: cancellationToken);
        await output.WriteLineAsync($"moved stable {stable.Version} → {moved.Version}");
        await WaitUntilRoutedAsync(models, "stable", moved.Version, cancellationToken);

        var after = await prediction.PredictAsync("iris", Flower, ModelTarget.ForLabel("stable"), cancellationToken);
        await output.WriteLineAsync($"after: {after.ModelVersion} via {after.Route} → {after.Predictions[0].GetProperty("label")}");
        Directory.Delete(folder, recursive: true);
        return after.ModelVersion == version ? 0 : 1;
    }

    /// <summary>
    /// Waits until the host's routing serves the label's new target (the model's <c>routing</c> view): a move through
    /// the API applies at once, but a routing refresh that started before it (after a job's verdict, say) can publish
    /// its older table a moment later, so an app that must see the move confirms it before it relies on it.
    /// </summary>
    private static async Task WaitUntilRoutedAsync(ModelsClient models, string label, string version, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while ((await models.GetModelAsync("iris", timeout.Token)).Routing?.Labels.GetValueOrDefault(label) != version)
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    private static string CopyAsVersion(string irisFolder, string version)
    {
        var folder = Directory.CreateTempSubdirectory("client-app-").FullName;
        foreach (var file in Directory.GetFiles(irisFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!.AsObject();
        manifest["version"] = version;
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return folder;
    }
}
