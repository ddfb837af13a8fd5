using Cloud.Storage.Tables;

namespace Cloud.Storage.Tests;

public sealed class SqliteTableStoreTests : TableStoreContract, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-tables-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    protected override Task<ITableStore> CreateStoreAsync() =>
        Task.FromResult<ITableStore>(new SqliteTableStore(Path.Combine(_root.FullName, "cloud.db"), "T" + Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task TwoStoresOnOneFileShareTheRows()
    {
        var path = Path.Combine(_root.FullName, "shared.db");
        var writer = new SqliteTableStore(path, "Registry");
        var reader = new SqliteTableStore(path, "Registry");

        await writer.InsertAsync(new TableEntity("iris", "v|1.0.0").Set("Status", "registered"));

        Assert.Equal("registered", (await reader.GetAsync("iris", "v|1.0.0"))!.Get<string>("Status"));
    }

    [Fact]
    public async Task TablesInOneFileAreSeparate()
    {
        var path = Path.Combine(_root.FullName, "shared.db");
        await new SqliteTableStore(path, "Registry").InsertAsync(new TableEntity("iris", "r").Set("A", 1));
        Assert.Null(await new SqliteTableStore(path, "Jobs").GetAsync("iris", "r"));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("a-b-c")]
    [InlineData("x; DROP TABLE y")]
    public void BadTableNamesAreRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteTableStore(Path.Combine(_root.FullName, "x.db"), name));
        Assert.StartsWith($"Table name '{name}' must be 3 to 63 letters and digits", error.Message, StringComparison.Ordinal);
    }
}
