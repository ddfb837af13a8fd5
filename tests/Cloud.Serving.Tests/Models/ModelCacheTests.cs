using Cloud.Serving;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Tests.Models;

public sealed class ModelCacheTests : IDisposable
{
    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task OverItsLimitTheLeastRecentlyUsedUnpinnedVersionIsUnloaded()
    {
        foreach (var version in new[] { "1.0.0", "2.0.0", "3.0.0" })
        {
            await _h.UploadIrisAsync(version);
            await _h.Registration.RegisterAsync($"iris/{version}/model.json");
        }

        await using var cache = NewCache(maxLoaded: 2);
        cache.Pin([("iris", "1.0.0")]);
        await cache.GetAsync("iris", "1.0.0");
        await cache.GetAsync("iris", "2.0.0");
        await cache.GetAsync("iris", "3.0.0");
        await Eventually.TrueAsync(() => cache.GetStatus().Count == 2, "an eviction");

        // 1.0.0 is pinned (routing targets it) and 3.0.0 was just loaded: 2.0.0 goes.
        Assert.Equal(["1.0.0", "3.0.0"], cache.GetStatus().Select(s => s.Version));
        Assert.NotNull(cache.TryGetAvailable("iris", "1.0.0"));
        Assert.Null(cache.TryGetAvailable("iris", "2.0.0"));
    }

    [Fact]
    public async Task OverItsMemoryBudgetTheLeastRecentlyUsedVersionIsUnloadedWhateverTheCount()
    {
        foreach (var version in new[] { "1.0.0", "2.0.0", "3.0.0" })
        {
            await _h.UploadIrisAsync(version);
            await _h.Registration.RegisterAsync($"iris/{version}/model.json");
        }

        // Each version is charged MemoryPerModelByte x its file size: a budget of two and a half versions holds two.
        var perVersion = (long)(new FileInfo(Path.Combine(Repo.IrisFolder, "model.onnx")).Length * new ModelCacheOptions().MemoryPerModelByte);
        await using var cache = NewCache(maxLoaded: 16, memoryBudget: perVersion * 5 / 2);
        var first = await cache.GetAsync("iris", "1.0.0");
        await cache.GetAsync("iris", "2.0.0");
        // 1.0.0 serves a request after 2.0.0 loaded, so 2.0.0 is now the least recently used.
        await first.PredictAsync(IrisRequest(first), CancellationToken.None);
        await cache.GetAsync("iris", "3.0.0");
        await Eventually.TrueAsync(() => cache.GetStatus().Count == 2, "an eviction");

        Assert.Equal(["1.0.0", "3.0.0"], cache.GetStatus().Select(s => s.Version));
        Assert.All(cache.GetStatus(), s => Assert.Equal(perVersion, s.EstimatedBytes));
    }

    [Fact]
    public async Task ConcurrentRequestsForOneVersionLoadItOnce()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        await using var cache = NewCache(maxLoaded: 4);

        var loaded = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => cache.GetAsync("iris", "1.0.0"))));

        Assert.All(loaded, l => Assert.Same(loaded[0], l));
    }

    [Fact]
    public async Task ANonServableVersionIsNotLoaded()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        await _h.Registry.RetireAsync("iris", "1.0.0", "withdrawn");
        await using var cache = NewCache(maxLoaded: 4);

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => cache.GetAsync("iris", "1.0.0"));

        Assert.Equal("iris 1.0.0 is retired and does not serve.", error.Message);
    }

    private ModelCache NewCache(int maxLoaded, long memoryBudget = 4L << 30) => TestCaches.For(_h, maxLoaded, memoryBudget);

    private static InferenceRequest IrisRequest(LoadedModel model) =>
        new(1, [new NamedTensor(model.Served.Inputs[0].Name, Tensor.Create(new[] { 5.1f, 3.5f, 1.4f, 0.2f }, 1, 4))]);
}
