using Azure;
using Cloud.Storage.Tables;

namespace Cloud.Storage.Tests;

/// <summary>
/// What every <see cref="ITableStore"/> must do. Each backend's test class derives from this and supplies a fresh,
/// empty table per call, so one suite checks SQLite and Azurite alike.
/// </summary>
public abstract class TableStoreContract
{
    /// <summary>A fresh, empty table.</summary>
    protected abstract Task<ITableStore> CreateStoreAsync();

    [Fact]
    public async Task InsertThenGetRoundTripsEveryPropertyType()
    {
        var table = await CreateStoreAsync();
        var when = new DateTimeOffset(2026, 11, 22, 1, 2, 3, 456, TimeSpan.Zero);
        var id = Guid.Parse("5d7f3a0e-1c2b-4b8a-9f00-0123456789ab");
        var entity = new TableEntity("iris", "v|1.0.0")
            .Set("Status", "registered")
            .Set("Servable", true)
            .Set("Attempts", 3)
            .Set("Size", 5_000_000_000L)
            .Set("Accuracy", 0.9666666666666667)
            .Set("Whole", 2.0)
            .Set("RegisteredAt", when)
            .Set("Id", id)
            .Set("Digest", new byte[] { 0, 1, 2, 254, 255 })
            .Set("Unicode", "héllo ✓ 🚀")
            .Set("Empty", "");

        var inserted = await table.InsertAsync(entity);
        var read = await table.GetAsync("iris", "v|1.0.0");

        Assert.NotEqual(default, inserted.ETag);
        Assert.NotNull(read);
        Assert.Equal(inserted.ETag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("registered", read.Get<string>("Status"));
        Assert.True(read.Get<bool>("Servable"));
        Assert.Equal(3, read.Get<int>("Attempts"));
        Assert.Equal(5_000_000_000L, read.Get<long>("Size"));
        Assert.Equal(0.9666666666666667, read.Get<double>("Accuracy"));
        Assert.IsType<double>(read.Properties["Whole"]);
        Assert.Equal(2.0, read.Get<double>("Whole"));
        Assert.Equal(when, read.Get<DateTimeOffset>("RegisteredAt"));
        Assert.Equal(id, read.Get<Guid>("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, read.Get<byte[]>("Digest"));
        Assert.Equal("héllo ✓ 🚀", read.Get<string>("Unicode"));
        Assert.Equal("", read.Get<string>("Empty"));
    }

    [Fact]
    public async Task MissingEntitiesAreNullNotErrors()
    {
        var table = await CreateStoreAsync();
        Assert.Null(await table.GetAsync("iris", "nope"));
        Assert.False(await table.DeleteAsync("iris", "nope", ETag.All));
        Assert.Empty(await AsyncItems.ToListAsync(table.QueryPartitionAsync("iris")));
    }

    [Fact]
    public async Task InsertRefusesAnExistingEntity()
    {
        var table = await CreateStoreAsync();
        await table.InsertAsync(new TableEntity("iris", "label|stable").Set("Version", "1.0.0"));

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            table.InsertAsync(new TableEntity("iris", "label|stable").Set("Version", "2.0.0")));

        Assert.Equal(StorageConflict.AlreadyExists, conflict.Conflict);
        Assert.Equal("1.0.0", (await table.GetAsync("iris", "label|stable"))!.Get<string>("Version"));
    }

    [Fact]
    public async Task UpdateWithAStaleETagLosesAndWithTheCurrentOneWins()
    {
        var table = await CreateStoreAsync();
        var v1 = await table.InsertAsync(new TableEntity("iris", "label|stable").Set("Version", "1.0.0"));
        var v2 = await table.UpdateAsync(v1.Clone().Set("Version", "2.0.0"), v1.ETag);

        var stale = await Assert.ThrowsAsync<StorageConflictException>(() =>
            table.UpdateAsync(v1.Clone().Set("Version", "3.0.0"), v1.ETag));

        Assert.Equal(StorageConflict.ETagMismatch, stale.Conflict);
        Assert.NotEqual(v1.ETag, v2.ETag);
        var current = await table.GetAsync("iris", "label|stable");
        Assert.Equal("2.0.0", current!.Get<string>("Version"));
        Assert.Equal(v2.ETag, current.ETag);
    }

    [Fact]
    public async Task UpdateReplacesThePropertiesItDoesNotCarry()
    {
        var table = await CreateStoreAsync();
        var v1 = await table.InsertAsync(new TableEntity("m", "r").Set("A", "a").Set("B", "b"));

        await table.UpdateAsync(new TableEntity("m", "r").Set("A", "a2"), v1.ETag);

        var read = await table.GetAsync("m", "r");
        Assert.Equal("a2", read!.Get<string>("A"));
        Assert.False(read.Properties.ContainsKey("B"));
    }

    [Fact]
    public async Task UpdateOfAMissingEntityIsNotFound()
    {
        var table = await CreateStoreAsync();
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            table.UpdateAsync(new TableEntity("m", "r").Set("A", "a"), ETag.All));
        Assert.Equal(StorageConflict.NotFound, conflict.Conflict);
        Assert.Equal("m/r", conflict.Item);
    }

    [Fact]
    public async Task UpsertInsertsThenReplaces()
    {
        var table = await CreateStoreAsync();
        var first = await table.UpsertAsync(new TableEntity("m", "policy").Set("Traffic", "stable=100"));
        var second = await table.UpsertAsync(new TableEntity("m", "policy").Set("Traffic", "stable=90,canary=10"));

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("stable=90,canary=10", (await table.GetAsync("m", "policy"))!.Get<string>("Traffic"));
    }

    [Fact]
    public async Task DeleteHonoursIfMatch()
    {
        var table = await CreateStoreAsync();
        var v1 = await table.InsertAsync(new TableEntity("m", "r").Set("A", 1));
        await table.UpdateAsync(v1.Clone().Set("A", 2), v1.ETag);

        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => table.DeleteAsync("m", "r", v1.ETag));

        Assert.Equal(StorageConflict.ETagMismatch, stale.Conflict);
        Assert.True(await table.DeleteAsync("m", "r", ETag.All));
        Assert.Null(await table.GetAsync("m", "r"));
    }

