namespace Cloud.Storage.Tests;

/// <summary>
/// A read-only stream of deterministic pseudo-random bytes that is never held in memory, so tests can stream
/// blobs far larger than any buffer they would tolerate.
/// </summary>
public sealed class PatternStream(long length, int seed = 0) : Stream
{
    private long _position;

    public TimeSpan DelayEveryRead { get; init; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            var p = _position + i;
            buffer[i] = (byte)((p * 2654435761L) ^ (p >> 13) ^ seed);
        }

        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (DelayEveryRead > TimeSpan.Zero)
        {
            await Task.Delay(DelayEveryRead, cancellationToken).ConfigureAwait(false);
        }

        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
