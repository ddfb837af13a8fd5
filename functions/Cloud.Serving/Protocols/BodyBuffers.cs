using System.Buffers;

namespace Cloud.Serving.Protocols;

/// <summary>
/// Scratch byte buffers for bodies: pooled up to 1 MiB, plain arrays above. The shared pool keeps up to dozens of
/// arrays per size per core for as long as no full collection trims it, so pooling 10 MB bodies kept 870 MB alive
/// after a burst of them (docs/performance.md); a large body is rare, and its buffer is better left to the collector.
/// </summary>
internal static class BodyBuffers
{
    public const int MaxPooledBytes = 1 << 20;

    public static byte[] Rent(int length) =>
        length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    /// <summary>Gives back a buffer from <see cref="Rent"/>: pooled ones to the pool, large ones to the collector.</summary>
    public static void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
