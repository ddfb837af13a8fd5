using System.Globalization;
using Cloud.Sdk.Manifests;
using Cloud.Storage;
using Cloud.Storage.Tables;
using Semver;

namespace Cloud.Registry;

/// <summary>
/// Gives a job the version its output is uploaded as: a named one, or the next patch after every version the model
/// has or has reserved. A reservation is two rows in the model's partition written in one transaction: one keyed by
/// the version (so two jobs can never hold the same one) and one keyed by the job id (so a job that runs again — its
/// runner died after the allocation, its message was redelivered — gets its own version back, never a second one).
/// Concurrent allocations race on those inserts; the loser reads again and takes the next patch.
/// </summary>
/// <remarks>
/// Reservations bind allocators (jobs) only. Registration does not read them: a person who uploads a folder under a
/// version a job reserved is not refused, and the job, which looks for the version row before it uploads, fails
/// naming the version rather than uploading different content under it (which registration would refuse anyway).
/// </remarks>
internal sealed class VersionAllocator(ITableStore table, TimeProvider time)
{
    private const string VersionPrefix = "reservation|";
    private const string JobPrefix = "reservation-job|";

    // Each lost race means another job took a version meanwhile; far more jobs than this racing for one model's next
    // patch at the same moment is not a workload, it is a bug, and it is better told than looped on.
    private const int MaxAttempts = 64;

    /// <summary>The version <paramref name="jobId"/> reserved for <paramref name="model"/>, or null when it has none.</summary>
    public async Task<string?> FindAsync(string model, string jobId, CancellationToken cancellationToken = default) =>
        ModelName.IsValid(model)
            ? (await table.GetAsync(model, JobPrefix + jobId, cancellationToken).ConfigureAwait(false))?.Get<string>("Version")
            : null;

    /// <summary>
    /// Reserves a version of <paramref name="model"/> for <paramref name="jobId"/> and returns it: the one the job
    /// reserved before, if any; else <paramref name="requested"/> when given (refused when it is registered or another
    /// job holds it); else the next patch version (1.0.0 for a model with none).
    /// </summary>
    public async Task<string> AllocateAsync(string model, string jobId, string? requested, CancellationToken cancellationToken = default)
    {
        Ensure(ModelName.Validate(model) ?? (requested is null ? null : ModelVersions.Validate(requested)));
        for (var attempt = 1; ; attempt++)
        {
            if (await FindAsync(model, jobId, cancellationToken).ConfigureAwait(false) is { } mine)
            {
                return mine;
            }

            var candidate = requested ?? await NextPatchAsync(model, cancellationToken).ConfigureAwait(false);
            if (requested is not null)
            {
                await EnsureFreeAsync(model, requested, cancellationToken).ConfigureAwait(false);
            }

            var at = time.GetUtcNow();
            try
            {
                await table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Insert, new TableEntity(model, VersionPrefix + candidate).Set("JobId", jobId).Set("ReservedAt", at)),
                    new(TableTransactionActionType.Insert, new TableEntity(model, JobPrefix + jobId).Set("Version", candidate).Set("ReservedAt", at)),
                ], cancellationToken).ConfigureAwait(false);
                return candidate;
            }
            catch (StorageConflictException) when (attempt < MaxAttempts)
            {
                // Another job took the version, or this job's other run reserved first: the next pass sees which.
            }
        }
    }

    /// <summary>The next patch after the highest version the model has or has reserved: 1.2.3 and 1.3.0-rc.1 give 1.3.1.</summary>
    public async Task<string> NextPatchAsync(string model, CancellationToken cancellationToken = default)
    {
        SemVersion? highest = null;
        foreach (var prefix in new[] { RegistryRows.VersionPrefixKey, VersionPrefix })
        {
            await foreach (var row in table.QueryPartitionAsync(model, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (SemVersion.TryParse(row.RowKey[prefix.Length..], SemVersionStyles.Strict, out var version)
                    && (highest is null || SemVersion.ComparePrecedence(version, highest) > 0))
                {
                    highest = version;
                }
            }
        }

        // A pre-release's patch is not bumped to its own release (1.3.0-rc.1 → 1.3.0): that release may be planned by a
        // person, and a trained version must sort above everything there is, which M.m.(p+1) always does.
        return highest is null
            ? "1.0.0"
            : string.Create(CultureInfo.InvariantCulture, $"{highest.Major}.{highest.Minor}.{highest.Patch + 1}");
    }

    private async Task EnsureFreeAsync(string model, string version, CancellationToken cancellationToken)
    {
        if (await table.GetAsync(model, RegistryRows.VersionKey(version), cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RegistryException(RegistryError.RuleViolation, $"Model '{model}' already has version '{version}'; name a new version, or leave it out for the next patch.");
        }

        if (await table.GetAsync(model, VersionPrefix + version, cancellationToken).ConfigureAwait(false) is { } held)
        {
            throw new RegistryException(RegistryError.RuleViolation, $"Version '{version}' of '{model}' is reserved by job '{held.Get<string>("JobId")}'; name another version, or leave it out for the next patch.");
        }
    }

    private static void Ensure(string? problem)
    {
        if (problem is not null)
        {
            throw new RegistryException(RegistryError.Invalid, problem);
        }
    }
}
