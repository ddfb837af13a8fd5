using System.Threading.Channels;
using Cloud.Registry.Datasets;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Reads a dataset on one task while the caller runs the models on the batch before: parsing and inference overlap
/// on two cores. A fixed set of batches circulates (free → filled by the reader → consumed → free), so no more than
/// that many batches of rows exist however large the file is.
/// </summary>
internal static class BatchPipeline
{
    /// <summary>Feeds every batch of <paramref name="reader"/> to <paramref name="consume"/>, in order; returns the rows read.</summary>
    /// <exception cref="DatasetException">The reader's, after the rows before it were consumed.</exception>
    public static async Task<long> RunAsync(IDatasetReader reader, DatasetColumns columns, int batchSize, int batchesInFlight, Action<DatasetBatch> consume, CancellationToken cancellationToken)
    {
        var free = Channel.CreateUnbounded<DatasetBatch>();
        var filled = Channel.CreateUnbounded<DatasetBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < Math.Max(1, batchesInFlight); i++)
        {
            free.Writer.TryWrite(new DatasetBatch(batchSize, columns));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ReadAsync(reader, free.Reader, filled.Writer, stop.Token), CancellationToken.None);
        long rows = 0;
        try
        {
            await foreach (var batch in filled.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                consume(batch);
                rows += batch.Count;
                free.Writer.TryWrite(batch);
            }
        }
        catch
        {
            // The consumer's error is the one to report; the reader only has to stop.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        await producer.ConfigureAwait(false); // the reader's own error, if it had one
        return rows;
    }

    private static async Task ReadAsync(IDatasetReader reader, ChannelReader<DatasetBatch> free, ChannelWriter<DatasetBatch> filled, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var batch = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                var rows = await reader.ReadAsync(batch, cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                {
                    filled.TryWrite(batch);
                }

                if (rows < batch.Capacity)
                {
                    return;
                }
            }
        }
        finally
        {
            // Completed without the error: the consumer drains what was read, then awaits this task for it.
            filled.TryComplete();
        }
    }
}
