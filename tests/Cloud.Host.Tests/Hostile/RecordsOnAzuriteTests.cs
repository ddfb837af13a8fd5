using System.Text.Json;
using Cloud.Host.Tests.Http;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// The record cases on Azure Table Storage (Azurite), where the 64 KiB property limit is the service's own: the same
/// answers as on the embedded store, and a signature longer than one property is kept across several.
/// </summary>
public sealed class RecordsOnAzuriteTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private ServingHost _host = null!;
    private HttpClient Client { get; set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync(
            ("Cloud:Storage:ConnectionString", azurite.ConnectionString),
            ("Cloud:Storage:ModelsContainer", "models" + _suffix),
            ("Cloud:Storage:RegistryTable", "Registry" + _suffix),
            ("Cloud:Storage:JobsTable", "Jobs" + _suffix));
        Client = NoServerErrors.ClientOf(_host);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public Task ARetireReasonOfAHundredKibibytesIsRefusedNamingTheLimit() =>
        RecordChecks.RetireReasonTooLongIsRefusedAsync(Client);

    [Fact]
    public Task AManifestWithFourteenHundredUnknownFieldsIsRecordedFailedOnce() =>
        RecordChecks.ManifestOfManyProblemsIsRecordedFailedOnceAsync(Client, "7.0.0");

    [Fact]
    public async Task ASignatureLongerThanOneTablePropertyRegistersAndReadsBackWhole()
    {
        // 300 inputs named with 100 characters: about 48,000 characters of signature, past Azure's 32,768 a property.
        var model = OnnxModelBuilder.Identity([.. Enumerable.Range(0, 300)
            .Select(i => new OnnxModelBuilder.Input($"{new string('i', 96)}{i:0000}", TensorElementType.Float, 1L))]);

        var answer = await RecordChecks.PushAsync(Client, "8.0.0", RecordChecks.Manifest("8.0.0"), model);

        Assert.Equal(200, (int)answer.StatusCode);
        var version = JsonDocument.Parse(await Client.GetStringAsync("/api/models/iris/versions/8.0.0")).RootElement;
        var inputs = version.GetProperty("signature").GetProperty("inputs");
        Assert.Equal((300, new string('i', 96) + "0299"), (inputs.GetArrayLength(), inputs[299].GetProperty("name").GetString()));
    }
}