    [Fact]
    public async Task QueryPartitionReturnsOnlyThatPartitionInRowKeyOrderAndFiltersByPrefix()
    {
        var table = await CreateStoreAsync();
        foreach (var (pk, rk) in new[] { ("iris", "v|2.0.0"), ("iris", "label|stable"), ("iris", "v|1.0.0"), ("iris-x", "v|1.0.0"), ("mlp", "v|1.0.0"), ("iris", "v|10.0.0") })
        {
            await table.InsertAsync(new TableEntity(pk, rk).Set("Model", pk));
        }

        var iris = await AsyncItems.ToListAsync(table.QueryPartitionAsync("iris"));
        var versions = await AsyncItems.ToListAsync(table.QueryPartitionAsync("iris", "v|"));

        Assert.Equal(["label|stable", "v|1.0.0", "v|10.0.0", "v|2.0.0"], iris.Select(e => e.RowKey));
        Assert.Equal(["v|1.0.0", "v|10.0.0", "v|2.0.0"], versions.Select(e => e.RowKey));
        Assert.All(iris, e => Assert.Equal("iris", e.PartitionKey));
        Assert.All(iris, e => Assert.NotEqual(default, e.ETag));
    }

    [Fact]
    public async Task KeysWithQuotesAndSpacesWork()
    {
        var table = await CreateStoreAsync();
        await table.InsertAsync(new TableEntity("o'brien model", "it's v 1").Set("A", "x"));
        Assert.Equal("x", (await table.GetAsync("o'brien model", "it's v 1"))!.Get<string>("A"));
        Assert.Single(await AsyncItems.ToListAsync(table.QueryPartitionAsync("o'brien model", "it's")));
    }

    [Fact]
    public async Task ConcurrentConditionalUpdatesHaveExactlyOneWinnerPerRound()
    {
        var table = await CreateStoreAsync();
        var current = await table.InsertAsync(new TableEntity("m", "label|stable").Set("Version", "0"));
        for (var round = 1; round <= 5; round++)
        {
            var seen = current;
            var attempts = Enumerable.Range(0, 6).Select(async writer =>
            {
                try
                {
                    return await table.UpdateAsync(seen.Clone().Set("Version", $"{round}.{writer}"), seen.ETag);
                }
                catch (StorageConflictException error) when (error.Conflict == StorageConflict.ETagMismatch)
                {
                    return null;
                }
            });

            var winners = (await Task.WhenAll(attempts)).OfType<TableEntity>().ToArray();

            current = Assert.Single(winners);
            Assert.Equal(current.Get<string>("Version"), (await table.GetAsync("m", "label|stable"))!.Get<string>("Version"));
        }
    }

