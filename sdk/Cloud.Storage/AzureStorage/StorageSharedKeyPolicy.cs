using System.Globalization;
using System.Text;
using Azure.Core;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Signs Blob service requests with Shared Key ("Authorize with Shared Key", Blob/Queue/File format, version 2015-02-21+).
/// </summary>
internal sealed class StorageSharedKeyPolicy(StorageSharedKey key) : SharedKeyPolicy(key)
{
    protected override string StringToSign(Request request, string accountName) => BuildStringToSign(request, accountName);

    /// <summary>
    /// VERB, the eleven standard headers in their fixed order, the canonicalized x-ms-* headers, then the canonicalized
    /// resource. The resource's path is taken exactly as sent (still percent-encoded); for path-style endpoints such as
    /// Azurite's the account name is both the prefix and the first path segment: "/devstoreaccount1/devstoreaccount1/c/b".
    /// </summary>
    internal static string BuildStringToSign(Request request, string accountName)
    {
        var contentLength = request.Content is not null && request.Content.TryComputeLength(out var length) ? length : 0;
        var builder = new StringBuilder(256)
            .Append(request.Method.Method.ToUpperInvariant()).Append('\n')
            .Append(Header(request, "Content-Encoding")).Append('\n')
            .Append(Header(request, "Content-Language")).Append('\n')
            // Since 2015-02-21 a zero Content-Length is signed as the empty string.
            .Append(contentLength == 0 ? "" : contentLength.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Header(request, "Content-MD5")).Append('\n')
            .Append(Header(request, "Content-Type")).Append('\n')
            .Append(Header(request, "Date")).Append('\n')
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');

        AppendCanonicalizedHeaders(builder, request);
        AppendCanonicalizedResource(builder, request.Uri.ToUri(), accountName);
        return builder.ToString();
    }

    private static void AppendCanonicalizedHeaders(StringBuilder builder, Request request)
    {
        var headers = new List<(string Name, string Value)>();
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
#pragma warning disable CA1308 // the protocol prescribes lowercase names
                headers.Add((header.Name.ToLowerInvariant(), header.Value.Trim()));
#pragma warning restore CA1308
            }
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private static void AppendCanonicalizedResource(StringBuilder builder, Uri uri, string accountName)
    {
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");

        // Query parameters: names lowercased and sorted, values decoded; repeated names list their sorted values comma-joined.
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
#pragma warning disable CA1308 // the protocol prescribes lowercase names
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
#pragma warning restore CA1308
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(name, out var values))
            {
                parameters[name] = values = [];
            }

            values.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
        }
    }
}
