using System.Globalization;
using System.Text.Json.Nodes;
using Cloud.Sdk;
using Cloud.Sdk.Models;
using Cloud.Sdk.Prediction;

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

        // 1. A new version: the sample folder with a version nobody has pushed yet (versions are immutable).
        var version = $"1.1.{DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        var folder = CopyAsVersion(irisFolder, version);
        var pushed = await models.PushFolderAsync(folder, new PushOptions(), cancellationToken);
        await output.WriteLineAsync($"pushed iris {pushed.Version}: {pushed.Registration}");

        // 2. Wait until it is registered, then until it is loaded (asking for it by version loads it).
        var info = await models.WaitForVersionAsync("iris", version, TimeSpan.FromMinutes(1), cancellationToken);
        await prediction.PredictAsync("iris", Flower, ModelTarget.ForVersion(version), cancellationToken);
        while (!await prediction.IsReadyAsync("iris", version, cancellationToken))
        {
            await Task.Delay(200, cancellationToken);
        }

        await output.WriteLineAsync($"iris {version} is {info.Status.ToString().ToLowerInvariant()} and served");

        // 3. Predict through the label, move it, predict again: the answer says which version made it.
        var stable = (await models.GetModelAsync("iris", cancellationToken)).Labels.FirstOrDefault(l => l.Label == "stable");
        if (stable is null)
        {
            stable = await models.SetLabelAsync("iris", "stable", "1.0.0", cancellationToken: cancellationToken);
        }

        var before = await prediction.PredictAsync("iris", Flower, ModelTarget.ForLabel("stable"), cancellationToken);
        await output.WriteLineAsync($"before: {before.ModelVersion} via {before.Route} → {before.Predictions[0].GetProperty("label")}");

        // The ETag makes the move conditional: if someone moved the label meanwhile, this fails with 412 instead.
        var moved = await models.SetLabelAsync("iris", "stable", version, ifMatch: stable.ETag, cancellationToken: cancellationToken);
        await output.WriteLineAsync($"moved stable {stable.Version} → {moved.Version}");

        var after = await prediction.PredictAsync("iris", Flower, ModelTarget.ForLabel("stable"), cancellationToken);
        await output.WriteLineAsync($"after: {after.ModelVersion} via {after.Route} → {after.Predictions[0].GetProperty("label")}");
        Directory.Delete(folder, recursive: true);
        return after.ModelVersion == version ? 0 : 1;
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
