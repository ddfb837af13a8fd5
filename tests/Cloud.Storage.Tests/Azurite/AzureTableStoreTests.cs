using Azure;
using Azure.Core;
using Cloud.Storage.AzureStorage;
using Cloud.Storage.Tables;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>What the Azure table client does beyond the contract: paging, odd values and keys, errors, auth.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzureTableStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task QueriesFollowContinuationHeaders()
    {
        var recorder = new RequestRecorder();
        var options = new AzureTableStoreOptions { QueryPageSize = 2 };
        options.ClientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var table = await CreateStoreAsync(options);
        string[] rows = ["v|1", "v|2", "v|3", "v|4", "v|5"];
        foreach (var row in rows.Reverse())
        {
            await table.InsertAsync(new TableEntity("iris", row).Set("N", row));
        }

        await table.InsertAsync(new TableEntity("iris", "label|stable"));
        await table.InsertAsync(new TableEntity("iris2", "v|1"));

        var listed = new List<string>();
        await foreach (var entity in table.QueryPartitionAsync("iris", "v|"))
        {
            listed.Add(entity.RowKey);
        }

        Assert.Equal(rows, listed);
        Assert.Equal(3, recorder.Requests.Count(r => r.Method == "GET" && r.Uri.AbsolutePath.EndsWith("()", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EdgeValuesRoundTripWithTheirTypes()
    {
        var table = await CreateStoreAsync();
        var entity = new TableEntity("m", "r")
            .Set("NaN", double.NaN).Set("PosInf", double.PositiveInfinity).Set("NegInf", double.NegativeInfinity)
            .Set("Tiny", double.Epsilon).Set("Huge", double.MaxValue).Set("MinusTwo", -2.0)
            .Set("MinLong", long.MinValue).Set("SmallLong", 7L).Set("MinInt", int.MinValue)
            .Set("Local", new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.FromHours(5.5)))
            .Set("EmptyBytes", Array.Empty<byte>()).Set("EmptyGuid", Guid.Empty).Set("Missing", null);

        await table.InsertAsync(entity);
        var read = (await table.GetAsync("m", "r"))!;

        Assert.True(double.IsNaN(read.Get<double>("NaN")));
        Assert.Equal(double.PositiveInfinity, read.Get<double>("PosInf"));
        Assert.Equal(double.NegativeInfinity, read.Get<double>("NegInf"));
        Assert.Equal(double.Epsilon, read.Get<double>("Tiny"));
        Assert.Equal(double.MaxValue, read.Get<double>("Huge"));
        Assert.Equal(-2.0, Assert.IsType<double>(read.Properties["MinusTwo"]));
        Assert.Equal(long.MinValue, read.Get<long>("MinLong"));
        Assert.Equal(7L, Assert.IsType<long>(read.Properties["SmallLong"]));
        Assert.Equal(int.MinValue, Assert.IsType<int>(read.Properties["MinInt"]));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero), read.Get<DateTimeOffset>("Local"));
        Assert.Equal(TimeSpan.Zero, read.Get<DateTimeOffset>("Local").Offset);
        Assert.Empty(read.Get<byte[]>("EmptyBytes")!);
        Assert.Equal(Guid.Empty, read.Get<Guid>("EmptyGuid"));
        Assert.False(read.Properties.ContainsKey("Missing")); // the service stores no nulls
    }

    [Fact]
    public async Task WritesReportTheTimestampTheServiceGaveThem()
    {
        var table = await CreateStoreAsync();

        var inserted = await table.InsertAsync(new TableEntity("m", "r").Set("A", 1));
        var updated = await table.UpdateAsync(inserted.Clone().Set("A", 2), inserted.ETag);
        var read = (await table.GetAsync("m", "r"))!;

        Assert.NotNull(inserted.Timestamp);
        Assert.True(updated.Timestamp >= inserted.Timestamp);
        Assert.Equal(read.Timestamp, updated.Timestamp);
        Assert.Equal(read.ETag, updated.ETag);
    }

    [Theory]
    [InlineData("100% pure+plus", "ü & ñ = 🚀")]
    [InlineData("a'b''c", "'")]
    [InlineData("(paren)", "x,y;z=1")]
    public async Task KeysThatNeedEscapingWorkEverywhere(string partitionKey, string rowKey)
    {
        var table = await CreateStoreAsync();

        var inserted = await table.InsertAsync(new TableEntity(partitionKey, rowKey).Set("A", "x"));
        var queried = new List<TableEntity>();
        await foreach (var entity in table.QueryPartitionAsync(partitionKey, rowKey))
        {
            queried.Add(entity);
        }

        Assert.Equal(inserted.ETag, (await table.GetAsync(partitionKey, rowKey))!.ETag);
        Assert.Equal(rowKey, Assert.Single(queried).RowKey);
        Assert.True(await table.DeleteAsync(partitionKey, rowKey, inserted.ETag));
    }

    [Fact]
    public async Task AFailedTransactionNamesTheActionThatFailed()
    {
        var table = await CreateStoreAsync();
        await table.InsertAsync(new TableEntity("m", "c"));

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => table.SubmitTransactionAsync([
            new(TableTransactionActionType.Upsert, new TableEntity("m", "a")),
            new(TableTransactionActionType.Insert, new TableEntity("m", "b")),
            new(TableTransactionActionType.Insert, new TableEntity("m", "c")),
        ]));

        Assert.Equal(StorageConflict.AlreadyExists, conflict.Conflict);
        Assert.Equal("m/c", conflict.Item);
        Assert.Null(await table.GetAsync("m", "a"));
        Assert.Null(await table.GetAsync("m", "b"));
    }

    [Fact]
    public async Task DeletingAMissingEntityInATransactionIsNotFound()
    {
        var table = await CreateStoreAsync();

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => table.SubmitTransactionAsync([
            new(TableTransactionActionType.Delete, new TableEntity("m", "gone"), ETag.All),
        ]));

        Assert.Equal(StorageConflict.NotFound, conflict.Conflict);
        Assert.Equal("m/gone", conflict.Item);
    }

    [Fact]
    public async Task CreateTableIfNotExistsSaysWhetherItCreatedIt()
    {
        var table = new AzureTableStore(azurite.ConnectionString, Names.Table());

        Assert.True(await table.CreateTableIfNotExistsAsync());
        Assert.False(await table.CreateTableIfNotExistsAsync());
    }

    [Fact]
    public async Task AMissingTableIsAnErrorRatherThanAMissingEntity()
    {
        var table = new AzureTableStore(azurite.ConnectionString, Names.Table());

        var read = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetAsync("m", "r"));
        var write = await Assert.ThrowsAsync<RequestFailedException>(() => table.InsertAsync(new TableEntity("m", "r")));

        Assert.Equal((404, "TableNotFound"), (read.Status, read.ErrorCode));
        Assert.Equal((404, "TableNotFound"), (write.Status, write.ErrorCode));
        Assert.Contains("The table specified does not exist.", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongAccountKeyIsRefusedWith403()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connectionString = azurite.ConnectionString.Replace(AzuriteFixture.DevelopmentAccountKey, wrongKey, StringComparison.Ordinal);
        var good = await CreateStoreAsync();
        var bad = new AzureTableStore(connectionString, good.TableName);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => bad.GetAsync("m", "r"));

        // Only the status: Azurite's table service answers a bad signature without an error code the SDK reports.
        Assert.Equal(403, error.Status);
        Assert.Null(await good.GetAsync("m", "r"));
    }

    private async Task<AzureTableStore> CreateStoreAsync(AzureTableStoreOptions? options = null)
    {
        var table = new AzureTableStore(azurite.ConnectionString, Names.Table(), options);
        await table.CreateTableIfNotExistsAsync();
        return table;
    }
}
