using Cloud.Jobs.Queue;
using Cloud.Jobs.Queue.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Jobs.Tests.Queue;

/// <summary>The queue contract on the embedded queue, for real: a SQLite file that every queue instance (every process) opens.</summary>
public sealed class SqliteJobQueueTests : JobQueueContract
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-queue-");

    private string Database => Path.Combine(_root.FullName, "cloud.db");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task MessagesSurviveARestartOfEveryProcess()
    {
        var before = Open();
        await before.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        await before.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var lease = await Open().ReceiveAsync(TestTimeout.Value, CancellationToken.None);

        Assert.Equal("job-1", lease?.Message.Id);
    }

    [Fact]
    public async Task AMessageEnqueuedHereWakesAWaitingReceiverAtOnce()
    {
        var queue = new SqliteJobQueue(Database, Options with { PollInterval = TimeSpan.FromMinutes(1) }, Clock, NullLogger<SqliteJobQueue>.Instance);
        await using var _ = queue;
        var receiving = queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal("job-1", (await receiving.WaitAsync(TestTimeout.Value))?.Message.Id);
    }

    internal override IJobQueue Create() => new SqliteJobQueue(Database, Options, Clock, NullLogger<SqliteJobQueue>.Instance);

    internal override Task StopAsync(IJobQueue queue) => queue.DisposeAsync().AsTask();

    internal override Task EnqueueRawAsync(IJobQueue queue, string messageId, byte[] body) =>
        ((SqliteJobQueue)queue).EnqueueRawAsync(messageId, body, CancellationToken.None);
}
