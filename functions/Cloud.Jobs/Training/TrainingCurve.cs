using System.Text;
using System.Text.Json;
using Cloud.Jobs.Ledger;

namespace Cloud.Jobs.Training;

/// <summary>
/// Follows the metrics file a trainer appends to (CLOUD_METRICS: one JSON object per line, a step or an epoch each) while
/// it runs, and keeps what it reads as the job's curve: the blob jobs/{id}/curve.jsonl, stored again every
/// <see cref="UploadInterval"/> while lines arrive and once more when the trainer ends. The blob beside the job, never
/// the row: a curve may hold thousands of points. Lines that are not JSON objects are left out (and counted), a line
/// is at most <see cref="MaxLineBytes"/>, and the curve at most <see cref="MaxBytes"/>: a trainer cannot grow it
/// without bound.
/// </summary>
internal sealed partial class TrainingCurve(string metricsFile, string keptFile, JobFiles files, string jobId, TimeProvider time, ILogger log)
{
    public const int MaxLineBytes = 16 * 1024;
    public const long MaxBytes = 4L * 1024 * 1024;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan UploadInterval = TimeSpan.FromSeconds(5);

    private readonly List<byte> _pending = [];
    private long _offset;
    private long _kept;
    private bool _skippingLongLine;
    private bool _full;
    private int _refused;
    private int _points;
    private int _uploaded;
    private string? _last;

    /// <summary>Points kept so far.</summary>
    public int Points => _points;

    /// <summary>The last point kept, as the trainer wrote it (shortened); null when none.</summary>
    public string? Last => _last;

    /// <summary>Reads and stores the curve until <paramref name="stop"/> fires.</summary>
    public async Task FollowAsync(CancellationToken stop)
    {
        var lastUpload = time.GetUtcNow();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, time, stop).ConfigureAwait(false);
                Read(final: false);
                if (_points > _uploaded && time.GetUtcNow() - lastUpload >= UploadInterval)
                {
                    await StoreAsync(stop).ConfigureAwait(false);
                    lastUpload = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads what is left (a last line without its newline included) and stores the curve, if it has points.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        Read(final: true);
        if (_points > 0)
        {
            await StoreAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_refused > 0)
        {
            LogRefused(log, _refused, MaxLineBytes);
        }
    }

    private async Task StoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await files.PutCurveAsync(jobId, keptFile, cancellationToken).ConfigureAwait(false);
            _uploaded = _points;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The next store (or the last one) tries again; the run goes on.
            LogStoreFailed(log, error);
        }
    }

    private void Read(bool final)
    {
        if (!File.Exists(metricsFile))
        {
            return;
        }

        using (var source = new FileStream(metricsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var kept = new FileStream(keptFile, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            source.Seek(_offset, SeekOrigin.Begin);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                _offset += read;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        Take(kept);
                    }
                    else if (_pending.Count < MaxLineBytes)
                    {
                        _pending.Add(buffer[i]);
                    }
                    else if (!_skippingLongLine)
                    {
                        _skippingLongLine = true;
                    }
                }
            }

            if (final && (_pending.Count > 0 || _skippingLongLine))
            {
                Take(kept);
            }
        }
    }

    private void Take(Stream kept)
    {
        var tooLong = _skippingLongLine;
        var line = Encoding.UTF8.GetString([.. _pending]).Trim();
        _pending.Clear();
        _skippingLongLine = false;
        if (line.Length == 0)
        {
            return;
        }

        if (tooLong || !IsObject(line))
        {
            _refused++;
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        if (_kept + bytes.Length > MaxBytes)
        {
            if (!_full)
            {
                _full = true;
                LogFull(log, MaxBytes, _points);
            }

            return;
        }

        kept.Write(bytes);
        _kept += bytes.Length;
        _points++;
        _last = line.Length > 300 ? line[..300] + "…" : line;
    }

    private static bool IsObject(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The training curve reached its limit of {Limit} bytes at {Points} points; later points are not kept")]
    private static partial void LogFull(ILogger log, long limit, int points);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Lines} lines of the metrics file were left out of the curve: each line must be one JSON object of at most {Limit} bytes")]
    private static partial void LogRefused(ILogger log, int lines, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The training curve could not be stored; it is tried again")]
    private static partial void LogStoreFailed(ILogger log, Exception error);
}
