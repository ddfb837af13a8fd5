using Cloud.Jobs.Evaluation;
using Cloud.Jobs;
using Cloud.Jobs.Handlers;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Promotion;
using Cloud.Jobs.Queue;
using Cloud.Jobs.Queue.Sqlite;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Training;
using Cloud.Jobs.Validation;
using Cloud.Registry.History;
using Cloud.Registry.Promotion;
using Cloud.Registry.Traffic;
using Cloud.Registry;
using Cloud.Sdk.Jobs;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.TestSupport;

/// <summary>
/// The jobs room on the embedded backends (the Jobs table and the queue in a SQLite file, the jobs container a folder)
/// beside a <see cref="RegistryHarness"/>, on the real clock: the runner's heartbeats and the queue's locks are timers.
/// </summary>
internal sealed class JobsHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-jobs-");
    private JobRunner? _started;

    public JobsHarness(RegistryHarness registry, JobsOptions? options = null)
    {
        Registry = registry;
        Options = options ?? Quick;
        Table = new SqliteTableStore(Database, "Jobs", TimeProvider.System);
        Files = new FileSystemBlobStore(Path.Combine(_root.FullName, "jobs"), TimeProvider.System);
        Ledger = new JobLedger(Table, TimeProvider.System);
        Queue = OpenQueue();
        Submitter = new JobSubmitter(Ledger, Queue, NullLogger<JobSubmitter>.Instance);
    }

    /// <summary>Locks and heartbeats short enough for a test to see a lock run out, long enough for a loaded machine.</summary>
    public static JobsOptions Quick { get; } = new()
    {
        LockDuration = TimeSpan.FromSeconds(2),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        RetryBackoff = TimeSpan.FromMilliseconds(50),
        ReceiveWait = TimeSpan.FromMilliseconds(200),
        PollInterval = TimeSpan.FromMilliseconds(50),
        MaxDeliveryCount = 3,
    };

    public RegistryHarness Registry { get; }

    public JobsOptions Options { get; }

    public string Database => Path.Combine(_root.FullName, "cloud.db");

    public string WorkDirectory => Path.Combine(_root.FullName, "work");

    internal SqliteTableStore Table { get; }

    internal FileSystemBlobStore Files { get; }

    internal JobLedger Ledger { get; }

    internal SqliteJobQueue Queue { get; }

    internal JobSubmitter Submitter { get; }

    /// <summary>Another queue over the same file: another process's view of the queue.</summary>
    internal SqliteJobQueue OpenQueue(JobsOptions? options = null) =>
        new(Database, options ?? Options, TimeProvider.System, NullLogger<SqliteJobQueue>.Instance);

    /// <summary>A runner over this queue (or another one) with the given handlers, not started.</summary>
    internal JobRunner Runner(IEnumerable<IJobHandler> handlers, JobsOptions? options = null, IJobQueue? queue = null, bool untilEmpty = false, IHostApplicationLifetime? lifetime = null) =>
        new(queue ?? Queue, Ledger, new JobFiles(Files), handlers, options ?? Options, new JobRunnerMode(Worker: true, UntilEmpty: untilEmpty),
            new JobWorkspace(WorkDirectory), lifetime ?? new StoppedLifetime(), TimeProvider.System, NullLogger<JobRunner>.Instance);

    /// <summary>The validate handler on the harness's registry, with the model validator over its registered copies.</summary>
    internal ValidateJobHandler ValidateHandler(IVersionValidator? validator = null) => new(Registry.Registry,
        validator ?? new ModelVersionValidator(Registry.Validator(), Registry.Registry),
        History, Manifests, Promoter, Soak, Registry.Time);

    /// <summary>The promote handler over the harness's registry and the traffic statistics in its jobs container.</summary>
    internal PromoteJobHandler PromoteHandler() => new(Manifests, Traffic, Promoter, History, Soak, Registry.Time);

    /// <summary>Version histories, in the jobs container as the hosts keep them.</summary>
    internal VersionHistory History => new(Files);

    /// <summary>Per-version traffic statistics, in the jobs container as the hosts publish them.</summary>
    internal VersionTrafficStore Traffic => new(Files);

    internal RegisteredManifests Manifests => new(Registry.Registry, Registry.Content);

    internal VersionPromoter Promoter => new(Registry.Registry, History, Registry.Time);

    internal SoakScheduling Soak => new(Submitter, Registry.Registry, Traffic);

    /// <summary>The train handler on the harness's registry and stores, running trainers from <paramref name="trainersRoot"/>.</summary>
    internal TrainJobHandler TrainHandler(string trainersRoot) => new(TrainingSteps(trainersRoot));

    /// <summary>The tune handler on the harness's registry and stores, running trainers from <paramref name="trainersRoot"/>.</summary>
    internal TuneJobHandler TuneHandler(string trainersRoot) => new(TrainingSteps(trainersRoot), Files, new ValidationOptions(), TimeProvider.System);

    /// <summary>The train job's steps (the train and tune jobs share them) on the harness's registry and stores.</summary>
    internal TrainingSteps TrainingSteps(string trainersRoot) => new(Registry.Registry,
        new VersionAllocator(Registry.Table, Registry.Time), Registry.Blobs, Registry.Content, new JobFiles(Files),
        Options with { TrainersRoot = trainersRoot }, TimeProvider.System);

    public Task<JobInfo?> JobAsync(string id) => Ledger.GetAsync(id, CancellationToken.None);

    public async Task<JobInfo> WaitForAsync(string id, Func<JobInfo, bool> condition, string what)
    {
        JobInfo? job = null;
        await Eventually.TrueAsync(async () => (job = await JobAsync(id)) is { } found && condition(found), what);
        return job!;
    }

    /// <summary>Messages still on the queue, locked or not (settled and dead-lettered ones are not).</summary>
    public async Task<long> PendingMessagesAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM job_queue WHERE state = 'ready'";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The harness's runner over this queue with <paramref name="handlers"/>, started on the first call (later calls return
    /// it); stopped and disposed with the harness.
    /// </summary>
    internal async Task<JobRunner> StartRunnerAsync(IEnumerable<IJobHandler> handlers)
    {
        if (_started is null)
        {
            _started = Runner(handlers);
            await _started.StartAsync(CancellationToken.None);
        }

        return _started;
    }

    /// <summary>Stops the started runner, then deletes the queue, the files and the registry this harness runs beside.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.StopAsync(CancellationToken.None);
            _started.Dispose();
        }

        await Queue.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
        Registry.Dispose();
    }

    /// <summary>A host lifetime that records a stop request (what `worker --until-empty` asks for when the queue is drained).</summary>
    internal sealed class StoppedLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public bool StopRequested => _stopping.IsCancellationRequested;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
