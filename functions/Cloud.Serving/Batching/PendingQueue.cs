namespace Cloud.Serving.Batching;

/// <summary>
/// The batcher's FIFO of waiting requests, linked through the requests themselves: no node allocations, O(1)
/// removal of a cancelled request from anywhere. Not thread-safe; the batcher's lock guards it.
/// </summary>
internal sealed class PendingQueue<TItem, TResult>
{
    private PendingRequest<TItem, TResult>? _tail;

    /// <summary>The oldest waiting request.</summary>
    public PendingRequest<TItem, TResult>? Head { get; private set; }

    public int Count { get; private set; }

    /// <summary>The rows of all waiting requests.</summary>
    public int Rows { get; private set; }

    public void Enqueue(PendingRequest<TItem, TResult> request)
    {
        request.Previous = _tail;
        request.Next = null;
        if (_tail is null)
        {
            Head = request;
        }
        else
        {
            _tail.Next = request;
        }

        _tail = request;
        Count++;
        Rows += request.Rows;
    }

    /// <summary>Unlinks a request that is in this queue.</summary>
    public void Remove(PendingRequest<TItem, TResult> request)
    {
        if (request.Previous is null)
        {
            Head = request.Next;
        }
        else
        {
            request.Previous.Next = request.Next;
        }

        if (request.Next is null)
        {
            _tail = request.Previous;
        }
        else
        {
            request.Next.Previous = request.Previous;
        }

        request.Previous = null;
        request.Next = null;
        Count--;
        Rows -= request.Rows;
    }
}
