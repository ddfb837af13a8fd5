using Azure;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage;
using Cloud.Storage.Tables;

namespace Cloud.Registry;

/// <summary>
/// Model versions, labels and policies over a table store. Rules it keeps whatever the callers do:
/// versions are immutable once registered; a label only points at a version that exists and is servable
/// (validated too, when the policy says so); concurrent label moves cannot lose an update (ETags); a version
/// a label or the traffic split still uses cannot be retired.
/// </summary>
internal sealed class ModelRegistry(ITableStore table, TimeProvider time)
{
    /// <summary>The ETag condition that holds for any current value (If-Match: *, RFC 9110 section 13.1.1).</summary>
    public const string AnyETag = "*";

    public ITableStore Table => table;

    public async Task<ModelVersionInfo?> GetVersionAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var row = await GetVersionRowAsync(model, version, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RegistryRows.ToVersion(row);
    }

    /// <summary>The version's row; null when there is none, which is always so for a name or version that breaks the rules.</summary>
    internal async Task<TableEntity?> GetVersionRowAsync(string model, string version, CancellationToken cancellationToken) =>
        ModelVersions.Validate(version) is null ? await GetRowAsync(model, RegistryRows.VersionKey(version), cancellationToken).ConfigureAwait(false) : null;

    /// <summary>The model's versions, newest (highest semantic version) first.</summary>
    public async Task<IReadOnlyList<ModelVersionInfo>> ListVersionsAsync(string model, CancellationToken cancellationToken = default)
    {
        var versions = new List<ModelVersionInfo>();
        if (!ModelName.IsValid(model))
        {
            return versions;
        }

        await foreach (var row in table.QueryPartitionAsync(model, RegistryRows.VersionPrefixKey, cancellationToken).ConfigureAwait(false))
        {
            versions.Add(RegistryRows.ToVersion(row));
        }

        versions.Sort((a, b) => ModelVersions.Compare(b.Version, a.Version));
        return versions;
    }

    /// <summary>Every model that has at least one recorded version, by name.</summary>
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<string>();
        await foreach (var row in table.QueryPartitionAsync(RegistryRows.IndexPartition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            models.Add(row.RowKey);
        }

        return models;
    }

