using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cloud.Registry.Registration;

namespace Cloud.Registry.Telemetry;

/// <summary>
/// The registry room's meter and activity source ("Cloud.Registry"). Static, like the rooms' other process-wide state:
/// OpenTelemetry listens by name, so one instance per process is what every provider sees anyway.
/// </summary>
internal static class RegistryTelemetry
{
    public const string Name = "Cloud.Registry";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Registrations = Meter.CreateCounter<long>(
        "cloud.registry.registrations", "{registration}", "Registration attempts, by outcome (registration.status) and model.");

    private static readonly Histogram<double> RegistrationDuration = Meter.CreateHistogram(
        "cloud.registry.registration.duration", "s", "How long one registration attempt took, follow-ups (validation scheduling, routing) included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.SlowSeconds });

    /// <summary>The span of one registration attempt; null when nobody listens.</summary>
    public static Activity? StartRegistration(string blobPath)
    {
        var activity = Source.StartActivity("register");
        activity?.SetTag("registration.blob", blobPath);
        return activity;
    }

    public static void Concluded(Activity? activity, RegistrationOutcome outcome, TimeSpan elapsed)
    {
        var status = StatusName(outcome.Status);
        var tags = new TagList { { TelemetryTags.RegistrationStatus, status } };
        if (outcome.Model is not null)
        {
            tags.Add(TelemetryTags.ModelName, outcome.Model);
        }

        Registrations.Add(1, tags);
        RegistrationDuration.Record(elapsed.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.RegistrationStatus, status);
            activity.SetTag(TelemetryTags.ModelName, outcome.Model);
            activity.SetTag(TelemetryTags.ModelVersion, outcome.Version);
            if (outcome.Status is RegistrationStatus.Failed or RegistrationStatus.Refused)
            {
                // The model's fault, not the host's, yet the span should stand out: the version did not register.
                activity.SetStatus(ActivityStatusCode.Error, outcome.Message);
            }
        }
    }

    public static void Threw(Activity? activity, Exception error, TimeSpan elapsed)
    {
        var tags = new TagList { { TelemetryTags.RegistrationStatus, "error" }, { TelemetryTags.ErrorType, error.GetType().FullName } };
        Registrations.Add(1, tags);
        RegistrationDuration.Record(elapsed.TotalSeconds, tags);
        activity?.AddException(error);
        activity?.SetStatus(ActivityStatusCode.Error, error.Message);
    }

    /// <summary>Lower-case names, the same words docs/registry.md uses.</summary>
    private static string StatusName(RegistrationStatus status) => status switch
    {
        RegistrationStatus.Registered => "registered",
        RegistrationStatus.Unchanged => "unchanged",
        RegistrationStatus.Pending => "pending",
        RegistrationStatus.Failed => "failed",
        RegistrationStatus.Refused => "refused",
        RegistrationStatus.Ignored => "ignored",
        _ => "unknown",
    };
}
