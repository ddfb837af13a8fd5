using Cloud.Registry.History;
using Cloud.Registry.Promotion;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Registry.Tests.Promotion;

/// <summary>The promotion step on the embedded registry: what it changes, what it leaves, what it refuses, what it records.</summary>
public sealed class VersionPromoterTests : IDisposable
{
    private static readonly PromotionAction Canary = new()
    {
        SetLabels = ["canary"],
        Traffic = new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 },
    };

    private readonly RegistryHarness _h = new();
    private readonly DirectoryInfo _jobs = Directory.CreateTempSubdirectory("cloud-history-");
    private readonly VersionHistory _history;
    private readonly VersionPromoter _promoter;

    public VersionPromoterTests()
    {
        _history = new VersionHistory(new FileSystemBlobStore(_jobs.FullName, _h.Time));
        _promoter = new VersionPromoter(_h.Registry, _history, _h.Time);
    }

    public void Dispose()
    {
        _h.Dispose();
        _jobs.Delete(recursive: true);
    }

    [Fact]
    public async Task LabelsMoveFirstThenTheSplitIsSet()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Validated);
        await RecordAsync("1.1.0", ModelVersionStatus.Validated);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        await _h.Registry.SetLabelAsync("iris", "canary", "1.0.0");

        var result = await ApplyAsync("1.1.0", Canary, "job-1");

        Assert.True(result.Applied);
        Assert.Equal(["label 'canary' moved from 1.0.0 to 1.1.0", "traffic split set to stable 90, canary 10 (was none (stable, else newest))"], result.Steps);
        Assert.Equal("1.1.0", (await _h.Registry.GetLabelAsync("iris", "canary"))!.Version);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, (await _h.Registry.GetPolicyAsync("iris")).Traffic);
    }

    [Fact]
    public async Task ASecondAttemptFindsEverythingInPlaceAndTheSameKeyIsNotRecordedTwice()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Validated);
        await RecordAsync("1.1.0", ModelVersionStatus.Validated);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        await ApplyAsync("1.1.0", Canary, "job-1");
        var label = await _h.Registry.GetLabelAsync("iris", "canary");
        var policy = await _h.Registry.GetPolicyAsync("iris");

        var repeated = await ApplyAsync("1.1.0", Canary, "job-1");
        var second = await ApplyAsync("1.1.0", Canary, "job-2");

        Assert.True(repeated.Repeated);
        Assert.Equal(["label 'canary' was already on 1.1.0", "traffic split was already stable 90, canary 10"], second.Steps);
        Assert.Equal(label!.ETag, (await _h.Registry.GetLabelAsync("iris", "canary"))!.ETag);
        Assert.Equal(policy.ETag, (await _h.Registry.GetPolicyAsync("iris")).ETag);
        Assert.Equal(["job-1", "job-2"], (await _history.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None)).Select(e => e.Key));
    }

    [Theory]
    [InlineData(ModelVersionStatus.Rejected)]
    [InlineData(ModelVersionStatus.Failed)]
    [InlineData(ModelVersionStatus.Retired)]
    [InlineData(ModelVersionStatus.Registered)] // servable, but not validated: a policy waits for validation
    public async Task APolicyNeverGivesTrafficToAVersionThatIsNotValidated(ModelVersionStatus status)
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Validated);
        await RecordAsync("1.1.0", status);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");

        var result = await ApplyAsync("1.1.0", Canary, "job-1");

        Assert.Equal(PromotionOutcomes.Failed, result.Outcome);
        Assert.Equal($"iris 1.1.0 is {status.ToWireName()}; a promotion policy only promotes validated versions.", result.Reason);
        Assert.Null(await _h.Registry.GetLabelAsync("iris", "canary"));
        Assert.Empty((await _h.Registry.GetPolicyAsync("iris")).Traffic);
    }

    [Fact]
    public async Task AnExplicitPromotionOfARejectedVersionIsRefusedToo()
    {
        await RecordAsync("1.1.0", ModelVersionStatus.Rejected);

        var result = await _promoter.ApplyAsync("iris", "1.1.0", new PromotionAction { SetLabels = ["stable"] }, PromotionTriggers.Explicit, "request-1",
            requireValidated: false, NullLogger.Instance, CancellationToken.None);
        // The registry's own rule, whoever asks: a label never points at a version that does not serve.
        var direct = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "stable", "1.1.0"));

        Assert.Equal("iris 1.1.0 is rejected; only a servable version can take traffic.", result.Reason);
        Assert.Equal(RegistryError.RuleViolation, direct.Error);
        Assert.Empty(await _h.Registry.GetLabelsAsync("iris"));
    }

    [Fact]
    public async Task ASplitNamingALabelNobodyHasFailsBeforeAnyLabelMoves()
    {
        await RecordAsync("1.1.0", ModelVersionStatus.Validated);

        var result = await ApplyAsync("1.1.0", Canary, "job-1");

        Assert.Equal("The traffic split names label 'stable', which the promotion does not set and model 'iris' does not have; nothing was changed.", result.Reason);
        Assert.Empty(await _h.Registry.GetLabelsAsync("iris"));
        var entry = Assert.Single(await _history.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
        Assert.Equal((PromotionOutcomes.Failed, result.Reason), (entry.Outcome, entry.Reason));
    }

    [Fact]
    public async Task AVersionRowWrittenBetweenReadAndMoveIsReadAgainNotAFailure()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Validated);
        await RecordAsync("1.1.0", ModelVersionStatus.Validated);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        // Just before the label move's transaction, another writer rewrites the version row (as the validate job's own
        // verdict write does): the transaction's condition on the row as read fails once, and the move is made again.
        var interfering = new InterferingTable(_h.Table, () => _h.Registry.RecordVerdictAsync("iris", "1.1.0", passed: true, "again"));
        var promoter = new VersionPromoter(new ModelRegistry(interfering, _h.Time), _history, _h.Time);

        var result = await promoter.ApplyAsync("iris", "1.1.0", new PromotionAction { SetLabels = ["stable"] }, PromotionTriggers.OnValidated, "job-1",
            requireValidated: true, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(2, interfering.Transactions); // the one refused, and the move made again
        Assert.True(result.Applied, result.Reason);
        Assert.Equal(["label 'stable' moved from 1.0.0 to 1.1.0"], result.Steps);
        Assert.Equal("1.1.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
    }

    private Task<PromotionResult> ApplyAsync(string version, PromotionAction action, string key) =>
        _promoter.ApplyAsync("iris", version, action, PromotionTriggers.OnValidated, key, requireValidated: true, NullLogger.Instance, CancellationToken.None);

    private async Task RecordAsync(string version, ModelVersionStatus status)
    {
        var now = _h.Time.GetUtcNow();
        Assert.True(await _h.Registry.TryRecordNewAsync(new ModelVersionInfo("iris", version, status, new string('0', 64), 10, "model.onnx", null, [], null, null, [], now, now), null));
    }
}

