namespace Cloud.Sdk.Models;

/// <summary>How far a folder upload is.</summary>
/// <param name="File">The file being sent.</param>
/// <param name="BytesDone">Bytes of the folder sent (or found already there, when resuming).</param>
/// <param name="TotalBytes">Bytes of the folder.</param>
public readonly record struct PushProgress(string File, long BytesDone, long TotalBytes);
