using System.Collections.Concurrent;
using System.Security.Cryptography;
using Cloud.Registry.Onnx;
using Cloud.Registry;
using Cloud.Registry.Registered;
using Cloud.Serving.Batching;
using Cloud.Serving.Protocols;
using Cloud.Serving.Telemetry;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;

namespace Cloud.Serving.Models;

/// <summary>
/// Loaded model versions. A load reads the version's registered copies (<see cref="RegisteredContent"/>: what
/// registration hashed and checked, which no upload into the model folder can change), downloads the model file to the
/// local file cache (verifying its SHA-256 against the registry), creates the ORT session, warms it up with one run (<see cref="ModelWarmUp"/>) and starts the version's micro-batcher; only
/// then does the version count as available. One load per version at a time, whoever asks. Versions beyond the
/// memory budget or count limit are unloaded least-recently-used first, never one that routing currently targets.
/// </summary>
internal sealed partial class ModelCache(RegisteredContent content, ModelRegistry registry, ModelCacheOptions options, BatchingOptions batchingDefaults, TimeProvider time, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Model, string Version), Entry> _entries = new();
    private readonly ILogger _log = loggers.CreateLogger<ModelCache>();
    private readonly ModelWarmUp _warmUp = new(content, loggers.CreateLogger<ModelCache>());
    private readonly SemaphoreSlim _evictionGate = new(1, 1);
    private volatile HashSet<(string, string)> _pinned = [];

    /// <summary>The version if it is loaded and available, without loading anything.</summary>
    public LoadedModel? TryGetAvailable(string model, string version) =>
        _entries.TryGetValue((model, version), out var entry) && entry.Task.IsCompletedSuccessfully ? entry.Task.Result : null;

    /// <summary>The version, loading it first when needed (one load per version whoever asks).</summary>
    /// <exception cref="ModelLoadException">The version cannot be loaded; the message says why.</exception>
    public async Task<LoadedModel> GetAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var key = (model, version);
        while (true)
        {
            // The Lazy makes the load start once even when two callers race to add the entry.
            var entry = _entries.GetOrAdd(key, k => new Entry(new Lazy<Task<LoadedModel>>(() => LoadThenEvictAsync(k)), time.GetUtcNow()));
            if (entry.Task.IsFaulted && time.GetUtcNow() - entry.Since >= options.FailedLoadRetryAfter)
            {
                _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
                continue;
            }

            return await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Versions routing currently targets: never unloaded to make room.</summary>
    public void Pin(IEnumerable<(string Model, string Version)> versions) => _pinned = [.. versions];

    public IReadOnlyList<ModelLoadStatus> GetStatus()
    {
        var status = new List<ModelLoadStatus>();
        foreach (var ((model, version), entry) in _entries)
        {
            var task = entry.Task;
            status.Add(task.IsCompletedSuccessfully
                ? new ModelLoadStatus(model, version, ModelLoadState.Available, null, task.Result.LoadedAt, task.Result.EstimatedBytes, task.Result.Batcher.GetStatistics(), task.Result.WarmUp)
                : task.IsFaulted
                    ? new ModelLoadStatus(model, version, ModelLoadState.Failed, task.Exception!.InnerException!.Message, entry.Since, 0, null)
                    : new ModelLoadStatus(model, version, ModelLoadState.Loading, null, entry.Since, 0, null));
        }

        return status.OrderBy(s => s.Model, StringComparer.Ordinal).ThenBy(s => s.Version, StringComparer.Ordinal).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Task.IsCompletedSuccessfully)
            {
                await entry.Task.Result.DisposeAsync().ConfigureAwait(false);
            }
        }

        _entries.Clear();
    }

    /// <summary>Loads, and once the version counts as loaded, makes room for it by unloading others if needed.</summary>
    private async Task<LoadedModel> LoadThenEvictAsync((string Model, string Version) key)
    {
        var loaded = await LoadAsync(key.Model, key.Version).ConfigureAwait(false);
        _ = Task.Run(() => EvictAsync(key));
        return loaded;
    }

    private async Task<LoadedModel> LoadAsync(string model, string version)
    {
        await Task.Yield(); // never load on the caller's stack while it holds the dictionary's factory
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? file = null;
        string? modelFile = null;
        try
        {
            var row = await registry.GetVersionRowAsync(model, version, CancellationToken.None).ConfigureAwait(false)
                ?? throw new ModelLoadException($"Model '{model}' has no version '{version}'.");
            var info = RegistryRows.ToVersion(row);
            if (!info.Status.IsServable() || info.Sha256 is null || info.ModelFile is null)
            {
                throw new ModelLoadException($"{model} {version} is {info.Status.ToWireName()} and does not serve.");
            }

            // Only registration's copies are served, never the folder an upload can change.
            var files = RegistryRows.FilesOf(row) ?? throw new ModelLoadException(
                $"{model} {version} was registered before registration kept copies of its files; it serves once the store scanner (or the next event for its folder) has copied them.");
            var manifest = await ReadManifestAsync(files).ConfigureAwait(false);
            modelFile = info.ModelFile;
            if (MemoryNeed.FileProblem(model, version, info.Size ?? 0, options) is { } tooBig)
            {
                throw new ModelLoadException(tooBig);
            }

            file = await EnsureLocalFileAsync(files, info.ModelFile, info.Sha256).ConfigureAwait(false);
            var session = ModelSessions.Open(file, options, _log);
            try
            {
                var runner = new SessionRunner(session);
                if (MemoryNeed.InputProblem(model, version, runner.Inputs, RunMemory.Limit) is { } unfit)
                {
                    throw new ModelLoadException(unfit);
                }

                var served = new ServedModel(model, version, runner.Inputs, runner.Outputs,
                    manifest.Inputs.ToDictionary(i => i.Key, i => i.Value.FeatureNames, StringComparer.Ordinal))
                {
                    AllowNonFinite = manifest.AllowNonFinite,
                };
                var warmUp = await _warmUp.RunAsync(runner, served, manifest, files).ConfigureAwait(false);
                var batching = BatchingFor(served.Signature, manifest.Batching);
                var batcher = new MicroBatcher<InferenceRequest, InferenceResponse>(new SessionBatchExecutor(runner), batching, time,
                    loggers.CreateLogger("Cloud.Batching"), $"{model} {version}", telemetry: new BatcherTelemetry(model, version));
                var loaded = new LoadedModel(served, info.Sha256, session, batcher, (long)(new FileInfo(file).Length * options.MemoryPerModelByte), time.GetUtcNow())
                {
                    WarmUp = warmUp,
                };
                LogLoaded(model, version, clock.Elapsed.TotalMilliseconds, batching.Enabled, batching.MaxBatchSize);
                ServingTelemetry.Loaded(model, version, clock.Elapsed, failed: false);
                return loaded;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch (Exception error) when (error is not ModelLoadException)
        {
            LogLoadFailed(model, version, error.Message);
            ServingTelemetry.Loaded(model, version, clock.Elapsed, failed: true);
            var message = file is null ? error.Message : OrtErrors.NamingUserFile(error.Message, file, $"{model}/{version}/{modelFile}");
            throw new ModelLoadException($"{model} {version} could not be loaded: {message}", error);
        }
        catch (ModelLoadException error)
        {
            LogLoadFailed(model, version, error.Message);
            ServingTelemetry.Loaded(model, version, clock.Elapsed, failed: true);
            throw;
        }
    }

    private async Task<ModelManifest> ReadManifestAsync(RegisteredFiles files)
    {
        var bytes = await content.ReadAllBytesAsync(files, ModelManifest.FileName).ConfigureAwait(false)
            ?? throw new ModelLoadException(files.MissingCopy(ModelManifest.FileName));
        var read = ManifestReader.Read(bytes, files.Model, files.Version);
        return read.Manifest ?? throw new ModelLoadException($"{files.DisplayPath(ModelManifest.FileName)} is no longer valid: {read.Describe()}");
    }

    /// <summary>The model file in the local cache, downloaded and verified when it is not there (or not intact).</summary>
    private async Task<string> EnsureLocalFileAsync(RegisteredFiles files, string modelFile, string sha256)
    {
        var directory = Path.Combine(options.Directory ?? Path.Combine(Path.GetTempPath(), "cloud-cache"), files.Model, files.Version);
        var path = Path.Combine(directory, sha256 + ".onnx");
        if (File.Exists(path) && await HashFileAsync(path).ConfigureAwait(false) == sha256)
        {
            return path;
        }

        Directory.CreateDirectory(directory);
        var partial = path + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            // Downloaded in parallel ranges where the store has them, then hashed from the file in one read and checked.
            if (!await content.DownloadAsync(files, modelFile, partial).ConfigureAwait(false))
            {
                throw new ModelLoadException(files.MissingCopy(modelFile));
            }

            File.Move(partial, path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task<string> HashFileAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream).ConfigureAwait(false));
    }

    /// <summary>The host's batching settings with the manifest's overrides; off for models that cannot batch (see <see cref="ServedSignature.Batchable"/>).</summary>
    private BatchingOptions BatchingFor(ServedSignature signature, BatchingOverrides? overrides)
    {
        var batching = batchingDefaults.With(overrides);
        return signature.Batchable ? batching : batching with { Enabled = false };
    }

    private async Task EvictAsync((string, string) justLoaded)
    {
        // Runs beside the load that scheduled it: wait until that version counts as loaded before counting.
        if (_entries.TryGetValue(justLoaded, out var entry))
        {
            await entry.Task.ConfigureAwait(false);
        }

        await _evictionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            while (true)
            {
                var loaded = _entries.Where(e => e.Value.Task.IsCompletedSuccessfully).Select(e => (Key: e.Key, Model: e.Value.Task.Result)).ToList();
                var total = loaded.Sum(l => l.Model.EstimatedBytes);
                if (loaded.Count <= options.MaxLoadedVersions && total <= options.MemoryBudgetBytes)
                {
                    return;
                }

                var pinned = _pinned;
                // The most recently used version always stays, rather than the one whose load scheduled this pass:
                // a pass that runs late, after a newer version loaded, must not evict that newer version.
                var newest = loaded.MaxBy(l => l.Model.LastUsedTicks).Key;
                var victim = loaded.Where(l => l.Key != newest && !pinned.Contains(l.Key)).OrderBy(l => l.Model.LastUsedTicks).FirstOrDefault();
                if (victim.Model is null)
                {
                    LogOverBudget(total, options.MemoryBudgetBytes, loaded.Count);
                    return;
                }

                _entries.TryRemove(victim.Key, out _);
                LogEvicted(victim.Model.Model, victim.Model.Version);
                ServingTelemetry.Evicted(victim.Model.Model, victim.Model.Version);
                await victim.Model.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _evictionGate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Model} {Version} in {ElapsedMs:F0} ms (batching {Batching}, max batch {MaxBatchSize})")]
    private partial void LogLoaded(string model, string version, double elapsedMs, bool batching, int maxBatchSize);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load {Model} {Version}: {Reason}")]
    private partial void LogLoadFailed(string model, string version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Model} {Version} (least recently used, over the cache's limits)")]
    private partial void LogEvicted(string model, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model cache holds {Bytes} estimated bytes in {Count} versions, over its budget of {Budget}, but every version is in use by routing")]
    private partial void LogOverBudget(long bytes, long budget, int count);

    private sealed record Entry(Lazy<Task<LoadedModel>> Load, DateTimeOffset Since)
    {
        public Task<LoadedModel> Task => Load.Value;
    }
}
