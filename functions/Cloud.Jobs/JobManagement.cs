using System.Security.Cryptography;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Registry;
using Cloud.Registry.Jobs;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Manifests;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs;

/// <summary>The jobs room's side of the management API: submission checked against the known kinds and the registry.</summary>
internal sealed class JobManagement(JobSubmitter submitter, JobLedger ledger, JobFiles files, IEnumerable<IJobHandler> handlers, ModelRegistry registry) : IJobManagement
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    public async Task<(JobInfo Job, bool Created)> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind is not { } kind || !_handlers.TryGetValue(kind, out var handler))
        {
            throw Invalid($"\"kind\" must be one of {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}; got {(request.Kind is null ? "none" : $"'{request.Kind}'")}.");
        }

        if (request.Id is { } id && !JobIds.IsValid(id))
        {
            throw Invalid($"Job id '{id}' is not valid: use 1 to {JobIds.MaxLength} letters, digits, '.', '_', '-' or '+', starting with a letter or digit.");
        }

        if (request.Spec is { } spec && spec.GetRawText().Length > JobRows.MaxSpecLength)
        {
            throw Invalid($"\"spec\" is {spec.GetRawText().Length:N0} characters; a job's spec holds at most {JobRows.MaxSpecLength:N0} (data belongs in blobs the spec names).");
        }

        if (request.Model is { } model && !ModelName.IsValid(model))
        {
            throw Invalid($"'{request.Model}' is not a valid model name.");
        }

        var message = new JobMessage(request.Id ?? JobIds.Create(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), kind, request.Model, request.Version),
            kind, request.Model, request.Version, request.Spec, 1);
        if (handler.Check(message) is { } problem)
        {
            throw Invalid(problem);
        }

        if (message.Model is not null && message.Version is not null
            && await registry.GetVersionAsync(message.Model, message.Version, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new RegistryException(RegistryError.NotFound, $"Model '{message.Model}' has no version '{message.Version}'.");
        }

        return await submitter.SubmitAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<JobInfo>> ListAsync(string? model, JobStatus? status, CancellationToken cancellationToken) =>
        ledger.ListAsync(model, status, cancellationToken);

    public Task<JobInfo?> GetAsync(string id, CancellationToken cancellationToken) => ledger.GetAsync(id, cancellationToken);

    public Task<BlobDownload?> OpenLogAsync(string id, CancellationToken cancellationToken) => files.OpenLatestLogAsync(id, cancellationToken);

    public Task<BlobDownload?> OpenCurveAsync(string id, CancellationToken cancellationToken) => files.OpenCurveAsync(id, cancellationToken);

    public Task<BlobDownload?> OpenTrialsAsync(string id, CancellationToken cancellationToken) => files.OpenTrialsAsync(id, cancellationToken);

    public Task<JobInfo?> CancelAsync(string id, CancellationToken cancellationToken) => ledger.CancelAsync(id, cancellationToken);

    private static RegistryException Invalid(string message) => new(RegistryError.Invalid, message);
}
