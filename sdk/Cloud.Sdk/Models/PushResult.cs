namespace Cloud.Sdk.Models;

/// <summary>What a folder upload did and what registration concluded.</summary>
/// <param name="Model">The model's name (from model.json).</param>
/// <param name="Version">The version (from model.json).</param>
/// <param name="Registration"><c>registered</c> or <c>unchanged</c> (a no-op re-upload); <c>pending</c> when the folder is not complete yet.</param>
/// <param name="Message">Registration's message, when it gave one.</param>
/// <param name="BytesSent">Bytes sent.</param>
/// <param name="BytesResumed">Bytes found already in storage and not sent again (storage uploads that resumed).</param>
public sealed record PushResult(string Model, string Version, string Registration, string? Message, long BytesSent, long BytesResumed);
