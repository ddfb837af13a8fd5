using System.Text.Json;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.Traffic;

/// <summary>
/// Per-version request statistics shared between processes: every serving process writes one small blob per version
/// it served, <c>traffic/{model}/{version}/{instance}.json</c> in the jobs container, holding its cumulative counts
/// and when they were read; a promote job in any process sums every instance's blob. A process that stops leaves its
/// last blob, so the sums never go backwards when a host restarts (the new process writes under a new instance name).
/// </summary>
internal sealed class VersionTrafficStore(IBlobStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Prefix(string model, string version) => $"traffic/{model}/{version}/";

    public async Task PublishAsync(VersionTrafficSnapshot snapshot, CancellationToken cancellationToken)
    {
        // Only this instance writes its blob, so a plain overwrite loses nothing.
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(snapshot, Json));
        await store.PutAsync($"{Prefix(snapshot.Model, snapshot.Version)}{snapshot.Instance}.json", content, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every instance's latest snapshot of the version.</summary>
    public async Task<IReadOnlyList<VersionTrafficSnapshot>> ReadAsync(string model, string version, CancellationToken cancellationToken)
    {
        var snapshots = new List<VersionTrafficSnapshot>();
        await foreach (var blob in store.ListAsync(Prefix(model, version), cancellationToken).ConfigureAwait(false))
        {
            var bytes = await store.ReadAllBytesAsync(blob.Path, cancellationToken).ConfigureAwait(false);
            if (bytes is not null && JsonSerializer.Deserialize<VersionTrafficSnapshot>(bytes, Json) is { } snapshot)
            {
                snapshots.Add(snapshot);
            }
        }

        return snapshots;
    }

    /// <summary>The version's counts summed over every instance that published them.</summary>
    public async Task<VersionTraffic> TotalAsync(string model, string version, CancellationToken cancellationToken) =>
        (await ReadAsync(model, version, cancellationToken).ConfigureAwait(false)).Aggregate(VersionTraffic.None, (sum, s) => sum.Plus(s.Traffic));
}
