using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cloud.Registry.Registration;
using Cloud.Registry.Telemetry;

namespace Cloud.Registry.Tests.Telemetry;

/// <summary>
/// Every registration attempt through the workflow is counted by its outcome. The model has a name of its own, because
/// the registry's meter is process-wide and other tests register iris beside this one.
/// </summary>
public sealed class RegistrationMetricsTests : IDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly string _model = $"reg-{Guid.NewGuid():N}"[..16];
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private readonly MeterListener _listener = new();

    public RegistrationMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RegistryTelemetry.Name && instrument.Name == "cloud.registry.registrations")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? model = null, status = null;
            foreach (var tag in tags)
            {
                (model, status) = tag.Key switch
                {
                    TelemetryTags.ModelName => ((string?)tag.Value, status),
                    TelemetryTags.RegistrationStatus => (model, (string?)tag.Value),
                    _ => (model, status),
                };
            }

            if (model == _model)
            {
                _counts.AddOrUpdate(status!, value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _h.Dispose();
    }

    [Fact]
    public async Task EachAttemptIsCountedUnderItsOutcome()
    {
        var workflow = new RegistrationWorkflow(_h.Registration, []);
        // The model file alone: the folder is not complete (no model.json), so the attempt is pending.
        await _h.PutAsync($"{_model}/1.0.0/model.onnx", await File.ReadAllBytesAsync(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await workflow.HandleBlobAsync($"{_model}/1.0.0/model.onnx", CancellationToken.None);
        await _h.UploadIrisAsync("1.0.0", _model);
        await workflow.HandleBlobAsync($"{_model}/1.0.0/model.json", CancellationToken.None);
        await workflow.HandleBlobAsync($"{_model}/1.0.0/model.json", CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { ["pending"] = 1, ["registered"] = 1, ["unchanged"] = 1 }, _counts.OrderBy(c => c.Key).ToDictionary());
    }
}
