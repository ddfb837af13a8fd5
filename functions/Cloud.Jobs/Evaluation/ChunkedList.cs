namespace Cloud.Jobs.Evaluation;

/// <summary>
/// A list that grows in 64 Ki-element chunks: what AUC keeps per row grows with the dataset, and chunks neither copy
/// on growth nor ask the large-object heap for one ever-larger array.
/// </summary>
internal sealed class ChunkedList<T>
    where T : unmanaged
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<T[]> _chunks = [];

    public long Count { get; private set; }

    public T this[long index] => _chunks[(int)(index >> ChunkBits)][index & (ChunkSize - 1)];

    public void Add(T value)
    {
        var offset = (int)(Count & (ChunkSize - 1));
        if (offset == 0)
        {
            _chunks.Add(new T[ChunkSize]);
        }

        _chunks[^1][offset] = value;
        Count++;
    }
}
