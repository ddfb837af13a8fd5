using System.Globalization;

namespace Cloud.Registry.Registration;

/// <summary>Durations as people read them in messages: "45 s", "11 min", "2 h 5 min".</summary>
internal static class Durations
{
    public static string Describe(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalSeconds)} s");
        }

        if (span < TimeSpan.FromHours(1))
        {
            return span.Seconds == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min")
                : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds} s");
        }

        var hours = (long)span.TotalHours;
        return span.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours} h")
            : string.Create(CultureInfo.InvariantCulture, $"{hours} h {span.Minutes} min");
    }
}
