using Cloud.Registry;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Tests.Registry;

/// <summary>A job's version: a named one or the next patch, never shared by two jobs, the same for every run of one job.</summary>
public sealed class VersionAllocatorTests : IDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly VersionAllocator _allocator;

    public VersionAllocatorTests() => _allocator = new VersionAllocator(_h.Table, _h.Time);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task AModelWithoutVersionsStartsAt100()
    {
        Assert.Equal("1.0.0", await _allocator.AllocateAsync("iris", "train-a", null));
    }

    [Fact]
    public async Task TheNextPatchFollowsTheHighestVersionBySemanticOrderNotByText()
    {
        // Ordinal order would pick 1.9.0 over 1.10.0; a pre-release of a higher release still counts as higher.
        foreach (var version in new[] { "1.9.0", "1.10.0", "1.2.7" })
        {
            await RecordAsync(version);
        }

        Assert.Equal("1.10.1", await _allocator.AllocateAsync("iris", "train-a", null));
        await RecordAsync("1.11.0-rc.1");
        Assert.Equal("1.11.1", await _allocator.AllocateAsync("iris", "train-b", null));
    }

    [Fact]
    public async Task ReservedVersionsCountAsTakenBeforeTheyAreRegistered()
    {
        await RecordAsync("2.0.0");

        var first = await _allocator.AllocateAsync("iris", "train-a", null);
        var second = await _allocator.AllocateAsync("iris", "train-b", null);

        Assert.Equal(("2.0.1", "2.0.2"), (first, second));
    }

    [Fact]
    public async Task EightJobsAllocatingAtOnceGetEightDistinctConsecutiveVersions()
    {
        await RecordAsync("1.0.0");
        using var start = new ManualResetEventSlim();

        var runs = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            // Each its own allocator over the same table: as eight runners in eight processes would be.
            return await new VersionAllocator(_h.Table, _h.Time).AllocateAsync("iris", $"train-{i}", null);
        })).ToList();
        start.Set();

        var versions = await Task.WhenAll(runs);
        Assert.Equal(["1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5", "1.0.6", "1.0.7", "1.0.8"], versions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ARunOfTheSameJobGetsTheSameVersionBackEvenAfterOthersAllocated()
    {
        var first = await _allocator.AllocateAsync("iris", "train-a", null);
        await _allocator.AllocateAsync("iris", "train-b", null);

        var again = await _allocator.AllocateAsync("iris", "train-a", null);

        Assert.Equal(("1.0.0", "1.0.0"), (first, again));
        Assert.Equal("1.0.0", await _allocator.FindAsync("iris", "train-a"));
        Assert.Null(await _allocator.FindAsync("iris", "train-c"));
    }

    [Fact]
    public async Task TwoRunsOfOneJobRacingGetOneVersion()
    {
        using var start = new ManualResetEventSlim();
        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await new VersionAllocator(_h.Table, _h.Time).AllocateAsync("iris", "train-a", null);
        })).ToList();
        start.Set();

        Assert.Equal(["1.0.0"], (await Task.WhenAll(runs)).Distinct());
        Assert.Equal("1.0.1", await _allocator.AllocateAsync("iris", "train-b", null));
    }

    [Fact]
    public async Task ANamedVersionIsReservedOnceAndRefusedToAnotherJobOrWhenRegistered()
    {
        Assert.Equal("3.0.0", await _allocator.AllocateAsync("iris", "train-a", "3.0.0"));
        Assert.Equal("3.0.0", await _allocator.AllocateAsync("iris", "train-a", "3.0.0"));

        var taken = await Assert.ThrowsAsync<RegistryException>(() => _allocator.AllocateAsync("iris", "train-b", "3.0.0"));
        Assert.Equal("Version '3.0.0' of 'iris' is reserved by job 'train-a'; name another version, or leave it out for the next patch.", taken.Message);

        await RecordAsync("4.0.0");
        var registered = await Assert.ThrowsAsync<RegistryException>(() => _allocator.AllocateAsync("iris", "train-c", "4.0.0"));
        Assert.Equal("Model 'iris' already has version '4.0.0'; name a new version, or leave it out for the next patch.", registered.Message);
    }

    [Fact]
    public async Task ReservationsAreNotVersions()
    {
        await _allocator.AllocateAsync("iris", "train-a", null);

        Assert.Empty(await _h.Registry.ListVersionsAsync("iris"));
        Assert.Null(await _h.Registry.GetVersionAsync("iris", "1.0.0"));
    }

    private async Task RecordAsync(string version)
    {
        var now = _h.Time.GetUtcNow();
        var info = new ModelVersionInfo("iris", version, ModelVersionStatus.Registered, new string('0', 64), 10, "model.onnx", null, [], null, null, [], now, now);
        Assert.True(await _h.Registry.TryRecordNewAsync(info, null));
    }
}
