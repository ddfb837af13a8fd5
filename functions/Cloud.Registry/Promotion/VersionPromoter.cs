using System.Globalization;
using Cloud.Registry.History;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Promotion;

/// <summary>
/// Applies a promotion step (labels to point at a version, then the model's traffic split) through the registry's
/// rules, and records each attempt in the version's promotion history. Every promotion goes through here: the validate
/// job's <c>onValidated</c>, the promote job's <c>afterSoak</c>, and the management API's explicit promotion.
/// <list type="bullet">
/// <item><b>Checked first, so a refusal changes nothing</b>: the version may take traffic (validated, for a policy), the split
/// is valid, and every label it names is moved by the step or exists already.</item>
/// <item><b>Idempotent</b>: a key (job id) already in the history applies nothing again; otherwise each label already on
/// the version and a split already in place are left alone, so a second run changes nothing.</item>
/// <item><b>Stale is retried</b>: a label move is conditional on the label and the version row as read, and the version row
/// changes under it (the verdict this job just wrote, a refresh of another writer), so a refused move reads again and
/// decides again, a bounded number of times.</item>
/// </list>
/// </summary>
internal sealed partial class VersionPromoter(ModelRegistry registry, VersionHistory history, TimeProvider time)
{
    /// <summary>Rounds of read-decide-write one label or split gets before a Stale refusal is the answer.</summary>
    public const int MaxStaleRetries = 5;

    public async Task<PromotionResult> ApplyAsync(string model, string version, PromotionAction action, string trigger, string key, bool requireValidated,
        ILogger log, CancellationToken cancellationToken)
    {
        var previous = (await history.ReadPromotionsAsync(model, version, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Key == key);
        if (previous is not null)
        {
            LogRepeated(log, model, version, key, previous.Outcome);
            return new PromotionResult(previous.Outcome, previous.Steps, previous.Reason, Repeated: true);
        }

        var steps = new List<string>();
        var failure = await CheckAsync(model, version, action, requireValidated, cancellationToken).ConfigureAwait(false);
        if (failure is null)
        {
            try
            {
                foreach (var label in action.SetLabels)
                {
                    steps.Add(await MoveLabelAsync(model, label, version, cancellationToken).ConfigureAwait(false));
                    LogStep(log, model, version, steps[^1]);
                }

                if (action.Traffic.Count > 0)
                {
                    steps.Add(await SetSplitAsync(model, action.Traffic, cancellationToken).ConfigureAwait(false));
                    LogStep(log, model, version, steps[^1]);
                }
            }
            catch (RegistryException error)
            {
                // Only what the checks cannot see ahead (a rule another writer broke meanwhile) gets here; the steps
                // recorded so far say what did change.
                failure = steps.Count == 0 ? error.Message : $"{error.Message} (after: {string.Join("; ", steps)})";
            }
        }

        var outcome = failure is null ? PromotionOutcomes.Applied : PromotionOutcomes.Failed;
        if (failure is not null)
        {
            LogFailed(log, model, version, trigger, failure);
        }

        await history.AppendPromotionAsync(model, version, new PromotionHistoryEntry(time.GetUtcNow(), key, trigger, outcome, steps, failure), cancellationToken)
            .ConfigureAwait(false);
        return new PromotionResult(outcome, steps, failure, Repeated: false);
    }

    /// <summary>Null when the step can be applied whole; otherwise why not, before anything is written.</summary>
    private async Task<string?> CheckAsync(string model, string version, PromotionAction action, bool requireValidated, CancellationToken cancellationToken)
    {
        if (action.SetLabels.Count == 0 && action.Traffic.Count == 0)
        {
            return "The promotion names no label and no traffic split; there is nothing to apply.";
        }

        var info = await registry.GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return $"Model '{model}' has no version '{version}'.";
        }

        // A rejected, failed or retired version never takes traffic; a policy's promotion needs a validated one.
        if (requireValidated ? info.Status != ModelVersionStatus.Validated : !info.Status.IsServable())
        {
            return $"{model} {version} is {info.Status.ToWireName()}; " +
                (requireValidated ? "a promotion policy only promotes validated versions." : "only a servable version can take traffic.");
        }

        foreach (var label in action.SetLabels)
        {
            if (LabelName.Validate(label) is { } problem)
            {
                return problem;
            }
        }

        if (TrafficSplit.Check(action.Traffic) is { } splitProblem)
        {
            return splitProblem;
        }

        var existing = (await registry.GetLabelsAsync(model, cancellationToken).ConfigureAwait(false)).Select(l => l.Label).ToHashSet(StringComparer.Ordinal);
        var missing = action.Traffic.Keys.Where(l => !action.SetLabels.Contains(l, StringComparer.Ordinal) && !existing.Contains(l)).ToArray();
        return missing.Length == 0 ? null
            : $"The traffic split names label{(missing.Length == 1 ? "" : "s")} {string.Join(", ", missing.Select(l => $"'{l}'"))}, which the promotion does not set and model '{model}' does not have; nothing was changed.";
    }

    private async Task<string> MoveLabelAsync(string model, string label, string version, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await registry.GetLabelAsync(model, label, cancellationToken).ConfigureAwait(false);
            if (current?.Version == version)
            {
                return $"label '{label}' was already on {version}";
            }

            try
            {
                // Conditional on the label as read: a person's move in between is not overwritten blindly, it is read again.
                await registry.SetLabelAsync(model, label, version, current?.ETag, expectAbsent: current is null, cancellationToken: cancellationToken).ConfigureAwait(false);
                return current is null ? $"label '{label}' set on {version}" : $"label '{label}' moved from {current.Version} to {version}";
            }
            catch (RegistryException error) when (error.Error == RegistryError.Stale && attempt < MaxStaleRetries)
            {
                // The label or the version row changed since it was read (the verdict's own write among them): decide again.
            }
        }
    }

    private async Task<string> SetSplitAsync(string model, IReadOnlyDictionary<string, int> traffic, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var policy = await registry.GetPolicyAsync(model, cancellationToken).ConfigureAwait(false);
            if (SameSplit(policy.Traffic, traffic))
            {
                return $"traffic split was already {Describe(traffic)}";
            }

            try
            {
                await registry.SetPolicyAsync(policy with { Traffic = new Dictionary<string, int>(traffic, StringComparer.Ordinal), ETag = policy.ETag }, cancellationToken)
                    .ConfigureAwait(false);
                return $"traffic split set to {Describe(traffic)} (was {Describe(policy.Traffic)})";
            }
            catch (RegistryException error) when (error.Error == RegistryError.Stale && attempt < MaxStaleRetries)
            {
                // Someone changed the policy since it was read: read it again.
            }
        }
    }

    private static bool SameSplit(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var w) && w == p.Value);

    /// <summary>"stable 90, canary 10"; "none (stable, else newest)" for the empty split.</summary>
    public static string Describe(IReadOnlyDictionary<string, int> traffic) => traffic.Count == 0
        ? "none (stable, else newest)"
        : string.Join(", ", traffic.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));

    [LoggerMessage(Level = LogLevel.Information, Message = "Promotion of {Model} {Version}: {Step}")]
    private static partial void LogStep(ILogger log, string model, string version, string step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Promotion ({Trigger}) of {Model} {Version} failed: {Reason}")]
    private static partial void LogFailed(ILogger log, string model, string version, string trigger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Promotion of {Model} {Version} by {Key} was made before ({Outcome}); nothing is applied again")]
    private static partial void LogRepeated(ILogger log, string model, string version, string key, string outcome);
}
