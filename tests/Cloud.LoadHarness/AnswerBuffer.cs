namespace Cloud.LoadHarness;

/// <summary>One connection's received bytes that no answer has taken yet, in a buffer that grows when an answer is bigger than it.</summary>
internal sealed class AnswerBuffer
{
    private byte[] _bytes = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>What has arrived and is not yet taken.</summary>
    public Span<byte> Unread => _bytes.AsSpan(_start, _end - _start);

    /// <summary>Room to receive into, after what is unread: moves that to the front (or into a bigger buffer) when the end is reached.</summary>
    public Memory<byte> Free()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _bytes.Length)
        {
            var unread = _end - _start;
            var target = unread > _bytes.Length / 2 ? new byte[_bytes.Length * 2] : _bytes;
            Buffer.BlockCopy(_bytes, _start, target, 0, unread);
            (_bytes, _start, _end) = (target, 0, unread);
        }

        return _bytes.AsMemory(_end);
    }

    /// <summary>Counts <paramref name="count"/> bytes received into <see cref="Free"/>.</summary>
    public void Received(int count) => _end += count;

    /// <summary>Takes <paramref name="count"/> bytes off the front of what is unread.</summary>
    public void Take(int count) => _start += count;
}
