using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.Registration;

/// <summary>
/// The manifest's warm-up example (<c>warmUp</c>): a file of the model folder holding one Open Inference Protocol v2
/// inference request body, <c>{"inputs": [{"name", "shape", "datatype", "data"}, ...]}</c>, the JSON a client would
/// POST to <c>/v2/models/{m}/infer</c>. Registration checks its shape (<see cref="ShapeProblem"/>); the model cache
/// decodes it against the loaded signature with the protocol's own reader and runs it.
/// </summary>
internal static class WarmUpExample
{
    /// <summary>The largest warm-up file: one request, so the host's default limit on a request body (Serving:MaxRequestBodyBytes).</summary>
    public const long MaxBytes = 10 * 1024 * 1024;

    private static readonly JsonDocumentOptions Strict = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <summary>The file's bytes, or why it cannot be read as one; null when it is not in the store.</summary>
    public static async Task<(byte[]? Content, string? Problem)?> ReadAsync(IBlobStore models, string path, CancellationToken cancellationToken = default)
    {
        var download = await models.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return null;
        }

        await using (download.ConfigureAwait(false))
        {
            if (download.Properties.Size > MaxBytes)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"it is {download.Properties.Size:N0} bytes and the limit is {MaxBytes:N0}"));
            }

            using var buffer = new MemoryStream((int)download.Properties.Size);
            await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return (buffer.ToArray(), null);
        }
    }

    /// <summary>
    /// Null when <paramref name="utf8Json"/> has the shape of an inference request body; otherwise why not, as a clause
    /// ("it is not valid JSON ..."). Only the shape: whether the inputs fit the model (names, datatypes, shapes, values)
    /// is the protocol reader's to judge when the version loads.
    /// </summary>
    public static string? ShapeProblem(ReadOnlySpan<byte> utf8Json)
    {
        if (!Utf8.IsValid(utf8Json))
        {
            return "it is not UTF-8 text";
        }

        // A byte order mark carries no meaning, and the protocol's reader skips one too.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return "it is empty";
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), Strict);
        }
        catch (JsonException error)
        {
            // Strict JSON, as every tool reads it: the protocol's bare NaN and Infinity are written quoted here ("NaN").
            return error.LineNumber is { } line && error.BytePositionInLine is { } column
                ? string.Create(CultureInfo.InvariantCulture, $"it is not valid JSON (line {line + 1}, byte {column + 1})")
                : "it is not valid JSON";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"it is {Kind(root)}, not an object";
            }

            if (!root.TryGetProperty("inputs", out var inputs))
            {
                return "it has no \"inputs\"";
            }

            if (inputs.ValueKind != JsonValueKind.Array)
            {
                return $"its \"inputs\" is {Kind(inputs)}, not a list";
            }

            var position = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                if (InputProblem(input) is { } problem)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"its inputs[{position}] {problem}");
                }

                position++;
            }

            return null;
        }
    }

    private static string? InputProblem(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return $"is {Kind(input)}, not an object";
        }

        foreach (var (field, kind) in new[] { ("name", JsonValueKind.String), ("shape", JsonValueKind.Array), ("datatype", JsonValueKind.String), ("data", JsonValueKind.Array) })
        {
            if (!input.TryGetProperty(field, out var value))
            {
                return $"has no \"{field}\"";
            }

            if (value.ValueKind != kind)
            {
                return $"has a \"{field}\" that is {Kind(value)}, not {(kind == JsonValueKind.Array ? "a list" : "a string")}";
            }
        }

        foreach (var dimension in input.GetProperty("shape").EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var size) || size < 0)
            {
                return "has a \"shape\" that is not a list of whole numbers, 0 or more";
            }
        }

        return null;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
