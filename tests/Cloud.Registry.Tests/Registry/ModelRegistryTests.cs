using Cloud.Registry;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task VersionsListNewestSemanticVersionFirst()
    {
        foreach (var version in new[] { "1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1", "2.0.0" })
        {
            await RecordAsync(version, ModelVersionStatus.Registered);
        }

        var versions = await _h.Registry.ListVersionsAsync("iris");

        Assert.Equal(["2.0.0", "2.0.0-rc.1", "1.10.0", "1.2.0", "1.0.0"], versions.Select(v => v.Version));
    }

    [Theory]
    [InlineData(ModelVersionStatus.Registered, true, ModelVersionStatus.Validated, null)]
    [InlineData(ModelVersionStatus.Registered, false, ModelVersionStatus.Rejected, "accuracy 0.5 is below the threshold 0.9")]
    [InlineData(ModelVersionStatus.Rejected, true, ModelVersionStatus.Validated, null)]
    [InlineData(ModelVersionStatus.Retired, true, ModelVersionStatus.Retired, "because")]
    [InlineData(ModelVersionStatus.Failed, false, ModelVersionStatus.Failed, "because")]
    public async Task AVerdictIsRecordedUnlessTheVersionFailedOrWasRetiredMeanwhile(ModelVersionStatus before, bool passed, ModelVersionStatus after, string? reason)
    {
        await RecordAsync("1.0.0", before, reason: before == ModelVersionStatus.Registered ? null : "because");

        var recorded = await _h.Registry.RecordVerdictAsync("iris", "1.0.0", passed, "accuracy 0.5 is below the threshold 0.9");

        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal((after, reason), (version!.Status, version.FailureReason));
        Assert.Equal(before is ModelVersionStatus.Retired or ModelVersionStatus.Failed, recorded is null);
    }

    [Fact]
    public async Task ALabelPointsAtAServableVersionAndRemembersWhereItWas()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        await RecordAsync("2.0.0", ModelVersionStatus.Validated);

        var first = await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        var moved = await _h.Registry.SetLabelAsync("iris", "stable", "2.0.0", expectedETag: first.ETag);

        Assert.Equal("2.0.0", moved.Version);
        Assert.Equal("2.0.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
        Assert.Equal("1.0.0", (await _h.Table.GetAsync("iris", "label|stable"))!.Get<string>("Previous"));
    }

    [Theory]
    [InlineData(ModelVersionStatus.Failed)]
    [InlineData(ModelVersionStatus.Rejected)]
    [InlineData(ModelVersionStatus.Retired)]
    public async Task ALabelCannotPointAtANonServableVersion(ModelVersionStatus status)
    {
        await RecordAsync("1.0.0", status, reason: "because");

        var error = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "stable", "1.0.0"));

        Assert.Equal(RegistryError.RuleViolation, error.Error);
        Assert.Equal($"Label 'stable' cannot point at iris 1.0.0: it is {status.ToWireName()} (because).", error.Message);
        Assert.Null(await _h.Registry.GetLabelAsync("iris", "stable"));
    }

    [Fact]
    public async Task ALabelOnAMissingVersionOrWithABadNameIsRefused()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);

        var missing = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "stable", "9.9.9"));
        var badName = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "Stable!", "1.0.0"));

        Assert.Equal((RegistryError.NotFound, "Model 'iris' has no version '9.9.9'."), (missing.Error, missing.Message));
        Assert.Equal(RegistryError.Invalid, badName.Error);
    }

    [Fact]
    public async Task WhenThePolicyRequiresValidationOnlyValidatedVersionsCanBeLabelled()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Validated);
        await RecordAsync("2.0.0", ModelVersionStatus.Registered);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        await _h.Registry.SetPolicyAsync(new ModelPolicy("iris", new Dictionary<string, int>(), RequireValidation: true, ETag: null));

        var error = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "canary", "2.0.0"));

        Assert.Equal("Label 'canary' cannot point at iris 2.0.0: the model's policy requires validated versions and it is registered.", error.Message);
    }

    [Fact]
    public async Task ConcurrentLabelMovesHaveExactlyOneWinnerPerRound()
    {
        var versions = Enumerable.Range(1, 6).Select(i => $"1.{i}.0").ToArray();
        foreach (var version in versions)
        {
            await RecordAsync(version, ModelVersionStatus.Registered);
        }

        var current = await _h.Registry.SetLabelAsync("iris", "stable", versions[0]);
        for (var round = 0; round < 10; round++)
        {
            var seen = current.ETag;
            var attempts = versions.Select(v => Task.Run(async () =>
            {
                try
                {
                    return await _h.Registry.SetLabelAsync("iris", "stable", v, expectedETag: seen);
                }
                catch (RegistryException error) when (error.Error == RegistryError.Stale)
                {
                    return null;
                }
            }));

            var winners = (await Task.WhenAll(attempts)).OfType<ModelLabel>().ToArray();

            current = Assert.Single(winners);
            Assert.Equal(current.Version, (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
        }
    }

    [Fact]
    public async Task RacingLabelMovesAndRetirementsNeverLeaveALabelOnARetiredVersion()
    {
        for (var round = 0; round < 15; round++)
        {
            var version = $"3.{round}.0";
            await RecordAsync(version, ModelVersionStatus.Registered);
            var setLabel = Task.Run(async () =>
            {
                try
                {
                    await _h.Registry.SetLabelAsync("iris", "canary", version);
                }
                catch (RegistryException)
                {
                }
            });
            var retire = Task.Run(async () =>
            {
                try
                {
                    await _h.Registry.RetireAsync("iris", version, "rolled back");
                }
                catch (RegistryException)
                {
                }
            });

            await Task.WhenAll(setLabel, retire);

            var label = await _h.Registry.GetLabelAsync("iris", "canary");
            if (label?.Version == version)
            {
                Assert.True((await _h.Registry.GetVersionAsync("iris", version))!.Status.IsServable(), $"round {round}: canary points at a retired version");
            }
        }
    }

    [Fact]
    public async Task ARetirementThatLandsMidwayThroughALabelMoveMakesTheMoveFail()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        var interleaving = new InterleavingTableStore(_h.Table);
        var mover = new ModelRegistry(interleaving, _h.Time);
        // The worst moment: the mover has checked that 1.0.0 is servable and is about to write the label.
        interleaving.BeforeNextTransaction = () => _h.Registry.RetireAsync("iris", "1.0.0", "withdrawn");

        var error = await Assert.ThrowsAsync<RegistryException>(() => mover.SetLabelAsync("iris", "stable", "1.0.0"));

        // The write fails on the touched version row; read again, 1.0.0 is retired, and the move says so.
        Assert.Equal(RegistryError.RuleViolation, error.Error);
        Assert.Contains("retired", error.Message, StringComparison.Ordinal);
        Assert.Null(await _h.Registry.GetLabelAsync("iris", "stable"));
        Assert.Equal(ModelVersionStatus.Retired, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task AVerdictThatLandsMidwayThroughALabelMoveIsNotTheCallersConflict()
    {
        // What a label set right after an upload meets: the validate job records its verdict on the version row
        // between the move's read and its write. Without a condition of the caller's, the move is made.
        await RecordAsync("2.0.0", ModelVersionStatus.Registered);
        var interleaving = new InterleavingTableStore(_h.Table);
        var mover = new ModelRegistry(interleaving, _h.Time);
        interleaving.BeforeNextTransaction = () => _h.Registry.RecordVerdictAsync("iris", "2.0.0", passed: true, "every threshold met");

        var moved = await mover.SetLabelAsync("iris", "canary", "2.0.0");

        Assert.Equal("2.0.0", moved.Version);
        Assert.Equal("2.0.0", (await _h.Registry.GetLabelAsync("iris", "canary"))!.Version);
        Assert.Equal(ModelVersionStatus.Validated, (await _h.Registry.GetVersionAsync("iris", "2.0.0"))!.Status);
    }

    [Fact]
    public async Task AMoveWithTheLabelsETagSurvivesAVerdictButNotAnotherMove()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        await RecordAsync("2.0.0", ModelVersionStatus.Registered);
        var seen = await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        var interleaving = new InterleavingTableStore(_h.Table);
        var mover = new ModelRegistry(interleaving, _h.Time);

        interleaving.BeforeNextTransaction = () => _h.Registry.RecordVerdictAsync("iris", "2.0.0", passed: true, "every threshold met");
        var moved = await mover.SetLabelAsync("iris", "stable", "2.0.0", expectedETag: seen.ETag);

        interleaving.BeforeNextTransaction = () => _h.Registry.SetLabelAsync("iris", "stable", "2.0.0");
        var stale = await Assert.ThrowsAsync<RegistryException>(() => mover.SetLabelAsync("iris", "stable", "1.0.0", expectedETag: moved.ETag));

        Assert.Equal("2.0.0", moved.Version);
        Assert.Equal(RegistryError.Stale, stale.Error);
        Assert.Equal("2.0.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
    }

    [Fact]
    public async Task AVersionInUseByALabelCannotBeRetiredUntilTheLabelMoves()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        await RecordAsync("2.0.0", ModelVersionStatus.Registered);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");

        var refused = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.RetireAsync("iris", "1.0.0", "old"));
        await _h.Registry.SetLabelAsync("iris", "stable", "2.0.0");
        var retired = await _h.Registry.RetireAsync("iris", "1.0.0", "old");

        Assert.Equal("iris 1.0.0 cannot become retired while label 'stable' points at it; move the label first.", refused.Message);
        Assert.Equal((ModelVersionStatus.Retired, "old"), (retired.Status, retired.FailureReason));
    }

    [Theory]
    [InlineData(new[] { "stable", "canary" }, new[] { 90, 20 }, "Traffic weights must sum to 100; these sum to 110.")]
    [InlineData(new[] { "stable" }, new[] { 101 }, "Label 'stable' has weight 101; weights are 0 to 100.")]
    [InlineData(new[] { "Stable" }, new[] { 100 }, "The traffic split names an invalid label. Label 'Stable' is not valid: it starts with 'S'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")]
    public async Task BadTrafficSplitsAreRefused(string[] labels, int[] weights, string message)
    {
        var error = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetPolicyAsync(
            new ModelPolicy("iris", labels.Zip(weights).ToDictionary(p => p.First, p => p.Second), false, null)));
        Assert.Equal((RegistryError.Invalid, message), (error.Error, error.Message));
    }

    [Fact]
    public async Task ATrafficSplitNeedsItsLabelsAndKeepsThemFromBeingRemoved()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        await RecordAsync("2.0.0", ModelVersionStatus.Registered);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        var split = new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 };

        var missingLabel = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetPolicyAsync(new ModelPolicy("iris", split, false, null)));
        await _h.Registry.SetLabelAsync("iris", "canary", "2.0.0");
        var policy = await _h.Registry.SetPolicyAsync(new ModelPolicy("iris", split, false, null));
        var inUse = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.RemoveLabelAsync("iris", "canary"));

        Assert.Equal("The traffic split names label 'canary', which model 'iris' does not have.", missingLabel.Message);
        Assert.Equal(split, policy.Traffic);
        Assert.Equal("Label 'canary' of 'iris' is in the traffic split; change the split first.", inUse.Message);
    }

    [Fact]
    public async Task APolicyWrittenWithAStaleETagIsRefused()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        var first = await _h.Registry.SetPolicyAsync(new ModelPolicy("iris", new Dictionary<string, int>(), false, null));
        await _h.Registry.SetPolicyAsync(first with { RequireValidation = false });

        var stale = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetPolicyAsync(first with { RequireValidation = false }));

        Assert.Equal(RegistryError.Stale, stale.Error);
    }

    [Fact]
    public async Task APolicyForAModelWithoutVersionsIsRefusedAsNotFound()
    {
        var ghost = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetPolicyAsync(new ModelPolicy("ghostmodel", new Dictionary<string, int>(), false, null)));

        Assert.Equal(RegistryError.NotFound, ghost.Error);
        Assert.Equal("Model 'ghostmodel' is not registered.", ghost.Message);
    }

    [Fact]
    public async Task TheAnyETagMovesAnExistingLabelAndSetsAnyPolicyButCreatesNoLabel()
    {
        await RecordAsync("1.0.0", ModelVersionStatus.Registered);
        await RecordAsync("2.0.0", ModelVersionStatus.Registered);
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");

        var moved = await _h.Registry.SetLabelAsync("iris", "stable", "2.0.0", expectedETag: "*");
        var absent = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "canary", "2.0.0", expectedETag: "*"));
        var policy = await _h.Registry.SetPolicyAsync(new ModelPolicy("iris", new Dictionary<string, int> { ["stable"] = 100 }, false, "*"));

        Assert.Equal("2.0.0", moved.Version);
        Assert.Equal(RegistryError.Stale, absent.Error);
        Assert.Equal("Label 'canary' of 'iris' does not exist, and the condition '*' asks for a current one; leave the ETag out to create it.", absent.Message);
        Assert.Equal(100, policy.Traffic["stable"]);
    }

    [Theory]
    [InlineData("../../x", "Version '../../x' is not a semantic version: ")]
    [InlineData("1.0.0+build", "Version '1.0.0+build' has build metadata ('+build')")]
    public async Task ALabelOnAVersionThatBreaksTheRulesIsRefusedAsInvalid(string version, string messageStart)
    {
        var error = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.SetLabelAsync("iris", "stable", version));

        Assert.Equal(RegistryError.Invalid, error.Error);
        Assert.StartsWith(messageStart, error.Message, StringComparison.Ordinal);
    }

    private async Task RecordAsync(string version, ModelVersionStatus status, string? reason = null)
    {
        var now = _h.Time.GetUtcNow();
        var info = new ModelVersionInfo("iris", version, status, new string('0', 64), 10, "model.onnx", null, [], null, reason, [], now, now);
        Assert.True(await _h.Registry.TryRecordNewAsync(info, null));
    }
}
