using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cloud.Serving.Protocols;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cloud.Serving.Http;

/// <summary>
/// What minimal APIs refuse while binding a request (RouteHandlerOptions.ThrowOnBadRequest makes them throw
/// <see cref="BadHttpRequestException"/> instead of answering an empty 400/415), said about the request: the body's
/// JSON field and what it must be, in JSON's words ("a string", "a whole number"), never the .NET type or parameter
/// it was bound to. The field's expected type is found by walking the endpoint's body type along the error's JSON path.
/// </summary>
internal static class BindingErrors
{
    public static (int Status, string Message) Describe(BadHttpRequestException error, HttpContext context, Endpoint? endpoint, JsonSerializerOptions json)
    {
        if (error.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (error.StatusCode, NotJson(context.Request));
        }

        if (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (error.StatusCode, "The request body is larger than this route accepts.");
        }

        return error.InnerException is JsonException body
            ? (StatusCodes.Status400BadRequest, DescribeJson(body, endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType, json))
            // Kestrel's own refusals (a body that ends early, a bad chunk) already speak of the request.
            : (error.StatusCode, error.Message);
    }

    /// <summary>
    /// A body whose Content-Type is not JSON where a route binds JSON: refused by routing (another type) or by binding
    /// (no type), with the same words either way.
    /// </summary>
    public static string NotJson(HttpRequest request) =>
        $"This route takes a JSON body: send it with Content-Type: application/json; this request {(request.ContentType is { Length: > 0 } type ? $"says '{type}'" : "names none")}.";

    private static string DescribeJson(JsonException error, Type? bodyType, JsonSerializerOptions json)
    {
        var path = error.Path ?? "$";
        var at = string.Create(CultureInfo.InvariantCulture, $"(line {(error.LineNumber ?? 0) + 1}, byte {(error.BytePositionInLine ?? 0) + 1})");
        var message = error.Message;

        // System.Text.Json gives no kind with its exceptions, only these texts (pinned by the hostile-input tests).
        if (message.StartsWith("Duplicate propert", StringComparison.Ordinal))
        {
            return ProtocolErrors.DuplicateField(LastName(path));
        }

        if (message.StartsWith("The JSON property '", StringComparison.Ordinal))
        {
            var fields = TypeAt(bodyType, Parent(path), json) is { Kind: JsonTypeInfoKind.Object } parent
                ? string.Join(", ", parent.Properties.Select(p => $"\"{p.Name}\""))
                : "";
            return $"The request body has unknown field \"{LastName(path)}\"{(fields.Length > 0 ? $"; the fields are: {fields}" : "")}.";
        }

        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            if (error.InnerException is InvalidOperationException { Message: var reason } && reason.Contains("surrogate", StringComparison.Ordinal))
            {
                // A string, but "\ud800" alone is no text: saying "must be a string" would send the client looking elsewhere.
                return $"In the request body, {path} has a \\u escape that is half of a UTF-16 surrogate pair {at}.";
            }

            var expected = TypeAt(bodyType, path, json);
            return path == "$" && expected?.Kind == JsonTypeInfoKind.Object
                ? ProtocolErrors.BodyNotObject
                : $"In the request body, {path} must be {Describe(expected)} {at}.";
        }

        return ProtocolErrors.InvalidJson(JsonSyntax.Detail(error), (error.LineNumber ?? 0) + 1, (error.BytePositionInLine ?? 0) + 1);
    }

    /// <summary>The contract of the value at <paramref name="path"/> ($.a.b, $.a[0], $['a.b']) inside <paramref name="root"/>.</summary>
    private static JsonTypeInfo? TypeAt(Type? root, string path, JsonSerializerOptions json)
    {
        if (root is null)
        {
            return null;
        }

        var info = json.GetTypeInfo(root);
        foreach (var segment in Segments(path))
        {
            var next = info.Kind switch
            {
                JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment, json.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))?.PropertyType,
                JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable => info.ElementType,
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            info = json.GetTypeInfo(next);
        }

        return info;
    }

    private static string Describe(JsonTypeInfo? info)
    {
        var type = info is null ? null : Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info?.Kind switch
        {
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            JsonTypeInfoKind.Enumerable => "a list",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) => "a whole number from -2147483648 to 2147483647",
            _ when type == typeof(long) => "a whole number from -9223372036854775808 to 9223372036854775807",
            _ when type == typeof(double) || type == typeof(float) => "a number",
            _ => "another kind of value",
        };
    }

    // JSON paths as System.Text.Json writes them: "$", ".name", "['odd name']", "[3]".
    private static IEnumerable<string> Segments(string path)
    {
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['", StringComparison.Ordinal))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 2)..end];
                i = end + 2;
            }
            else
            {
                var end = path.IndexOf(']', i);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end + 1;
            }
        }
    }

    private static string LastName(string path) => Segments(path).LastOrDefault() ?? path;

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut > 0 ? path[..cut] : "$";
    }
}
