using System.Text;
using System.Text.Json;
using Cloud.Storage;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.History;

/// <summary>
/// A version's histories, kept as JSON Lines blobs in the jobs container beside the job logs, never on the version's
/// row (Azure Table's 64 KiB a property would cap them): <c>versions/{model}/{version}/metrics.jsonl</c> (every
/// validation) and <c>versions/{model}/{version}/promotions.jsonl</c> (every promotion attempt). An append is
/// idempotent by its key (the job id), and conditional on the blob's ETag, so two writers never lose each other's line.
/// </summary>
internal sealed class VersionHistory(IBlobStore store)
{
    // A write that loses the ETag race reads again; writers are a version's few jobs, so a handful of rounds is plenty.
    private const int MaxAttempts = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string MetricsPath(string model, string version) => $"versions/{model}/{version}/metrics.jsonl";

    public static string PromotionsPath(string model, string version) => $"versions/{model}/{version}/promotions.jsonl";

    /// <summary>Appends a validation; false when the history already has one from this job.</summary>
    public Task<bool> AppendMetricsAsync(string model, string version, MetricsHistoryEntry entry, CancellationToken cancellationToken) =>
        AppendAsync(MetricsPath(model, version), entry, e => e.JobId == entry.JobId, cancellationToken);

    /// <summary>Appends a promotion attempt; false when the history already has one with this key.</summary>
    public Task<bool> AppendPromotionAsync(string model, string version, PromotionHistoryEntry entry, CancellationToken cancellationToken) =>
        AppendAsync(PromotionsPath(model, version), entry, e => e.Key == entry.Key, cancellationToken);

    public async Task<IReadOnlyList<MetricsHistoryEntry>> ReadMetricsAsync(string model, string version, CancellationToken cancellationToken) =>
        (await ReadAsync<MetricsHistoryEntry>(MetricsPath(model, version), cancellationToken).ConfigureAwait(false)).Entries;

    public async Task<IReadOnlyList<PromotionHistoryEntry>> ReadPromotionsAsync(string model, string version, CancellationToken cancellationToken) =>
        (await ReadAsync<PromotionHistoryEntry>(PromotionsPath(model, version), cancellationToken).ConfigureAwait(false)).Entries;

    private async Task<bool> AppendAsync<T>(string path, T entry, Func<T, bool> sameKey, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Json);
        for (var attempt = 1; ; attempt++)
        {
            var (entries, bytes, etag) = await ReadAsync<T>(path, cancellationToken).ConfigureAwait(false);
            if (entries.Any(sameKey))
            {
                return false;
            }

            // The whole blob is rewritten: a history has a line per validation or promotion, a few KiB at most, and
            // blob stores have no append that is also conditional on every backend.
            var content = new MemoryStream(bytes.Length + line.Length + 1);
            content.Write(bytes);
            content.Write(line);
            content.WriteByte((byte)'\n');
            content.Position = 0;
            try
            {
                await store.PutAsync(path, content, etag is { } current ? BlobWriteConditions.IfMatch(current) : BlobWriteConditions.IfNoneMatchAny, cancellationToken)
                    .ConfigureAwait(false);
                return true;
            }
            catch (StorageConflictException) when (attempt < MaxAttempts)
            {
                // Another job appended meanwhile: read its line too and try again.
            }
        }
    }

    private async Task<(IReadOnlyList<T> Entries, byte[] Bytes, Azure.ETag? ETag)> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        var download = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return ([], [], null);
        }

        byte[] bytes;
        await using (download.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        var entries = new List<T>();
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            entries.Add(JsonSerializer.Deserialize<T>(line, Json)!);
        }

        return (entries, bytes, download.Properties.ETag);
    }
}
