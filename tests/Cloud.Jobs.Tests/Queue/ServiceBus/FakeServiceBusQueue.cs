using Azure.Messaging.ServiceBus;

namespace Cloud.Jobs.Tests.Queue.ServiceBus;

/// <summary>
/// One Service Bus queue as the broker keeps it, for the SDK's test doubles to act on (there is no emulator here).
/// It keeps the rules our backend relies on, as Service Bus documents them: peek-lock with a lock token and a lock
/// that runs out (renewed for as long as a processor's handler runs: the processor's automatic renewal); duplicate
/// detection on MessageId; scheduled messages; abandon and lock expiry raise the delivery count, and a message
/// released with its delivery count at MaxDeliveryCount goes to the dead-letter sub-queue with reason
/// MaxDeliveryCountExceeded; settling with a lost lock fails with <see cref="ServiceBusFailureReason.MessageLockLost"/>.
/// </summary>
internal sealed class FakeServiceBusQueue(TimeProvider clock, TimeSpan lockDuration, int maxDeliveryCount)
{
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private readonly List<Entry> _active = [];
    private readonly List<Entry> _dead = [];
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Every message a sender sent, duplicates included, as sent.</summary>
    public List<ServiceBusMessage> Sent { get; } = [];

    public void Send(ServiceBusMessage message)
    {
        lock (_lock)
        {
            Sent.Add(message);
            var now = clock.GetUtcNow();
            if (_seen.TryGetValue(message.MessageId, out var at) && now - at < DuplicateWindow)
            {
                return;
            }

            _seen[message.MessageId] = now;
            _active.Add(new Entry(message.MessageId, message.Body, ++_sequence, message.ScheduledEnqueueTime > now ? message.ScheduledEnqueueTime : now));
        }
    }

    /// <summary>Locks the next deliverable message for a processor's handler.</summary>
    public ServiceBusReceivedMessage? TryLock()
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            foreach (var expired in _active.Where(e => e.LockToken is not null && !e.Handling && e.LockedUntil <= now).ToArray())
            {
                Release(expired, now);
            }

            var next = _active.Where(e => e.LockToken is null && e.VisibleAt <= now).OrderBy(e => e.VisibleAt).ThenBy(e => e.Sequence).FirstOrDefault();
            if (next is null)
            {
                return null;
            }

            next.DeliveryCount++;
            next.LockToken = Guid.NewGuid();
            next.LockedUntil = now + lockDuration;
            next.Handling = true;
            return ServiceBusModelFactory.ServiceBusReceivedMessage(
                body: next.Body, messageId: next.MessageId, lockTokenGuid: next.LockToken.Value, deliveryCount: next.DeliveryCount,
                lockedUntil: next.LockedUntil, sequenceNumber: next.Sequence, enqueuedTime: next.VisibleAt);
        }
    }

    /// <summary>The handler returned: the processor stops renewing, so an unsettled lock runs out one lock duration from now.</summary>
    public void HandlerReturned(Guid lockToken)
    {
        lock (_lock)
        {
            if (_active.FirstOrDefault(e => e.LockToken == lockToken) is { } entry)
            {
                entry.Handling = false;
                entry.LockedUntil = clock.GetUtcNow() + lockDuration;
            }
        }
    }

    public void Complete(Guid lockToken) => Settle(lockToken, entry => _active.Remove(entry));

    public void Abandon(Guid lockToken) => Settle(lockToken, entry => Release(entry, clock.GetUtcNow()));

    public void DeadLetter(Guid lockToken, string? reason, string? description) => Settle(lockToken, entry => MoveToDeadLetters(entry, reason, description));

    public DateTimeOffset Renew(Guid lockToken)
    {
        var until = DateTimeOffset.MinValue;
        Settle(lockToken, entry => until = entry.LockedUntil = clock.GetUtcNow() + lockDuration, keep: true);
        return until;
    }

    public IReadOnlyList<ServiceBusReceivedMessage> PeekDeadLetters(int max)
    {
        lock (_lock)
        {
            return _dead.Take(max).Select(e => ServiceBusModelFactory.ServiceBusReceivedMessage(
                body: e.Body, messageId: e.MessageId, sequenceNumber: e.Sequence, deliveryCount: e.DeliveryCount,
                properties: new Dictionary<string, object>
                {
                    ["DeadLetterReason"] = e.DeadLetterReason ?? string.Empty,
                    ["DeadLetterErrorDescription"] = e.DeadLetterDescription ?? string.Empty,
                })).ToArray();
        }
    }

    private void Settle(Guid lockToken, Action<Entry> settle, bool keep = false)
    {
        lock (_lock)
        {
            var entry = _active.FirstOrDefault(e => e.LockToken == lockToken);
            if (entry is null || (!entry.Handling && entry.LockedUntil <= clock.GetUtcNow()))
            {
                throw new ServiceBusException("The lock supplied is invalid: it expired, or the message was taken by another receiver.", ServiceBusFailureReason.MessageLockLost);
            }

            settle(entry);
        }
    }

    private void Release(Entry entry, DateTimeOffset now)
    {
        entry.LockToken = null;
        entry.Handling = false;
        entry.VisibleAt = now;
        if (entry.DeliveryCount >= maxDeliveryCount)
        {
            MoveToDeadLetters(entry, "MaxDeliveryCountExceeded", $"Message could not be consumed after {maxDeliveryCount} delivery attempts.");
        }
    }

    private void MoveToDeadLetters(Entry entry, string? reason, string? description)
    {
        _active.Remove(entry);
        entry.LockToken = null;
        (entry.DeadLetterReason, entry.DeadLetterDescription) = (reason, description);
        _dead.Add(entry);
    }

    private sealed class Entry(string messageId, BinaryData body, long sequence, DateTimeOffset visibleAt)
    {
        public string MessageId => messageId;

        public BinaryData Body => body;

        public long Sequence => sequence;

        public DateTimeOffset VisibleAt { get; set; } = visibleAt;

        public int DeliveryCount { get; set; }

        public Guid? LockToken { get; set; }

        public DateTimeOffset LockedUntil { get; set; }

        public bool Handling { get; set; }

        public string? DeadLetterReason { get; set; }

        public string? DeadLetterDescription { get; set; }
    }
}
