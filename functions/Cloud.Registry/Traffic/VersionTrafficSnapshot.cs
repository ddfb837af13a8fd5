namespace Cloud.Registry.Traffic;

/// <summary>One serving process's counts for one version, as it publishes them (<see cref="VersionTrafficStore"/>).</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Instance">The publishing process (host, process id, start time): each writes only its own blob.</param>
/// <param name="At">When the counts were read.</param>
/// <param name="Traffic">The counts since the process started.</param>
internal sealed record VersionTrafficSnapshot(string Model, string Version, string Instance, DateTimeOffset At, VersionTraffic Traffic);
