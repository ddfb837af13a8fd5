namespace Cloud.Serving.Batching;

/// <summary>Requests taken from the queue to run as one model run.</summary>
internal sealed class Batch<TItem, TResult>
{
    public Batch(PendingRequest<TItem, TResult>[] requests, int rows, int paddedRows)
    {
        Requests = requests;
        Rows = rows;
        PaddedRows = paddedRows;
        var items = new TItem[requests.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = requests[i].Item;
        }

        Items = items;
    }

    /// <summary>The requests, oldest first.</summary>
    public PendingRequest<TItem, TResult>[] Requests { get; }

    /// <summary>The requests' items, in the same order, as handed to the executor.</summary>
    public IReadOnlyList<TItem> Items { get; }

    /// <summary>The sum of the requests' rows.</summary>
    public int Rows { get; }

    /// <summary>The size the batch runs at, after padding to an allowed batch size.</summary>
    public int PaddedRows { get; }
}
