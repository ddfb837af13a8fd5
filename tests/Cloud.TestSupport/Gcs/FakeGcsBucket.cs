using System.Security.Cryptography;

namespace Cloud.TestSupport.Gcs;

/// <summary>One stored object version of the fake: its bytes and the generation that names it.</summary>
internal sealed record FakeGcsObject(string Bucket, string Name, byte[] Content, long Generation, DateTimeOffset Updated)
{
    // The JSON API's md5Hash field and x-goog-hash header are MD5 by definition: a checksum here, not security.
#pragma warning disable CA5351
    public string Md5 => Convert.ToBase64String(MD5.HashData(Content));
#pragma warning restore CA5351
}

/// <summary>
/// The fake's objects, every bucket in one map under one lock, with the JSON API's generation preconditions checked and
/// applied atomically (so concurrent create-only writes have one winner, as on the service).
/// </summary>
internal sealed class FakeGcsBucket
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<(string Bucket, string Name), FakeGcsObject> _objects = new(Comparer<(string, string)>.Create(
        (a, b) => string.CompareOrdinal(a.Item1, b.Item1) is var c and not 0 ? c : string.CompareOrdinal(a.Item2, b.Item2)));

    // Generations grow with every write, like the service's (which are microsecond timestamps).
    private long _generation = 1_700_000_000_000_000;

    public FakeGcsObject? Get(string bucket, string name)
    {
        lock (_lock)
        {
            return _objects.GetValueOrDefault((bucket, name));
        }
    }

    /// <summary>The objects of a bucket whose name starts with <paramref name="prefix"/> and sorts after <paramref name="after"/>, in name order.</summary>
    public IReadOnlyList<FakeGcsObject> List(string bucket, string prefix, string? after, int max)
    {
        lock (_lock)
        {
            return _objects.Values
                .Where(o => o.Bucket == bucket && o.Name.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(o.Name, after) > 0))
                .Take(max)
                .ToArray();
        }
    }

    /// <summary>Writes a new generation, or null when <paramref name="ifGenerationMatch"/> does not hold (0: no live object).</summary>
    public FakeGcsObject? Put(string bucket, string name, byte[] content, long? ifGenerationMatch)
    {
        lock (_lock)
        {
            if (!Holds(bucket, name, ifGenerationMatch))
            {
                return null;
            }

            var written = new FakeGcsObject(bucket, name, content, ++_generation, DateTimeOffset.UtcNow);
            _objects[(bucket, name)] = written;
            return written;
        }
    }

    /// <summary>Deletes; false when missing, null when the precondition fails.</summary>
    public bool? Delete(string bucket, string name, long? ifGenerationMatch)
    {
        lock (_lock)
        {
            if (!_objects.ContainsKey((bucket, name)))
            {
                return false;
            }

            if (!Holds(bucket, name, ifGenerationMatch))
            {
                return null;
            }

            _objects.Remove((bucket, name));
            return true;
        }
    }

    public bool Holds(string bucket, string name, long? ifGenerationMatch)
    {
        lock (_lock)
        {
            var current = _objects.GetValueOrDefault((bucket, name));
            return ifGenerationMatch switch
            {
                null => true,
                0 => current is null,
                var generation => current?.Generation == generation,
            };
        }
    }
}
