using Azure.Core;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Signs Table service requests with Shared Key in the Table format, which differs from the Blob one: no canonicalized
/// headers, the date is in the fourth line, and only the <c>comp</c> query parameter is part of the resource.
/// </summary>
internal sealed class TableSharedKeyPolicy(StorageSharedKey key) : SharedKeyPolicy(key)
{
    protected override string StringToSign(Request request, string accountName) => BuildStringToSign(request, accountName);

    /// <summary>
    /// VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource, where Date is the Date header or, when there is
    /// none (this client sends none), x-ms-date.
    /// </summary>
    internal static string BuildStringToSign(Request request, string accountName)
    {
        var uri = request.Uri.ToUri();
        var date = request.Headers.TryGetValue("Date", out var httpDate) ? httpDate : Header(request, "x-ms-date");
        var resource = $"/{accountName}{(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/")}";
        var comp = CompParameter(uri);
        if (comp is not null)
        {
            resource += "?comp=" + comp;
        }

        return string.Join('\n', request.Method.Method.ToUpperInvariant(), Header(request, "Content-MD5"), Header(request, "Content-Type"), date, resource);
    }

    private static string? CompParameter(Uri uri)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("comp=", StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(pair["comp=".Length..]);
            }
        }

        return null;
    }
}