    [Fact]
    public async Task ATransactionAppliesAllItsActions()
    {
        var table = await CreateStoreAsync();
        var version = await table.InsertAsync(new TableEntity("iris", "v|1.0.0").Set("Status", "registered"));
        var doomed = await table.InsertAsync(new TableEntity("iris", "label|old").Set("Version", "0.9.0"));

        var written = await table.SubmitTransactionAsync([
            new(TableTransactionActionType.Update, version.Clone().Set("Status", "validated"), version.ETag),
            new(TableTransactionActionType.Insert, new TableEntity("iris", "label|stable").Set("Version", "1.0.0")),
            new(TableTransactionActionType.Upsert, new TableEntity("iris", "policy").Set("Traffic", "stable=100")),
            new(TableTransactionActionType.Delete, new TableEntity("iris", "label|old"), doomed.ETag),
        ]);

        Assert.Equal(4, written.Count);
        Assert.NotEqual(version.ETag, written[0].ETag);
        Assert.Equal(written[0].ETag, (await table.GetAsync("iris", "v|1.0.0"))!.ETag);
        Assert.Equal("validated", (await table.GetAsync("iris", "v|1.0.0"))!.Get<string>("Status"));
        Assert.Equal("1.0.0", (await table.GetAsync("iris", "label|stable"))!.Get<string>("Version"));
        Assert.NotNull(await table.GetAsync("iris", "policy"));
        Assert.Null(await table.GetAsync("iris", "label|old"));
    }

    [Fact]
    public async Task ATransactionWithOneRefusedActionWritesNothing()
    {
        var table = await CreateStoreAsync();
        var version = await table.InsertAsync(new TableEntity("iris", "v|1.0.0").Set("Status", "registered"));
        await table.UpdateAsync(version.Clone().Set("Status", "retired"), version.ETag);

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => table.SubmitTransactionAsync([
            new(TableTransactionActionType.Insert, new TableEntity("iris", "label|stable").Set("Version", "1.0.0")),
            new(TableTransactionActionType.Update, version.Clone(), version.ETag),
        ]));

        Assert.Equal(StorageConflict.ETagMismatch, conflict.Conflict);
        Assert.Equal("iris/v|1.0.0", conflict.Item);
        Assert.Null(await table.GetAsync("iris", "label|stable"));
        Assert.Equal("retired", (await table.GetAsync("iris", "v|1.0.0"))!.Get<string>("Status"));
    }

    [Fact]
    public async Task TransactionsStayInOnePartition()
    {
        var table = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([
            new(TableTransactionActionType.Upsert, new TableEntity("a", "r")),
            new(TableTransactionActionType.Upsert, new TableEntity("b", "r")),
        ]));
        Assert.Null(await table.GetAsync("a", "r"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public void BadKeysAreRefusedBeforeAnyRequest(string key)
    {
        Assert.Throws<ArgumentException>(() => new TableEntity(key, "r"));
        Assert.Throws<ArgumentException>(() => new TableEntity("p", key));
    }

    [Fact]
    public void UnsupportedPropertyTypesAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TableEntity("p", "r").Set("Price", 1.5m));
        Assert.StartsWith("Property 'Price' is a Decimal;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStringOfSixtyFourKibibytesIsKeptAndOneCharacterMoreIsRefusedByEveryWrite()
    {
        var table = await CreateStoreAsync();
        var largest = new string('x', TableLimits.MaxStringLength);
        var tooLarge = new TableEntity("p", "big").Set("Reason", largest + "x");

        await table.InsertAsync(new TableEntity("p", "fits").Set("Reason", largest));
        var insert = await Assert.ThrowsAsync<TableLimitException>(() => table.InsertAsync(tooLarge));
        await Assert.ThrowsAsync<TableLimitException>(() => table.UpsertAsync(tooLarge));
        await Assert.ThrowsAsync<TableLimitException>(() => table.SubmitTransactionAsync([new(TableTransactionActionType.Insert, tooLarge)]));

        Assert.Equal(largest, (await table.GetAsync("p", "fits"))?.Get<string>("Reason"));
        Assert.Equal("Property 'Reason' is 32,769 characters long; a table property holds at most 32,768 (64 KiB).", insert.Message);
        Assert.Equal("p/big", insert.Item);
        Assert.Null(await table.GetAsync("p", "big"));
    }

    [Fact]
    public async Task AnEntityUnderOneMebibyteIsKeptAndOneOverIsRefused()
    {
        var table = await CreateStoreAsync();
        var fits = new TableEntity("p", "fits");
        var tooLarge = new TableEntity("p", "big");
        for (var i = 0; i < 16; i++)
        {
            // 4 + 2 × 4 for the keys, then 16 × (8 + 2 × 3 + 4 + 2 × 32,000) = 1,024,300 bytes: under 1 MiB; one more property is over.
            fits.Set($"P{i:00}", new string('x', 32_000));
            tooLarge.Set($"P{i:00}", new string('x', 32_000));
        }

        tooLarge.Set("P16", new string('x', 32_000));

        await table.InsertAsync(fits);
        var error = await Assert.ThrowsAsync<TableLimitException>(() => table.InsertAsync(tooLarge));

        Assert.Equal(16, (await table.GetAsync("p", "fits"))?.Properties.Count);
        Assert.Equal("The entity is 1,088,318 bytes as Azure counts them; a table entity holds at most 1,048,576 (1 MiB).", error.Message);
    }
}
