using System.Globalization;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Training;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The train job (docs/jobs.md, "Train"): downloads the dataset (hashing it) and the parent version's registered files,
/// runs the trainer as a child process under the trainer contract (CLOUD_* variables, a timeout, its output in the
/// job's log, its metrics file followed as the job's curve), makes its output folder a version — named, or the next
/// patch — with the job's lineage, and uploads it into the models container, model.json last. Registration and the
/// validation the manifest asks for follow by themselves, as for any upload.
/// </summary>
/// <remarks>
/// Safe to run twice for one job (a runner that died after the upload): the version is allocated per job id, so a second
/// run gets the same one, and a run that finds that version's model.json already uploaded returns without training.
/// </remarks>
internal sealed partial class TrainJobHandler(TrainingSteps steps) : IJobHandler
{
    public string Kind => JobKinds.Train;

    public string? Check(JobMessage message)
    {
        try
        {
            TrainSpec.Parse(message);
            return null;
        }
        catch (JobFailedException problem)
        {
            return problem.Message;
        }
    }

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var spec = TrainSpec.Parse(context.Message);
        var id = context.Message.Id;
        if (await steps.UploadedEarlierAsync(spec.Model, id, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            LogAlreadyUploaded(context.Log, spec.Model, earlier);
            return new JobResult($"{spec.Model} {earlier} was uploaded by an earlier run of this job; registration and validation follow");
        }

        var prepared = await steps.PrepareAsync(spec, context.WorkDirectory, context.Log, cancellationToken).ConfigureAwait(false);
        var points = await steps.RunAsync(prepared, prepared.Folders, prepared.HyperParameters, id, context.Log, cancellationToken).ConfigureAwait(false);
        var trained = TrainedFolder.Read(prepared.Folders.Output);
        var lineage = new TrainLineage(string.Join(' ', spec.Command), spec.Dataset, prepared.DatasetSha256, id, spec.Parent, prepared.HyperParameters);
        var (version, files) = await steps.PublishAsync(prepared, trained, lineage, context.Log, cancellationToken).ConfigureAwait(false);
        return new JobResult(string.Create(CultureInfo.InvariantCulture,
            $"Trained {spec.Model} {version}{(spec.Parent is null ? "" : $" from {spec.Parent}")} on '{spec.Dataset}' (sha256 {prepared.DatasetSha256[..12]}…), {points} curve points; uploaded {files} files, registration and validation follow"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version} was uploaded by an earlier run of this job; nothing is trained again")]
    private static partial void LogAlreadyUploaded(ILogger log, string model, string version);
}