    /// <summary>
    /// Records a version the first time it is seen. Returns false when a row already exists (the caller decides
    /// whether that is the same content or a refusal).
    /// </summary>
    public async Task<bool> TryRecordNewAsync(ModelVersionInfo info, SourceBlobs? source, CancellationToken cancellationToken = default)
    {
        // The index lives in another partition, so it is written first and idempotently: a crash between the two
        // writes leaves an index entry whose versions are simply not there yet.
        await table.UpsertAsync(new TableEntity(RegistryRows.IndexPartition, info.Model).Set("CreatedAt", info.CreatedAt), cancellationToken).ConfigureAwait(false);
        try
        {
            await table.InsertAsync(RegistryRows.ToRow(info, source), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageConflictException error) when (error.Conflict == StorageConflict.AlreadyExists)
        {
            return false;
        }
    }

    /// <summary>Replaces a version row that failed before (a fixed re-upload of a version that never served).</summary>
    public async Task ReplaceFailedAsync(TableEntity failedRow, ModelVersionInfo info, SourceBlobs? source, CancellationToken cancellationToken = default)
    {
        var replacement = RegistryRows.ToRow(info with { Refusals = RegistryRows.ToVersion(failedRow).Refusals, CreatedAt = RegistryRows.ToVersion(failedRow).CreatedAt }, source);
        await table.UpdateAsync(replacement, failedRow.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the registered copies of a version registered before registration kept them, if its row is still as read;
    /// a <see cref="StorageConflictException"/> otherwise (the caller decides against the row as it is now).
    /// </summary>
    public Task RecordFilesAsync(TableEntity row, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken = default) =>
        table.UpdateAsync(RegistryRows.ToRow(RegistryRows.ToVersion(row), RegistryRows.SourceOf(row)! with { Files = files }), row.ETag, cancellationToken);

    /// <summary>Appends a refusal to a version's record (different content uploaded under it), keeping the last few.</summary>
    public Task AddRefusalAsync(string model, string version, string reason, CancellationToken cancellationToken = default) =>
        UpdateVersionAsync(model, version, v => v with
        {
            Refusals = [.. v.Refusals.TakeLast(RecordLimits.MaxRefusalsKept - 1), $"{time.GetUtcNow():O} {reason}"],
        }, cancellationToken);

    /// <summary>Sets a version's status (and reason), re-reading and retrying when another writer got there first.</summary>
    public async Task<ModelVersionInfo> SetStatusAsync(string model, string version, ModelVersionStatus status, string? reason, CancellationToken cancellationToken = default)
    {
        EnsureValid(ModelName.Validate(model) ?? ModelVersions.Validate(version));
        if (!status.IsServable())
        {
            await EnsureUnusedAsync(model, version, status, cancellationToken).ConfigureAwait(false);
        }

        // A person's reason is checked by RetireAsync; the registry's own callers' (jobs) are shortened by the row.
        return await UpdateVersionAsync(model, version, v => v with { Status = status, FailureReason = reason ?? v.FailureReason }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a validation verdict: validated, or rejected with the reason. A version that failed or was retired while
    /// it was being validated stays as it is — a late verdict never brings a version back into service — and null is
    /// returned. Rejecting a version a label points at is refused, as every change that takes a version out of service.
    /// With <paramref name="latest"/>, the row's metrics become that one record: the row keeps only the latest
    /// validation's values (a few numbers), the full history is the version's metrics blob (<c>VersionHistory</c>).
    /// </summary>
    public async Task<ModelVersionInfo?> RecordVerdictAsync(string model, string version, bool passed, string reason, MetricsRecord? latest = null,
        CancellationToken cancellationToken = default)
    {
        var recorded = true;
        var info = await UpdateVersionAsync(model, version, v =>
        {
            recorded = v.Status.IsServable() || v.Status == ModelVersionStatus.Rejected;
            var metrics = latest is null ? v.Metrics : [latest];
            return !recorded ? v
                : passed ? v with { Status = ModelVersionStatus.Validated, FailureReason = null, Metrics = metrics }
                : v with { Status = ModelVersionStatus.Rejected, FailureReason = reason, Metrics = metrics };
        }, cancellationToken).ConfigureAwait(false);
        return recorded ? info : null;
    }

    /// <summary>Takes a version out of service for good. Refused while a label or the traffic split uses it, or when the reason is too long to record.</summary>
    public Task<ModelVersionInfo> RetireAsync(string model, string version, string reason, CancellationToken cancellationToken = default)
    {
        EnsureValid(ModelName.Validate(model) ?? ModelVersions.Validate(version) ?? RecordLimits.ReasonProblem(reason));
        return SetStatusAsync(model, version, ModelVersionStatus.Retired, reason, cancellationToken);
    }

    public async Task<IReadOnlyList<ModelLabel>> GetLabelsAsync(string model, CancellationToken cancellationToken = default)
    {
        var labels = new List<ModelLabel>();
        if (!ModelName.IsValid(model))
        {
            return labels;
        }

        await foreach (var row in table.QueryPartitionAsync(model, RegistryRows.LabelPrefixKey, cancellationToken).ConfigureAwait(false))
        {
            labels.Add(RegistryRows.ToLabel(row));
        }

        return labels;
    }

    public async Task<ModelLabel?> GetLabelAsync(string model, string label, CancellationToken cancellationToken = default)
    {
        var row = LabelName.IsValid(label) ? await GetRowAsync(model, RegistryRows.LabelKey(label), cancellationToken).ConfigureAwait(false) : null;
        return row is null ? null : RegistryRows.ToLabel(row);
    }

    /// <summary>How many times a label move is read, checked and written before a storm of concurrent changes ends it.</summary>
    private const int LabelMoveAttempts = 5;

    /// <summary>
    /// Points a label at a version. With <paramref name="expectedETag"/> the move only happens if the label is
    /// still as the caller saw it (null ETag with an expectation means "the label must not exist yet").
    /// The label row and a touch of the version row are written in one transaction, so a concurrent retire of that
    /// version and this move cannot both succeed.
    /// </summary>
    public async Task<ModelLabel> SetLabelAsync(string model, string label, string version, string? expectedETag = null, bool expectAbsent = false, CancellationToken cancellationToken = default)
    {
        EnsureValid(ModelName.Validate(model) ?? LabelName.Validate(label) ?? ModelVersions.Validate(version));
        // The transaction also touches the version row, which other writers change for reasons of their own (a
        // validation verdict, metrics): such a change is not the caller's conflict, so the move is read and checked
        // again — the caller's own condition on the label, and the version's rules, each time — before giving up.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TrySetLabelAsync(model, label, version, expectedETag, expectAbsent, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageConflictException) when (attempt < LabelMoveAttempts)
            {
            }
            catch (StorageConflictException)
            {
                throw new RegistryException(RegistryError.Stale,
                    $"Label '{label}' of '{model}' or version '{version}' kept changing while the label was being moved ({LabelMoveAttempts} tries); read them again and retry.");
            }
        }
    }

    private async Task<ModelLabel> TrySetLabelAsync(string model, string label, string version, string? expectedETag, bool expectAbsent, CancellationToken cancellationToken)
    {
        var versionRow = await GetRowAsync(model, RegistryRows.VersionKey(version), cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryError.NotFound, $"Model '{model}' has no version '{version}'.");
        var target = RegistryRows.ToVersion(versionRow);
        var policy = await GetPolicyAsync(model, cancellationToken).ConfigureAwait(false);
        EnsureLabelable(target, label, policy);

        var labelRow = await GetRowAsync(model, RegistryRows.LabelKey(label), cancellationToken).ConfigureAwait(false);
        if (expectedETag == AnyETag && labelRow is null)
        {
            throw new RegistryException(RegistryError.Stale, $"Label '{label}' of '{model}' does not exist, and the condition '{AnyETag}' asks for a current one; leave the ETag out to create it.");
        }

        if ((expectAbsent && labelRow is not null) || (expectedETag is not null and not AnyETag && labelRow?.ETag.ToString() != expectedETag))
        {
            throw new RegistryException(RegistryError.Stale, $"Label '{label}' of '{model}' changed since it was read; read it again and retry.");
        }

        var now = time.GetUtcNow();
        var newLabel = new TableEntity(model, RegistryRows.LabelKey(label)).Set("Version", version).Set("UpdatedAt", now);
        if (labelRow?.Get<string>("Version") is { } previous)
        {
            newLabel.Set("Previous", previous);
        }

        var touchedVersion = versionRow.Clone().Set("LabelledAt", now);
        TableTransactionAction labelAction = labelRow is null
            ? new(TableTransactionActionType.Insert, newLabel)
            : new(TableTransactionActionType.Update, newLabel, labelRow.ETag);
        var written = await table.SubmitTransactionAsync([labelAction, new(TableTransactionActionType.Update, touchedVersion, versionRow.ETag)], cancellationToken).ConfigureAwait(false);
        return RegistryRows.ToLabel(written[0]);
    }

    /// <summary>Removes a label. Refused while the traffic split uses it.</summary>
    public async Task<bool> RemoveLabelAsync(string model, string label, string? expectedETag = null, CancellationToken cancellationToken = default)
    {
        EnsureValid(ModelName.Validate(model) ?? LabelName.Validate(label));
        var policy = await GetPolicyAsync(model, cancellationToken).ConfigureAwait(false);
        if (policy.Traffic.ContainsKey(label))
        {
            throw new RegistryException(RegistryError.RuleViolation, $"Label '{label}' of '{model}' is in the traffic split; change the split first.");
        }

        try
        {
            var ifMatch = expectedETag is null ? ETag.All : new ETag(expectedETag);
            return await table.DeleteAsync(model, RegistryRows.LabelKey(label), ifMatch, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageConflictException)
        {
            throw new RegistryException(RegistryError.Stale, $"Label '{label}' of '{model}' changed since it was read; read it again and retry.");
        }
    }

    public async Task<ModelPolicy> GetPolicyAsync(string model, CancellationToken cancellationToken = default)
    {
        var row = await GetRowAsync(model, RegistryRows.PolicyRow, cancellationToken).ConfigureAwait(false);
        return row is null ? new ModelPolicy(model, new Dictionary<string, int>(), RequireValidation: false, ETag: null) : RegistryRows.ToPolicy(row);
    }

    /// <summary>Sets the traffic split and validation requirement. Every label in the split must exist.</summary>
    public async Task<ModelPolicy> SetPolicyAsync(ModelPolicy policy, CancellationToken cancellationToken = default)
    {
        EnsureValid(ModelName.Validate(policy.Model) ?? TrafficSplit.Check(policy.Traffic));
        if ((await ListVersionsAsync(policy.Model, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            // A policy of its own would make a model that has no version look registered, and no label can exist yet.
            throw new RegistryException(RegistryError.NotFound, $"Model '{policy.Model}' is not registered.");
        }

        var labels = (await GetLabelsAsync(policy.Model, cancellationToken).ConfigureAwait(false)).ToDictionary(l => l.Label, StringComparer.Ordinal);
        foreach (var label in policy.Traffic.Keys)
        {
            if (!labels.ContainsKey(label))
            {
                throw new RegistryException(RegistryError.RuleViolation, $"The traffic split names label '{label}', which model '{policy.Model}' does not have.");
            }
        }

        if (policy.RequireValidation)
        {
            foreach (var label in labels.Values)
            {
                var version = await GetVersionAsync(policy.Model, label.Version, cancellationToken).ConfigureAwait(false);
                if (version?.Status != ModelVersionStatus.Validated)
                {
                    throw new RegistryException(RegistryError.RuleViolation,
                        $"Validation cannot be required yet: label '{label.Label}' points at {label.Version}, which is {version?.Status.ToWireName() ?? "missing"}, not validated.");
                }
            }
        }

        var row = new TableEntity(policy.Model, RegistryRows.PolicyRow)
            .Set("Traffic", System.Text.Json.JsonSerializer.Serialize(policy.Traffic, RegistryRows.Json))
            .Set("RequireValidation", policy.RequireValidation)
            .Set("UpdatedAt", time.GetUtcNow());
        try
        {
            // A model always has a policy (the default until one is set), so '*' holds for any.
            var written = policy.ETag is null or AnyETag
                ? await table.UpsertAsync(row, cancellationToken).ConfigureAwait(false)
                : await table.UpdateAsync(row, new ETag(policy.ETag), cancellationToken).ConfigureAwait(false);
            return RegistryRows.ToPolicy(written);
        }
        catch (StorageConflictException)
        {
            throw new RegistryException(RegistryError.Stale, $"The policy of '{policy.Model}' changed since it was read; read it again and retry.");
        }
    }

    /// <summary>Names from outside (URLs, bodies) are checked here too, so no caller can reach the table with a key it refuses.</summary>
    private static void EnsureValid(string? problem)
    {
        if (problem is not null)
        {
            throw new RegistryException(RegistryError.Invalid, problem);
        }
    }

    private static void EnsureLabelable(ModelVersionInfo target, string label, ModelPolicy policy)
    {
        if (!target.Status.IsServable())
        {
            throw new RegistryException(RegistryError.RuleViolation,
                $"Label '{label}' cannot point at {target.Model} {target.Version}: it is {target.Status.ToWireName()}" +
                (target.FailureReason is null ? "." : $" ({target.FailureReason})."));
        }

        if (policy.RequireValidation && target.Status != ModelVersionStatus.Validated)
        {
            throw new RegistryException(RegistryError.RuleViolation,
                $"Label '{label}' cannot point at {target.Model} {target.Version}: the model's policy requires validated versions and it is {target.Status.ToWireName()}.");
        }
    }

    private async Task EnsureUnusedAsync(string model, string version, ModelVersionStatus status, CancellationToken cancellationToken)
    {
        // Read order matters: the version row is read inside UpdateVersionAsync after this check and written with
        // its ETag, and every label move touches the version row, so a label that lands after this check makes
        // that write fail and the whole check run again.
        foreach (var label in await GetLabelsAsync(model, cancellationToken).ConfigureAwait(false))
        {
            if (label.Version == version)
            {
                throw new RegistryException(RegistryError.RuleViolation,
                    $"{model} {version} cannot become {status.ToWireName()} while label '{label.Label}' points at it; move the label first.");
            }
        }
    }

    private async Task<ModelVersionInfo> UpdateVersionAsync(string model, string version, Func<ModelVersionInfo, ModelVersionInfo> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await GetRowAsync(model, RegistryRows.VersionKey(version), cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryException(RegistryError.NotFound, $"Model '{model}' has no version '{version}'.");
            var current = RegistryRows.ToVersion(row);
            var changed = change(current) with { UpdatedAt = time.GetUtcNow() };
            if (!changed.Status.IsServable() && current.Status.IsServable())
            {
                await EnsureUnusedAsync(model, version, changed.Status, cancellationToken).ConfigureAwait(false);
            }

            var updated = RegistryRows.ToRow(changed, RegistryRows.SourceOf(row));
            try
            {
                await table.UpdateAsync(updated, row.ETag, cancellationToken).ConfigureAwait(false);
                return RegistryRows.ToVersion(updated); // as recorded (reasons shortened)
            }
            catch (StorageConflictException) when (attempt < 10)
            {
                // Another writer (a label move touching the row, a job) got there first: read again and re-apply.
            }
        }
    }

    private async Task<TableEntity?> GetRowAsync(string model, string rowKey, CancellationToken cancellationToken) =>
        ModelName.IsValid(model) ? await table.GetAsync(model, rowKey, cancellationToken).ConfigureAwait(false) : null;
}
