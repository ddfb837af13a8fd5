using System.Text.Json;
using Cloud.Jobs.Queue;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Tests.Queue;

/// <summary>
/// What every jobs queue backend does (IJobQueue's contract), run on each: the embedded queue for real, Service Bus
/// through the SDK's test doubles. The clock is the tests' (locks and delays move only when a test advances it); the
/// waits are real but short, and a negative answer ("nothing to receive") waits <see cref="Nothing"/>.
/// </summary>
public abstract class JobQueueContract : IAsyncDisposable
{
    protected static readonly TimeSpan Nothing = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Something = TestTimeout.Value;
    private readonly List<IJobQueue> _opened = [];

    protected TestClock Clock { get; } = new();

    internal static JobsOptions Options { get; } = new()
    {
        LockDuration = TimeSpan.FromSeconds(30),
        MaxDeliveryCount = 3,
        PollInterval = TimeSpan.FromMilliseconds(10),
        Concurrency = 1,
    };

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var queue in _opened)
        {
            await queue.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AMessageIsReceivedAsSentWithItsSpecAndDeliveryCountOne()
    {
        var queue = Open();
        var sent = Job("job-1", spec: """{"seconds": 3, "note": "ünïcode"}""");
        await queue.EnqueueAsync(sent, TimeSpan.Zero, CancellationToken.None);

        var lease = await ReceiveAsync(queue);
        await lease.CompleteAsync(CancellationToken.None);

        AssertSame(sent, lease.Message);
        Assert.Equal(1, lease.DeliveryCount);
        Assert.Null(await queue.ReceiveAsync(Nothing, CancellationToken.None));
    }

    [Fact]
    public async Task AnEmptyQueueAnswersNullAfterTheWait()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.Null(await Open().ReceiveAsync(Nothing, CancellationToken.None));
        Assert.True(clock.Elapsed >= Nothing * 0.9, $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task ALockedMessageGoesToNoOtherReceiver()
    {
        var first = Open();
        await first.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        var lease = await ReceiveAsync(first);

        Assert.Null(await Open().ReceiveAsync(Nothing, CancellationToken.None));
        await lease.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AReceiverThatDiesLeavesTheMessageToTheNextOnceItsLockRunsOut()
    {
        var dying = Open();
        await dying.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        var lost = await ReceiveAsync(dying);
        await StopAsync(dying); // the process died holding the message: nothing settles it, nothing renews it

        var next = Open();
        Assert.Null(await next.ReceiveAsync(Nothing, CancellationToken.None));
        Clock.Advance(Options.LockDuration + TimeSpan.FromSeconds(1));
        var again = await ReceiveAsync(next);

        Assert.Equal(("job-1", 1, 2), (again.Message.Id, again.Message.Attempt, again.DeliveryCount));
        await Assert.ThrowsAsync<JobLockLostException>(() => lost.CompleteAsync(CancellationToken.None));
        await again.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RenewingKeepsTheLockPastItsDuration()
    {
        var queue = Open();
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        var lease = await ReceiveAsync(queue);

        for (var i = 0; i < 3; i++)
        {
            Clock.Advance(Options.LockDuration * 0.75);
            await lease.RenewAsync(CancellationToken.None);
        }

        Assert.Null(await Open().ReceiveAsync(Nothing, CancellationToken.None));
        await lease.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ADelayedMessageIsDeliveredOnlyOnceItsDelayHasPassed()
    {
        var queue = Open();
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Null(await queue.ReceiveAsync(Nothing, CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var lease = await ReceiveAsync(queue);

        Assert.Equal("job-1", lease.Message.Id);
        await lease.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task TheSameIdAndAttemptSentAgainIsDeliveredOnceEvenAfterItWasCompleted()
    {
        var queue = Open();
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);

        var lease = await ReceiveAsync(queue);
        await lease.CompleteAsync(CancellationToken.None);
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None); // a redelivered trigger's late copy

        Assert.Null(await queue.ReceiveAsync(Nothing, CancellationToken.None));
    }

    [Fact]
    public async Task ARetryIsTheNextAttemptDeliveredAfterItsBackoffNotDroppedAsADuplicate()
    {
        var queue = Open();
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        var first = await ReceiveAsync(queue);

        await first.RetryAsync(TimeSpan.FromSeconds(40), CancellationToken.None);
        Assert.Null(await queue.ReceiveAsync(Nothing, CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(40));
        var second = await ReceiveAsync(queue);

        Assert.Equal(("job-1", 2, 1), (second.Message.Id, second.Message.Attempt, second.DeliveryCount));
        Assert.Equal(first.Message with { Attempt = 2 }, second.Message with { Spec = first.Message.Spec });
        await second.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ADeadLetteredMessageLeavesTheQueueWithItsReason()
    {
        var queue = Open();
        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        var lease = await ReceiveAsync(queue);

        await lease.DeadLetterAsync("MaxAttemptsExceeded", "Failed 3 times; the last error: the dataset is gone", CancellationToken.None);

        Assert.Null(await queue.ReceiveAsync(Nothing, CancellationToken.None));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("job-1:1", "job-1", "MaxAttemptsExceeded", "Failed 3 times; the last error: the dataset is gone"),
            (dead.MessageId, dead.Message?.Id, dead.Reason, dead.Description));
    }

    [Fact]
    public async Task AMessageDeliveredAsOftenAsTheQueueAllowsWithoutSettlingIsDeadLettered()
    {
        await Open().EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        for (var delivery = 1; delivery <= Options.MaxDeliveryCount; delivery++)
        {
            var receiver = Open();
            Assert.Equal(delivery, (await ReceiveAsync(receiver)).DeliveryCount);
            await StopAsync(receiver);
            Clock.Advance(Options.LockDuration + TimeSpan.FromSeconds(1));
        }

        var last = Open();
        Assert.Null(await last.ReceiveAsync(Nothing, CancellationToken.None));
        var dead = Assert.Single(await last.PeekDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("job-1", "MaxDeliveryCountExceeded"), (dead.Message?.Id, dead.Reason));
    }

    [Fact]
    public async Task ABodyThatIsNoJobMessageIsDeadLetteredNotDelivered()
    {
        var queue = Open();
        await EnqueueRawAsync(queue, "junk:1", "{\"hello\": \"world\"}"u8.ToArray());

        Assert.Null(await queue.ReceiveAsync(Nothing, CancellationToken.None));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("junk:1", null, "NotAJob"), (dead.MessageId, dead.Message, dead.Reason));
    }

    [Fact]
    public async Task ConcurrentReceiversTakeEachMessageExactlyOnce()
    {
        var sender = Open();
        var ids = Enumerable.Range(1, 20).Select(i => $"job-{i}").ToArray();
        foreach (var id in ids)
        {
            await sender.EnqueueAsync(Job(id), TimeSpan.Zero, CancellationToken.None);
        }

        var taken = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Open()).ToArray().Select(receiver => Task.Run(async () =>
        {
            while (await receiver.ReceiveAsync(Nothing, CancellationToken.None) is { } lease)
            {
                taken.Add(lease.Message.Id);
                await lease.CompleteAsync(CancellationToken.None);
            }
        })));

        Assert.Equal(ids.Order(StringComparer.Ordinal), taken.Order(StringComparer.Ordinal));
    }

    /// <summary>A queue over the backend's one store (as another process would open it).</summary>
    internal IJobQueue Open()
    {
        var queue = Create();
        _opened.Add(queue);
        return queue;
    }

    internal abstract IJobQueue Create();

    /// <summary>Stops a receiver as a process dies: whatever it holds stays unsettled and is renewed no more.</summary>
    internal abstract Task StopAsync(IJobQueue queue);

    /// <summary>Puts a message whose body another producer wrote on the queue.</summary>
    internal abstract Task EnqueueRawAsync(IJobQueue queue, string messageId, byte[] body);

    internal static JobMessage Job(string id, int attempt = 1, string? spec = null) =>
        new(id, JobKinds.Validate, "iris", "1.0.0", spec is null ? null : JsonDocument.Parse(spec).RootElement.Clone(), attempt);

    private static async Task<IJobLease> ReceiveAsync(IJobQueue queue) =>
        await queue.ReceiveAsync(Something, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException("no message was delivered");

    private static void AssertSame(JobMessage expected, JobMessage actual)
    {
        Assert.Equal(expected with { Spec = null }, actual with { Spec = null });
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected.Spec!.Value.GetRawText()),
            System.Text.Json.Nodes.JsonNode.Parse(actual.Spec!.Value.GetRawText())), $"spec {actual.Spec} is not {expected.Spec}");
    }
}
