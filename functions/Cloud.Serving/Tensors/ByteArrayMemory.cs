using System.Buffers;
using System.Runtime.InteropServices;

namespace Cloud.Serving.Tensors;

/// <summary>
/// Elements of <typeparamref name="T"/> seen in a byte array without copying them out: a raw gRPC input
/// (<c>raw_input_contents</c>) arrives as a byte array of its own that Google.Protobuf allocated while parsing, and a
/// tensor over it is fed to ONNX Runtime as is. That array is the one copy the wire format costs.
/// </summary>
internal sealed class ByteArrayMemory<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly byte[] _array;
    private readonly int _offset;
    private readonly int _length;

    /// <param name="array">The bytes; <paramref name="byteCount"/> of them from <paramref name="offset"/> are a whole number of elements.</param>
    public unsafe ByteArrayMemory(byte[] array, int offset, int byteCount)
    {
        if (byteCount % sizeof(T) != 0)
        {
            throw new ArgumentException($"{byteCount} bytes are not a whole number of {sizeof(T)}-byte elements.", nameof(byteCount));
        }

        _array = array;
        _offset = offset;
        _length = byteCount / sizeof(T);
    }

    public override unsafe Span<T> GetSpan() => MemoryMarshal.Cast<byte, T>(_array.AsSpan(_offset, _length * sizeof(T)));

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        // The handle frees itself when the MemoryHandle is disposed; Unpin has nothing left to do.
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        var start = (byte*)handle.AddrOfPinnedObject() + _offset + (elementIndex * sizeof(T));
        return new MemoryHandle(start, handle);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
