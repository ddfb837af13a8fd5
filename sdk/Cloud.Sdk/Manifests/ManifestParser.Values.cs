using System.Text.Json;

namespace Cloud.Sdk.Manifests;

/// <summary>Reading single values and objects, each with its type checked and its problems reported.</summary>
internal sealed partial class ManifestParser
{
    /// <summary>
    /// Reads a closed object (one with a fixed set of fields, <paramref name="pattern"/> in
    /// <see cref="ManifestFields.Objects"/>): calls <paramref name="readField"/> with each known, non-null field in
    /// document order and reports duplicate, unknown, null and missing required fields.
    /// </summary>
    private void ReadObject(JsonElement element, string path, string pattern, Action<string, JsonElement, string> readField)
    {
        var fields = ManifestFields.Objects[pattern];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            var fieldPath = JsonPath.Property(path, name);
            if (!seen.Add(name))
            {
                Error(fieldPath, $"Field {Q(name)} appears more than once in {path}; keep one.");
            }
            else if (!fields.Contains(name))
            {
                Error(fieldPath, UnknownField(name, path, pattern));
            }
            else if (property.Value.ValueKind == JsonValueKind.Null)
            {
                Error(fieldPath, fields.IsRequired(name)
                    ? $"{fieldPath} is null; give it a value."
                    : $"{fieldPath} is null; give it a value or leave the field out.");
            }
            else
            {
                readField(name, property.Value, fieldPath);
            }
        }

        foreach (var required in fields.Required)
        {
            if (!seen.Contains(required))
            {
                Error(JsonPath.Property(path, required), $"Required field {Q(required)} is missing from {path}.");
            }
        }
    }

    /// <summary>
    /// Reads a map (an object whose keys are data: input names, tags, metric names...): calls
    /// <paramref name="readEntry"/> with each entry, once per key. False when <paramref name="element"/> is not an object.
    /// </summary>
    private bool ReadMap(JsonElement element, string path, Action<string, JsonElement, string> readEntry)
    {
        if (!IsKind(element, JsonValueKind.Object, path, "an object"))
        {
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var entryPath = JsonPath.Property(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Error(entryPath, $"Key {Q(property.Name)} appears more than once in {path}; keep one.");
                continue;
            }

            readEntry(property.Name, property.Value, entryPath);
        }

        return true;
    }

    private static string UnknownField(string name, string path, string pattern)
    {
        var known = ManifestFields.Objects[pattern].Names;
        var prefix = $"Unknown field {Q(name)} in {path}";

        // The format is case-sensitive camelCase (as JSON Schema checks it); a field that differs only in case is
        // unknown, and the message says which field was meant.
        if (FieldSuggestions.SameIgnoringCase(name, known) is { } sameIgnoringCase)
        {
            return $"{prefix}; field names are case-sensitive: did you mean {Q(sameIgnoringCase)}?";
        }

        // A field put in the wrong section ("maxBatchSize" at the top level) is told where it belongs.
        var elsewhere = ManifestFields.Objects
            .Where(entry => entry.Key != pattern && entry.Value.Contains(name))
            .Select(entry => entry.Key.EndsWith("[*]", StringComparison.Ordinal) ? $"an entry of {entry.Key[..^3]}" : entry.Key)
            .ToList();
        if (elsewhere.Count > 0)
        {
            return $"{prefix}; it belongs in {string.Join(" or ", elsewhere)}.";
        }

        var closest = FieldSuggestions.Closest(name, known);
        return closest.Count > 0
            ? $"{prefix}; did you mean {Quoting.List(closest, "or")}?"
            : $"{prefix}; the fields allowed there are {Quoting.List(known)}.";
    }

    private bool IsKind(JsonElement value, JsonValueKind kind, string path, string expected)
    {
        if (value.ValueKind == kind)
        {
            return true;
        }

        TypeError(value, path, expected);
        return false;
    }

    private void TypeError(JsonElement value, string path, string expected)
    {
        var hint = "";
        if (value.ValueKind == JsonValueKind.String && expected.Contains("number", StringComparison.Ordinal) &&
            double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, Invariant, out _))
        {
            hint = $"; write {Quoting.Escape(value.GetString()!)} without quotes";
        }

        Error(path, $"{path} must be {expected}, not {Kind(value)}{hint}.");
    }

    private string? ReadString(JsonElement value, string path) =>
        IsKind(value, JsonValueKind.String, path, "a string") ? value.GetString() : null;

    /// <summary>A whole number within [min, max]; <paramref name="expected"/> describes the range ("a whole number from 1 to 65536").</summary>
    private long? ReadWholeNumber(JsonElement value, string path, long min, long max, string expected)
    {
        if (!IsKind(value, JsonValueKind.Number, path, "a whole number"))
        {
            return null;
        }

        if (TryGetWholeNumber(value, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Error(path, $"{path} must be {expected}; it is {Raw(value)}.");
        return null;
    }

    /// <summary>A finite number within [min, max]; <paramref name="expected"/> describes the range.</summary>
    private double? ReadNumber(JsonElement value, string path, double min, double max, string expected)
    {
        if (!IsKind(value, JsonValueKind.Number, path, "a number"))
        {
            return null;
        }

        if (value.TryGetDouble(out var number) && double.IsFinite(number) && number >= min && number <= max)
        {
            return number;
        }

        Error(path, $"{path} must be {expected}; it is {Raw(value)}.");
        return null;
    }

    // JSON Schema's "integer" is any number with no fractional part, so 1e3 and 2.0 count as whole numbers too.
    private static bool TryGetWholeNumber(JsonElement value, out long number)
    {
        if (value.TryGetInt64(out number))
        {
            return true;
        }

        // 2^63 is exactly representable as a double, so the range check below is exact.
        const double TwoTo63 = 9223372036854775808d;
        if (value.TryGetDouble(out var real) && double.IsFinite(real) && Math.Floor(real) == real && real >= -TwoTo63 && real < TwoTo63)
        {
            number = (long)real;
            return true;
        }

        return false;
    }

    /// <summary>
    /// An array of unique, non-empty strings (class names, feature names, metrics, labels); <paramref name="noun"/>
    /// names one item in messages ("class name"); <paramref name="checkItem"/>, when given, checks each item further
    /// and reports its own errors. Null when anything is wrong with the list.
    /// </summary>
    private List<string>? ReadStringList(JsonElement value, string path, string noun, Func<string, string, bool>? checkItem = null)
    {
        if (!IsKind(value, JsonValueKind.Array, path, "an array of strings"))
        {
            return null;
        }

        var items = new List<string>();
        var valid = true;
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var elementPath = JsonPath.Index(path, index++);
            var item = ReadString(element, elementPath);
            if (item is null)
            {
                valid = false;
            }
            else if (item.Length == 0)
            {
                Error(elementPath, $"{elementPath} is an empty string; every {noun} must have at least one character.");
                valid = false;
            }
            else if (items.Contains(item, StringComparer.Ordinal))
            {
                Error(elementPath, $"{Capitalized(noun)} {Q(item)} appears more than once in {path}; list each once.");
                valid = false;
            }
            else
            {
                items.Add(item);
                valid &= checkItem?.Invoke(item, elementPath) ?? true;
            }
        }

        return valid ? items : null;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Raw(JsonElement value) => Quoting.Escape(value.GetRawText());

    private static string Capitalized(string noun) => string.Concat(char.ToUpperInvariant(noun[0]).ToString(), noun[1..]);
}
