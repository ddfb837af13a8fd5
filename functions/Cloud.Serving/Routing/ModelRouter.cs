using System.Collections.Concurrent;
using System.Diagnostics;
using Cloud.Registry;
using Cloud.Serving.Models;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;

namespace Cloud.Serving.Routing;

/// <summary>
/// Chooses the version that serves a request: explicit version &gt; label &gt; the model's traffic split (sticky
/// per routing key, random otherwise) &gt; label "stable" &gt; the newest servable version. Routing tables are
/// rebuilt from the registry by <see cref="RefreshAsync"/>; a new target is loaded before the table points at it,
/// and requests already holding the old version finish on it.
/// </summary>
internal sealed partial class ModelRouter(ModelRegistry registry, ModelCache cache, RoutingOptions options, ILogger<ModelRouter> logger)
{
    private readonly ConcurrentDictionary<string, RoutingTable> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshGates = new(StringComparer.Ordinal);

    // When each model's last rebuild began reading the registry (Stopwatch ticks): a request that missed waits for a
    // rebuild that began after it arrived, and any such rebuild answers every request waiting behind it.
    private readonly ConcurrentDictionary<string, long> _readSince = new(StringComparer.Ordinal);

    /// <summary>Models the router keeps a rebuild gate for: the registered ones, not every name a caller tried.</summary>
    internal int RememberedModels => _refreshGates.Count;

    public IReadOnlyCollection<RoutingTable> Tables => [.. _tables.Values];

    public RoutingTable? TableOf(string model) => _tables.GetValueOrDefault(model);

    public async Task<RouteResult> RouteAsync(string model, string? version, string? label, string? routingKey, CancellationToken cancellationToken)
    {
        if (version is not null && label is not null)
        {
            return RouteResult.Fail(RouteFailure.BadRequest, "Give a version or a label, not both.");
        }

        var arrived = Stopwatch.GetTimestamp();
        var table = _tables.GetValueOrDefault(model) ?? await RefreshSinceAsync(model, arrived, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            return RouteResult.Fail(RouteFailure.NotFound, $"Model '{model}' is not registered.");
        }

        if (version is not null)
        {
            if (!table.Versions.TryGetValue(version, out var status))
            {
                // The table may predate a version registered since: look again once before saying no.
                table = await RefreshSinceAsync(model, arrived, cancellationToken).ConfigureAwait(false) ?? table;
                if (!table.Versions.TryGetValue(version, out status))
                {
                    return RouteResult.Fail(RouteFailure.NotFound, $"Model '{model}' has no version '{version}'.");
                }
            }

            if (!table.Serves(status))
            {
                return RouteResult.Fail(RouteFailure.NotFound, table.RequireValidation && status.IsServable()
                    ? $"{model} {version} is {status.ToWireName()}; this model serves validated versions only."
                    : $"{model} {version} is {status.ToWireName()} and does not serve.");
            }

            return await LoadAsync(model, version, "version", cancellationToken).ConfigureAwait(false);
        }

        if (label is not null)
        {
            if (!table.Labels.ContainsKey(label))
            {
                // As for a version: a label made since the table was built (another host's management API, or this
                // one's, whose refresh runs after it answers) is looked for again once before saying no.
                table = await RefreshSinceAsync(model, arrived, cancellationToken).ConfigureAwait(false) ?? table;
            }

            return table.Labels.TryGetValue(label, out var labelled)
                ? await LoadAsync(model, labelled, "label:" + label, cancellationToken).ConfigureAwait(false)
                : RouteResult.Fail(RouteFailure.NotFound, $"Model '{model}' has no label '{label}'.");
        }

        if (table.Traffic.Count > 0)
        {
            var bucket = routingKey is null ? Random.Shared.Next(100) : StickyBucket.Of(routingKey);
            var chosen = StickyBucket.Pick(table.Traffic, bucket);
            if (table.Labels.TryGetValue(chosen, out var split))
            {
                return await LoadAsync(model, split, "traffic:" + chosen, cancellationToken).ConfigureAwait(false);
            }
        }

        if (table.Labels.TryGetValue("stable", out var stable))
        {
            return await LoadAsync(model, stable, "stable", cancellationToken).ConfigureAwait(false);
        }

        return table.Newest is { } newest
            ? await LoadAsync(model, newest, "newest", cancellationToken).ConfigureAwait(false)
            : RouteResult.Fail(RouteFailure.NotFound, $"Model '{model}' has no version that serves.");
    }

