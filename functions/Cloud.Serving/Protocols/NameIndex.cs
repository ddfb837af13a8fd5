using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Cloud.Serving.Protocols;

/// <summary>
/// Finds a name (input, output or feature) from the JSON token the reader is on without allocating a string:
/// the token is unescaped into a stack buffer and looked up by span. Tabular models can have dozens of inputs or
/// features, and every row of an object-per-row request names each of them.
/// </summary>
internal sealed class NameIndex
{
    /// <summary>The most characters of a client-given name or string a message quotes.</summary>
    public const int QuotedLimit = 40;

    private const int StackChars = 256;

    private readonly Dictionary<string, int> _byName;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public NameIndex(IReadOnlyList<string> names)
    {
        Names = names;
        _byName = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            _byName.TryAdd(names[i], i);
        }

        _bySpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        Text = string.Join(", ", names);
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The names as messages list them: "a, b".</summary>
    public string Text { get; }

    /// <summary>The index of <paramref name="name"/>; -1 when it is not one of them.</summary>
    public int Find(string name) => _byName.TryGetValue(name, out var index) ? index : -1;

    /// <summary>The index of the name in the current property-name or string token; -1 when it is not one of them.</summary>
    public int Find(ref Utf8JsonReader reader)
    {
        var maxChars = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        char[]? rented = null;
        var buffer = maxChars <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            var length = reader.CopyString(buffer);
            return _bySpan.TryGetValue(buffer[..length], out var index) ? index : -1;
        }
        catch (InvalidOperationException)
        {
            // An unpaired surrogate escape (\ud800): no name of ours contains one.
            return -1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The current string or property-name token as text, even when it cannot be unescaped.</summary>
    public static string TokenText(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "null";
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
        }
    }

    /// <summary>
    /// The current token as a client-given name to quote in a message, shortened past <see cref="QuotedLimit"/>
    /// characters: the text comes from the request, and an error body should not grow with it.
    /// </summary>
    public static string QuotedText(ref Utf8JsonReader reader)
    {
        var text = TokenText(ref reader);
        return text.Length > QuotedLimit ? text[..QuotedLimit] + "…" : text;
    }
}
