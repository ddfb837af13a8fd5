using System.Globalization;
using System.Text;
using Cloud.Storage.Tables;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// The wire format of an entity group transaction ("Performing entity group transactions"): a multipart/mixed batch
/// holding one changeset, whose parts are plain HTTP requests; the answer mirrors it with one HTTP response per
/// action, or a single error response whose message starts with the failed action's zero-based index ("1:...").
/// </summary>
internal static class TableBatch
{
    /// <summary>The batch body and the Content-Type (with its boundary) it must be sent with.</summary>
    public static (byte[] Body, string ContentType) Build(Uri endpoint, string table, IReadOnlyList<TableTransactionAction> actions)
    {
        var batch = $"batch_{Guid.NewGuid():D}";
        var changeset = $"changeset_{Guid.NewGuid():D}";
        var body = new StringBuilder(1024 * actions.Count);
        body.Append("--").Append(batch).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");

        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            var entity = action.Entity;
            var (method, path) = action.Type switch
            {
                TableTransactionActionType.Insert => ("POST", "/" + table),
                TableTransactionActionType.Delete => ("DELETE", TableODataSyntax.EntityPath(table, entity.PartitionKey, entity.RowKey)),
                _ => ("PUT", TableODataSyntax.EntityPath(table, entity.PartitionKey, entity.RowKey)),
            };

            body.Append("--").Append(changeset).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n\r\n")
                .Append(method).Append(' ').Append(endpoint.AbsoluteUri.TrimEnd('/')).Append(path).Append(" HTTP/1.1\r\n")
                .Append("Content-ID: ").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("\r\n")
                .Append("Accept: application/json;odata=minimalmetadata\r\n")
                .Append("DataServiceVersion: 3.0\r\n");
            if (action.Type == TableTransactionActionType.Insert)
            {
                body.Append("Prefer: return-no-content\r\n");
            }

            if (action.Type is TableTransactionActionType.Update or TableTransactionActionType.Delete)
            {
                body.Append("If-Match: ").Append(StorageResponses.ToHeader(action.IfMatch)).Append("\r\n");
            }

            if (action.Type == TableTransactionActionType.Delete)
            {
                body.Append("\r\n");
            }
            else
            {
                // Utf8JsonWriter escapes everything outside ASCII, so the JSON is ASCII and safe to splice as text.
                body.Append("Content-Type: application/json\r\n\r\n")
                    .Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(entity))).Append("\r\n");
            }
        }

        body.Append("--").Append(changeset).Append("--\r\n")
            .Append("--").Append(batch).Append("--\r\n");
        return (Encoding.UTF8.GetBytes(body.ToString()), $"multipart/mixed; boundary={batch}");
    }

    /// <summary>The HTTP responses inside a batch answer, in order.</summary>
    public static IReadOnlyList<Part> ParseResponse(string contentType, string body)
    {
        var responses = new List<Part>();
        foreach (var part in Parts(body, Boundary(contentType)))
        {
            var (headers, content) = SplitHeaders(part);
            if (headers.TryGetValue("Content-Type", out var type) && type.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase))
            {
                responses.AddRange(ParseResponse(type, content)); // the changeset inside the batch
            }
            else if (content.StartsWith("HTTP/", StringComparison.Ordinal))
            {
                responses.Add(ParseHttp(content));
            }
        }

        return responses;
    }

    /// <summary>The zero-based index a failed batch's error message starts with ("3:The update condition..."), if any.</summary>
    public static int? FailedIndex(string? message)
    {
        var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    private static Part ParseHttp(string text)
    {
        // "HTTP/1.1 204 No Content", headers, blank line, body.
        var (statusLine, rest) = SplitLine(text);
        var fields = statusLine.Split(' ', 3);
        var status = fields.Length >= 2 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : throw new FormatException($"A table batch response part has the status line '{statusLine}'.");
        var (headers, body) = SplitHeaders(rest);
        return new Part(status, headers, body.Trim());
    }

    private static string Boundary(string contentType)
    {
        foreach (var parameter in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                return parameter["boundary=".Length..].Trim('"');
            }
        }

        throw new FormatException($"The table batch response's Content-Type '{contentType}' has no boundary.");
    }

    private static IEnumerable<string> Parts(string body, string boundary)
    {
        var delimiter = "--" + boundary;
        var sections = body.Split(delimiter, StringSplitOptions.None);

        // sections[0] is the preamble; a section starting with "--" follows the closing delimiter.
        for (var i = 1; i < sections.Length; i++)
        {
            if (sections[i].StartsWith("--", StringComparison.Ordinal))
            {
                yield break;
            }

            yield return sections[i].TrimStart('\r', '\n');
        }
    }

    private static (Dictionary<string, string> Headers, string Remainder) SplitHeaders(string text)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var rest = text;
        while (rest.Length > 0)
        {
            var (line, after) = SplitLine(rest);
            rest = after;
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (headers, rest);
    }

    private static (string Line, string Remainder) SplitLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? (text.TrimEnd('\r'), "") : (text[..end].TrimEnd('\r'), text[(end + 1)..]);
    }

    /// <summary>One HTTP response inside the batch answer.</summary>
    internal sealed record Part(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
}
