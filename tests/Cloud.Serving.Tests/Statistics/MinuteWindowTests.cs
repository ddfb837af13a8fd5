using Cloud.Serving.Statistics;

namespace Cloud.Serving.Tests.Statistics;

/// <summary>
/// The last hour, minute by minute: answers land in their wall-clock minute, a read is always the 60 minutes ending at
/// now (oldest first, zeros where nothing was answered), and a slot is reused an hour later without its old counts.
/// </summary>
public sealed class MinuteWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnswersAreCountedInTheirMinuteByStatusAndLatency()
    {
        var window = new MinuteWindow();
        window.Record(Start.AddSeconds(5), 200, latencyBucket: 3);
        window.Record(Start.AddSeconds(59), 503, latencyBucket: 3);
        window.Record(Start.AddSeconds(60), 404, latencyBucket: 7);

        var minutes = window.Read(Start.AddMinutes(1).AddSeconds(30));

        Assert.Equal(60, minutes.Length);
        Assert.Equal(Start.AddMinutes(-58), minutes[0].At);
        Assert.Equal(Start.AddMinutes(1), minutes[^1].At);
        var (first, second) = (minutes[^2], minutes[^1]);
        Assert.Equal((Start, 2L, 1L, 0L, 2L), (first.At, first.Requests, first.ServerErrors, first.ClientErrors, first.LatencyBuckets[3]));
        Assert.Equal((1L, 0L, 1L, 1L), (second.Requests, second.ServerErrors, second.ClientErrors, second.LatencyBuckets[7]));
        Assert.All(minutes[..^2], m => Assert.Equal(0, m.Requests + m.LatencyBuckets.Sum()));
    }

    [Fact]
    public void AMinuteOlderThanAnHourIsNeitherReadNorAddedToItsSlotsNextUse()
    {
        var window = new MinuteWindow();
        window.Record(Start, 200, latencyBucket: 1);
        window.Record(Start, 200, latencyBucket: 1);

        // 60 minutes later the same slot holds the new minute; the old one has left the hour.
        Assert.Equal(0, window.Read(Start.AddMinutes(60)).Sum(m => m.Requests));
        window.Record(Start.AddMinutes(60), 500, latencyBucket: 2);
        var minutes = window.Read(Start.AddMinutes(60));

        Assert.Equal((1L, 1L, 0L, 1L), (minutes[^1].Requests, minutes[^1].ServerErrors, minutes[^1].LatencyBuckets[1], minutes[^1].LatencyBuckets[2]));
        Assert.Equal(1, minutes.Sum(m => m.Requests));
        // Read from the old minute's point of view, the slot no longer holds it.
        Assert.Equal(0, window.Read(Start).Sum(m => m.Requests));
    }

    [Fact]
    public async Task ConcurrentAnswersAcrossAMinuteBoundaryAreAllCounted()
    {
        var window = new MinuteWindow();
        const int Threads = 8, PerThread = 5_000;
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                // Half of each thread's answers in each of two minutes, interleaved, so the rollover races with counting.
                window.Record(Start.AddSeconds(59 + (i % 2)), 200, latencyBucket: 0);
            }
        })));

        var minutes = window.Read(Start.AddMinutes(1));

        Assert.Equal((Threads * PerThread / 2L, Threads * PerThread / 2L), (minutes[^2].Requests, minutes[^1].Requests));
    }
}
