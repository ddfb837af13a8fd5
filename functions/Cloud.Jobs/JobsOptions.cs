using Cloud.Registry.Settings;

namespace Cloud.Jobs;

/// <summary>Which queue jobs go through and how the runner takes them (section "Cloud:Jobs").</summary>
internal sealed record JobsOptions : ISettings
{
    public const string Sqlite = "sqlite";
    public const string ServiceBus = "servicebus";

    /// <summary>"sqlite" (the embedded queue, in the data folder's cloud.db) or "servicebus".</summary>
    public string Backend { get; init; } = Sqlite;

    /// <summary>A Service Bus connection string (a shared access key); or give <see cref="FullyQualifiedNamespace"/>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The Service Bus namespace (name.servicebus.windows.net), reached with DefaultAzureCredential (managed identity in Azure).</summary>
    public string? FullyQualifiedNamespace { get; init; }

    /// <summary>The queue: the Service Bus queue's name, or the embedded queue's.</summary>
    public string QueueName { get; init; } = "jobs";

    /// <summary>
    /// How many times a job may start (failures a retry may fix and runners that died mid-job together) before it is
    /// dead-lettered. Give the Service Bus queue's MaxDeliveryCount at least this value: the runner dead-letters first,
    /// with the job's error, and the queue's own limit stays a backstop for messages no runner can read.
    /// </summary>
    public int MaxDeliveryCount { get; init; } = 5;

    /// <summary>
    /// How long a received message stays locked to its runner without renewal: the embedded queue's lock, and on Service
    /// Bus the queue's LockDuration (at most 5 minutes there). A runner that dies is replaced after this long.
    /// </summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a running job's lock is renewed, its log tail written to its row and its cancel flag read. Well under
    /// <see cref="LockDuration"/>, so one missed renewal does not lose the lock.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many jobs one runner runs at once.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Longest a job may run; then it fails (retrying a job that ran out of time would run out again).</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The wait before a failed job's first retry; each later retry waits twice as long as the one before, up to 32 times this.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the runner waits for a message before it looks again (and `worker --until-empty` decides the queue is drained).</summary>
    public TimeSpan ReceiveWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the embedded queue looks for messages that other processes enqueued (its own are seen at once).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether this host runs jobs itself (the local host does by default; a serving host with separate workers sets false).</summary>
    public bool RunJobs { get; init; } = true;

    /// <summary>
    /// The folder train jobs' trainers live in: a job's <c>spec.command[0]</c> is a path inside it. Relative to the
    /// current directory; the default is the repository's samples/trainers, for the local host run from the repository.
    /// </summary>
    public string TrainersRoot { get; init; } = Path.Combine("samples", "trainers");

    /// <summary>The Python that runs <c>.py</c> trainers (Debian's, with its python3-numpy and python3-onnx packages).</summary>
    public string Python { get; init; } = "/usr/bin/python3";

    public bool IsServiceBus => string.Equals(Backend, ServiceBus, StringComparison.OrdinalIgnoreCase);

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first).</summary>
    public TimeSpan BackoffBefore(int retry) => RetryBackoff * (1 << Math.Clamp(retry - 1, 0, 5));

    public IEnumerable<string> Validate(string section)
    {
        if (!string.Equals(Backend, Sqlite, StringComparison.OrdinalIgnoreCase) && !IsServiceBus)
        {
            yield return $"{section}:{nameof(Backend)} must be '{Sqlite}' or '{ServiceBus}'; got '{Backend}'.";
        }

        if (IsServiceBus && string.IsNullOrWhiteSpace(ConnectionString) == string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            yield return $"{section}:{nameof(Backend)} '{ServiceBus}' needs one of {section}:{nameof(ConnectionString)} and {section}:{nameof(FullyQualifiedNamespace)}.";
        }

        // Service Bus's rule for queue names, which the embedded queue follows too so a name moves between them.
        if (string.IsNullOrEmpty(QueueName) || QueueName.Length > 260 || !char.IsAsciiLetterOrDigit(QueueName[0])
            || QueueName.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_')))
        {
            yield return $"{section}:{nameof(QueueName)} must be 1 to 260 letters, digits, '.', '-' or '_', starting with a letter or digit; got '{QueueName}'.";
        }

        foreach (var (key, value) in new[] { (nameof(MaxDeliveryCount), MaxDeliveryCount), (nameof(Concurrency), Concurrency) })
        {
            if (value < 1)
            {
                yield return $"{section}:{key} must be at least 1; got {value}.";
            }
        }

        foreach (var (key, value) in new[]
        {
            (nameof(LockDuration), LockDuration), (nameof(HeartbeatInterval), HeartbeatInterval), (nameof(JobTimeout), JobTimeout),
            (nameof(RetryBackoff), RetryBackoff), (nameof(ReceiveWait), ReceiveWait), (nameof(PollInterval), PollInterval),
        })
        {
            foreach (var problem in SettingsServiceCollectionExtensions.Positive(section, key, value))
            {
                yield return problem;
            }
        }

        if (IsServiceBus && LockDuration > TimeSpan.FromMinutes(5))
        {
            yield return $"{section}:{nameof(LockDuration)} is at most 00:05:00 on Service Bus (longer jobs live on lock renewal); got {LockDuration}.";
        }

        if (string.IsNullOrWhiteSpace(TrainersRoot) || string.IsNullOrWhiteSpace(Python))
        {
            yield return $"{section}:{nameof(TrainersRoot)} and {section}:{nameof(Python)} must not be empty.";
        }

        if (HeartbeatInterval * 2 > LockDuration)
        {
            yield return $"{section}:{nameof(HeartbeatInterval)} must be at most half of {section}:{nameof(LockDuration)} ({LockDuration}), so one late renewal does not lose the lock; got {HeartbeatInterval}.";
        }
    }
}