    /// <summary>Rebuilds every known model's table (and discovers new models).</summary>
    public async Task RefreshAllAsync(CancellationToken cancellationToken)
    {
        var models = new HashSet<string>(await registry.ListModelsAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        models.UnionWith(_tables.Keys);
        foreach (var model in models)
        {
            try
            {
                await RefreshAsync(model, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogRefreshFailed(model, error.Message);
            }
        }
    }

    /// <summary>Rebuilds one model's routing without making the caller wait; failures are logged.</summary>
    public void RefreshInBackground(string model) => _ = Task.Run(async () =>
    {
        try
        {
            await RefreshAsync(model, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            LogRefreshFailed(model, error.Message);
        }
    });

    /// <summary>
    /// Reads the model's registry state, loads any new target, and publishes the table. A target that fails to
    /// load leaves that route where it was (the failure shows in the cache status). Null when the model has no versions.
    /// </summary>
    public Task<RoutingTable?> RefreshAsync(string model, CancellationToken cancellationToken) =>
        RefreshSinceAsync(model, long.MaxValue, cancellationToken);

    /// <summary>
    /// <see cref="RefreshAsync"/> for a request that arrived at <paramref name="arrived"/> and found no route: a
    /// rebuild that began reading after that time has seen everything the request could expect, so a flood of
    /// requests for a label or version that does not exist costs one registry read per rebuild, not one per request.
    /// </summary>
    private async Task<RoutingTable?> RefreshSinceAsync(string model, long arrived, CancellationToken cancellationToken)
    {
        if (!ModelName.IsValid(model))
        {
            return null;
        }

        var gate = _refreshGates.GetOrAdd(model, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_readSince.TryGetValue(model, out var since) && since >= arrived)
            {
                return _tables.GetValueOrDefault(model);
            }

            _readSince[model] = Stopwatch.GetTimestamp();
            var versions = await registry.ListVersionsAsync(model, cancellationToken).ConfigureAwait(false);
            if (versions.Count == 0)
            {
                // Nothing is kept for a name with no versions: callers inventing model names cannot grow the router.
                // (A request already queued on this gate still finds it; a new one makes a new gate.)
                _tables.TryRemove(model, out _);
                _readSince.TryRemove(model, out _);
                _refreshGates.TryRemove(model, out _);
                return null;
            }

            var policy = await registry.GetPolicyAsync(model, cancellationToken).ConfigureAwait(false);
            var labels = await registry.GetLabelsAsync(model, cancellationToken).ConfigureAwait(false);
            var statuses = versions.ToDictionary(v => v.Version, v => v.Status, StringComparer.Ordinal);
            var desired = new RoutingTable(model, statuses,
                labels.Where(l => statuses.TryGetValue(l.Version, out var s) && s.ServesUnder(policy.RequireValidation)).ToDictionary(l => l.Label, l => l.Version, StringComparer.Ordinal),
                policy.Traffic,
                versions.FirstOrDefault(v => v.Status.ServesUnder(policy.RequireValidation))?.Version,
                policy.RequireValidation);

            var previous = _tables.GetValueOrDefault(model);
            var effective = options.PreloadTargets ? await LoadTargetsAsync(desired, previous, cancellationToken).ConfigureAwait(false) : desired;
            _tables[model] = effective;
            cache.Pin(_tables.Values.SelectMany(t => t.Targets.Select(v => (t.Model, v))));
            return effective;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<RoutingTable> LoadTargetsAsync(RoutingTable desired, RoutingTable? previous, CancellationToken cancellationToken)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in desired.Targets)
        {
            try
            {
                await cache.GetAsync(desired.Model, target, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelLoadException)
            {
                failed.Add(target); // logged by the cache, shown by the status API
            }
        }

        if (failed.Count == 0 || previous is null)
        {
            return desired;
        }

        // Keep routes whose new target failed to load on the version they served before, if it still serves.
        string? Keep(string? wanted, string? before) =>
            wanted is not null && failed.Contains(wanted) && before is not null && desired.Versions.TryGetValue(before, out var s) && desired.Serves(s) ? before : wanted;
        var labels = desired.Labels.ToDictionary(l => l.Key, l => Keep(l.Value, previous.Labels.GetValueOrDefault(l.Key))!, StringComparer.Ordinal);
        return desired with { Labels = labels, Newest = Keep(desired.Newest, previous.Newest) };
    }

    private ValueTask<RouteResult> LoadAsync(string model, string version, string route, CancellationToken cancellationToken) =>
        cache.TryGetAvailable(model, version) is { } loaded
            ? ValueTask.FromResult(RouteResult.Routed(new RouteDecision(loaded, route)))
            : LoadSlowAsync(model, version, route, cancellationToken);

    private async ValueTask<RouteResult> LoadSlowAsync(string model, string version, string route, CancellationToken cancellationToken)
    {
        try
        {
            return RouteResult.Routed(new RouteDecision(await cache.GetAsync(model, version, cancellationToken).ConfigureAwait(false), route));
        }
        catch (ModelLoadException error)
        {
            return RouteResult.Fail(RouteFailure.Unavailable, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the routing of {Model}: {Reason}")]
    private partial void LogRefreshFailed(string model, string reason);
}
