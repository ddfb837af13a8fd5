using Azure;
using Cloud.Registry;
using Cloud.Serving.Batching;
using Cloud.Serving.Models;
using Cloud.Serving.Routing;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Host.Tests.Routing;

/// <summary>
/// What a request for a route that does not exist costs the router: it still looks in the registry once more before
/// saying no (a label made on another host serves at once), but requests that miss together share one look, and
/// names that no model has leave nothing behind.
/// </summary>
public sealed class MissedRouteLookupTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cloud-router-");
    private readonly CountingTable _counted;
    private readonly ModelCache _cache;
    private readonly ModelRouter _router;

    public MissedRouteLookupTests()
    {
        _counted = new CountingTable(_h.Table);
        _cache = new ModelCache(_h.Content, _h.Registry,
            new ModelCacheOptions { Directory = Path.Combine(_work.FullName, "cache") }, new BatchingOptions(), _h.Time, NullLoggerFactory.Instance);
        _router = new ModelRouter(new ModelRegistry(_counted, _h.Time), _cache, new RoutingOptions { PreloadTargets = false }, NullLogger<ModelRouter>.Instance);
    }

    [Fact]
    public async Task ALabelWrittenSinceTheTableWasBuiltIsFoundByTheNextRequest()
    {
        await RegisterIrisAsync();
        await _router.RefreshAsync("iris", CancellationToken.None);

        await _h.Registry.SetLabelAsync("iris", "edge", "1.0.0"); // another host's write: this router's table lacks it

        var routed = await _router.RouteAsync("iris", null, "edge", null, CancellationToken.None);
        Assert.Equal("label:edge", routed.Decision!.Route);
    }

    [Fact]
    public async Task RequestsThatMissTogetherShareOneRegistryLook()
    {
        await RegisterIrisAsync();
        var beforeOne = _counted.Queries;
        await _router.RefreshAsync("iris", CancellationToken.None);
        var perRebuild = _counted.Queries - beforeOne;
        _counted.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queriesBefore = _counted.Queries;

        // 200 requests for a label no one made, while the registry is slow: the first one's look is under way, the
        // rest arrive behind it and are answered by the one look that begins after them.
        var first = _router.RouteAsync("iris", null, "nope", null, CancellationToken.None);
        await Eventually.TrueAsync(() => _counted.Waiting > 0, "the first request's look to reach the registry");
        var rest = Enumerable.Range(0, 199).Select(_ => _router.RouteAsync("iris", null, "nope", null, CancellationToken.None)).ToArray();
        _counted.Gate.SetResult();
        var results = await Task.WhenAll(rest.Prepend(first));

        Assert.All(results, r => Assert.Equal("Model 'iris' has no label 'nope'.", r.Problem));
        // Two rebuilds: the first request's, and one that began after the other 199 arrived (not one each).
        Assert.Equal(2 * perRebuild, _counted.Queries - queriesBefore);
    }

    [Fact]
    public async Task NamesNoModelHasLeaveNothingBehind()
    {
        await RegisterIrisAsync();
        await _router.RefreshAsync("iris", CancellationToken.None);

        var answers = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => _router.RouteAsync($"made-up-{i}", null, null, null, CancellationToken.None)));

        Assert.All(answers, a => Assert.StartsWith("Model 'made-up-", a.Problem, StringComparison.Ordinal));
        Assert.Equal(1, _router.RememberedModels); // iris's gate alone
    }

    public async ValueTask DisposeAsync()
    {
        await _cache.DisposeAsync();
        _h.Dispose();
        _work.Delete(recursive: true);
    }

    private async Task RegisterIrisAsync()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json", CancellationToken.None);
    }

    /// <summary>The registry's table, counting partition queries, and holding them at a gate when one is set.</summary>
    private sealed class CountingTable(ITableStore inner) : ITableStore
    {
        private int _queries;
        private int _waiting;

        public TaskCompletionSource? Gate { get; set; }

        public int Queries => Volatile.Read(ref _queries);

        public int Waiting => Volatile.Read(ref _waiting);

        public string Description => inner.Description;

        public Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(partitionKey, rowKey, cancellationToken);

        public async IAsyncEnumerable<TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _queries);
            if (Gate is { } gate)
            {
                Interlocked.Increment(ref _waiting);
                await gate.Task.WaitAsync(cancellationToken);
                Interlocked.Decrement(ref _waiting);
            }

            await foreach (var row in inner.QueryPartitionAsync(partitionKey, rowKeyPrefix, cancellationToken))
            {
                yield return row;
            }
        }

        public Task<TableEntity> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default) => inner.InsertAsync(entity, cancellationToken);

        public Task<TableEntity> UpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default) => inner.UpdateAsync(entity, ifMatch, cancellationToken);

        public Task<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default) => inner.UpsertAsync(entity, cancellationToken);

        public Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default) => inner.DeleteAsync(partitionKey, rowKey, ifMatch, cancellationToken);

        public Task<IReadOnlyList<TableEntity>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default) => inner.SubmitTransactionAsync(actions, cancellationToken);
    }
}