/// <summary>A table that lets another writer in once, just before the first transaction.</summary>
internal sealed class InterferingTable(Cloud.Storage.Tables.ITableStore inner, Func<Task> interfere) : Cloud.Storage.Tables.ITableStore
{
    public int Transactions { get; private set; }

    public string Description => inner.Description;

    public Task<Cloud.Storage.Tables.TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        inner.GetAsync(partitionKey, rowKey, cancellationToken);

    public IAsyncEnumerable<Cloud.Storage.Tables.TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null, CancellationToken cancellationToken = default) =>
        inner.QueryPartitionAsync(partitionKey, rowKeyPrefix, cancellationToken);

    public Task<Cloud.Storage.Tables.TableEntity> InsertAsync(Cloud.Storage.Tables.TableEntity entity, CancellationToken cancellationToken = default) =>
        inner.InsertAsync(entity, cancellationToken);

    public Task<Cloud.Storage.Tables.TableEntity> UpdateAsync(Cloud.Storage.Tables.TableEntity entity, Azure.ETag ifMatch, CancellationToken cancellationToken = default) =>
        inner.UpdateAsync(entity, ifMatch, cancellationToken);

    public Task<Cloud.Storage.Tables.TableEntity> UpsertAsync(Cloud.Storage.Tables.TableEntity entity, CancellationToken cancellationToken = default) =>
        inner.UpsertAsync(entity, cancellationToken);

    public Task<bool> DeleteAsync(string partitionKey, string rowKey, Azure.ETag ifMatch, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(partitionKey, rowKey, ifMatch, cancellationToken);

    public async Task<IReadOnlyList<Cloud.Storage.Tables.TableEntity>> SubmitTransactionAsync(IReadOnlyList<Cloud.Storage.Tables.TableTransactionAction> actions,
        CancellationToken cancellationToken = default)
    {
        if (Transactions++ == 0)
        {
            await interfere();
        }

        return await inner.SubmitTransactionAsync(actions, cancellationToken);
    }
}
