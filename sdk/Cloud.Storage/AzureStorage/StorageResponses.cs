using System.Globalization;
using Azure;
using Azure.Core;

namespace Cloud.Storage.AzureStorage;

/// <summary>Small readers and throw helpers shared by the Blob and Table clients.</summary>
internal static class StorageResponses
{
    /// <summary>The failure as Azure SDK callers expect it: status, the service's error code and its message.</summary>
    public static RequestFailedException Failed(Response response) => new(response, innerException: null, StorageErrorParser.Instance);

    /// <summary>The service's error code for a failed response, or null.</summary>
    public static string? ErrorCode(Response response) => StorageErrorParser.Read(response).Code;

    /// <summary>
    /// The ETag as the services send it, normalized so that one taken from a header and one from a listing compare
    /// equal: strong tags without their quotes (as <see cref="ETag"/> holds them), weak tags (tables) whole.
    /// </summary>
    public static ETag ParseETag(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? new ETag(trimmed[1..^1]) : new ETag(trimmed);
    }

    /// <summary>The form an If-Match header needs: "*", a weak tag as is, a strong one quoted.</summary>
    public static string ToHeader(ETag etag)
    {
        var value = etag.ToString();
        return value == "*" || value.StartsWith("W/", StringComparison.Ordinal) || value.StartsWith('"') ? value : $"\"{value}\"";
    }

    public static ETag RequiredETag(Response response) =>
        response.Headers.TryGetValue("ETag", out var value) ? ParseETag(value) : throw Malformed(response, "ETag");

    public static DateTimeOffset RequiredLastModified(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out var value) ? ParseHttpDate(value) : throw Malformed(response, "Last-Modified");

    public static DateTimeOffset ParseHttpDate(string value) =>
        DateTimeOffset.ParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static RequestFailedException Malformed(Response response, string header) =>
        new(response.Status, $"The storage service answered {response.Status} without the {header} header it documents.");
}
