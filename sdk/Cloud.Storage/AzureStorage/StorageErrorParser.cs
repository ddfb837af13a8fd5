using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Reads the service's error code and message into <see cref="RequestFailedException"/>: the Blob service answers
/// with XML (<c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;</c>), the Table service with OData JSON
/// (<c>{"odata.error":{"code","message":{"value"}}}</c>), and both usually repeat the code in x-ms-error-code.
/// </summary>
internal sealed class StorageErrorParser : RequestFailedDetailsParser
{
    public static StorageErrorParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        var (code, message) = Read(response);
        error = code is null && message is null ? null : new ResponseError(code, message);
        return error is not null;
    }

    /// <summary>The error code (header first, then body) and message; nulls when there are none.</summary>
    public static (string? Code, string? Message) Read(Response response)
    {
        response.Headers.TryGetValue("x-ms-error-code", out var headerCode);
        string? code = null, message = null;
        try
        {
            var content = response.Content;
            if (!content.IsEmpty)
            {
                var text = content.ToMemory().Span;
                var first = text.TrimStart(" \t\r\n\uFEFF"u8);
                if (first.Length > 0 && first[0] == (byte)'<')
                {
                    var root = XDocument.Parse(content.ToString()).Root;
                    code = root?.Element("Code")?.Value;
                    message = root?.Element("Message")?.Value;
                }
                else if (first.Length > 0 && first[0] == (byte)'{')
                {
                    (code, message) = ReadJson(content.ToMemory());
                }
            }
        }
        catch (Exception e) when (e is XmlException or JsonException or InvalidOperationException)
        {
            // A body that is not the documented error shape still leaves the status and the header code.
        }

        return (headerCode ?? code, message);
    }

    /// <summary>The code and message of an OData JSON error body; nulls when it has another shape.</summary>
    public static (string? Code, string? Message) ReadJson(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !(root.TryGetProperty("odata.error", out var error) || root.TryGetProperty("error", out error)))
        {
            return (null, null);
        }

        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        string? message = null;
        if (error.TryGetProperty("message", out var m))
        {
            message = m.ValueKind switch
            {
                JsonValueKind.String => m.GetString(),
                JsonValueKind.Object when m.TryGetProperty("value", out var v) => v.GetString(),
                _ => null,
            };
        }

        return (code, message);
    }
}
