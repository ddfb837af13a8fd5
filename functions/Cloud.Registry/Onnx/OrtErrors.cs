using Microsoft.ML.OnnxRuntime;

namespace Cloud.Registry.Onnx;

/// <summary>
/// ORT's error code of an <see cref="OnnxRuntimeException"/>. The package keeps its ErrorCode enum internal and
/// exposes the code only as the message's prefix, "[ErrorCode:InvalidArgument] ...", so it is read from there.
/// </summary>
internal static class OrtErrors
{
    private const string Prefix = "[ErrorCode:";

    public const string InvalidArgument = "InvalidArgument";
    public const string NotImplemented = "NotImplemented";

    /// <summary>The code's name (InvalidArgument, NoSuchFile, Fail, ...), or "" when the message has no code.</summary>
    public static string CodeOf(OnnxRuntimeException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        var end = message.IndexOf(']', StringComparison.Ordinal);
        return message.StartsWith(Prefix, StringComparison.Ordinal) && end > Prefix.Length ? message[Prefix.Length..end] : string.Empty;
    }

    /// <summary>ORT's message without the code prefix: what a client or a log should read.</summary>
    public static string MessageOf(OnnxRuntimeException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        var end = message.IndexOf(']', StringComparison.Ordinal);
        return message.StartsWith(Prefix, StringComparison.Ordinal) && end > 0 ? message[(end + 1)..].TrimStart() : message;
    }

    /// <summary>
    /// ORT's message with the file it opened (a work or cache copy, named by us) replaced by the name the user knows
    /// (their model file): ORT's load errors start "Load model from PATH failed".
    /// </summary>
    public static string NamingUserFile(string message, string openedFile, string userFile)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Replace(openedFile, userFile, StringComparison.Ordinal);
    }
}
