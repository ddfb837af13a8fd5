using System.Globalization;
using System.Text.Json;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// Walks a manifest's JSON document by hand, so that every problem is reported with its path and reading goes on
/// after it: a person fixing a manifest sees all of its problems at once, not one per upload. Values are
/// collected as they are checked; the manifest is built only when nothing was wrong.
/// </summary>
/// <remarks>
/// Order of the errors: each object's fields in document order (unknown and duplicate fields where they
/// occur, missing required fields after the object's last field), then the checks that relate fields in
/// different places (task and metrics, promotion and validation, the folder path).
/// </remarks>
internal sealed partial class ManifestParser
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Deep enough for any real manifest (the deepest field is at depth 5); a deeper document is refused as
    // invalid JSON before anything walks it.
    private const int MaxDepth = 32;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        // Strict JSON: what docs/model.schema.json and every other tool read. Comments and trailing commas are
        // refused rather than silently accepted here and rejected elsewhere.
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    private readonly List<ManifestError> _errors = [];

    private ManifestParser()
    {
    }

    public static ManifestReadResult Parse(ReadOnlySpan<byte> utf8Json, string? expectedName, string? expectedVersion)
    {
        var parser = new ManifestParser();
        var manifest = parser.ReadDocument(utf8Json, expectedName, expectedVersion);
        return parser._errors.Count == 0 && manifest is not null
            ? new ManifestReadResult(manifest, [])
            : new ManifestReadResult(null, parser._errors.AsReadOnly());
    }

    private ModelManifest? ReadDocument(ReadOnlySpan<byte> utf8Json, string? expectedName, string? expectedVersion)
    {
        if (utf8Json.Length > ManifestLimits.MaxManifestBytes)
        {
            Error(JsonPath.Root, string.Create(Invariant,
                $"The manifest is {utf8Json.Length:N0} bytes and the limit is {ManifestLimits.MaxManifestBytes:N0} bytes (64 KiB); keep large content such as data or long notes in other files of the folder."));
            return null;
        }

        // Editors on Windows may save UTF-8 with a byte order mark; it carries no meaning, so it is skipped.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            Error(JsonPath.Root, "The manifest is empty; it must be a JSON object with at least name, version, format and modelFile.");
            return null;
        }

        JsonDocument? document = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            document = JsonDocument.ParseValue(ref reader);

            // Reading on makes the reader refuse anything but whitespace after the object.
            while (reader.Read())
            {
            }
        }
        catch (JsonException error)
        {
            document?.Dispose();
            Error(JsonPath.Root, InvalidJson(error));
            return null;
        }

        if (FindInvalidText(utf8Json) is var (offset, problem))
        {
            document.Dispose();
            var (line, column) = Position(utf8Json, offset);
            Error(JsonPath.Root, string.Create(Invariant, $"The manifest is not valid text (line {line}, byte {column}): {problem}"));
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error(JsonPath.Root, $"The manifest must be a JSON object, not {Kind(root)}.");
                return null;
            }

            return ReadRoot(root, expectedName, expectedVersion);
        }
    }

    /// <summary>
    /// The first place where the text cannot become .NET strings, and why; null when there is none. The JSON reader
    /// checks structure, not the bytes inside strings, and would throw later, during the walk: a byte sequence that
    /// is not UTF-8, or an escape of half a surrogate pair ("\ud800").
    /// </summary>
    private static (long Offset, string Problem)? FindInvalidText(ReadOnlySpan<byte> utf8Json)
    {
        var chars = new char[utf8Json.Length];
        if (System.Text.Unicode.Utf8.ToUtf16(utf8Json, chars, out var bytesRead, out _, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return (bytesRead, "the bytes there are not UTF-8; save the file as UTF-8.");
        }

        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return (reader.TokenStartIndex, "a \\u escape there is half of a UTF-16 surrogate pair; write the character itself, or both halves of the pair.");
                }
            }
        }

        return null;
    }

    private static (long Line, long Column) Position(ReadOnlySpan<byte> utf8Json, long offset)
    {
        var before = utf8Json[..(int)offset];
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n') + 1, offset - lastNewline);
    }

    private static string InvalidJson(JsonException error)
    {
        // System.Text.Json ends its messages with " LineNumber: n | BytePositionInLine: m."; the position is given
        // here once, 1-based, the way editors count.
        var detail = error.Message;
        var suffix = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            detail = detail[..suffix];
        }

        // The reader's advice is for programmers configuring it, not for the person fixing the file. Its messages
        // can quote raw input (newlines included), so the detail is escaped and bounded like any manifest text.
        detail = Quoting.Escape(detail.Replace(" Change the reader options.", "", StringComparison.Ordinal).TrimEnd(), 240);
        if (!detail.EndsWith('.'))
        {
            detail += ".";
        }

        if (detail.StartsWith("'/'", StringComparison.Ordinal))
        {
            detail += " JSON has no comments; put notes in the description field.";
        }

        return error.LineNumber is { } line && error.BytePositionInLine is { } column
            ? string.Create(Invariant, $"The manifest is not valid JSON (line {line + 1}, byte {column + 1}): {detail}")
            : $"The manifest is not valid JSON: {detail}";
    }

    private void Error(string path, string message) => _errors.Add(new ManifestError(path, message));

    private static string Q(string text) => Quoting.Quote(text);
}
