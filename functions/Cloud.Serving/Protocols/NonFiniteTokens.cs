namespace Cloud.Serving.Protocols;

/// <summary>
/// TF Serving accepts bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> (RapidJSON's kParseNanAndInfFlag);
/// <see cref="System.Text.Json.Utf8JsonReader"/> does not. Outside strings these exact words can only be those
/// tokens, so quoting them turns the body into JSON the reader accepts without changing anything else. Any other
/// bare word (<c>Nan</c>, <c>NaNx</c>, <c>-NaN</c>, a token used as an unquoted key) is left as it is, and the reader refuses it as before.
/// </summary>
internal static class NonFiniteTokens
{
    /// <summary>How many bare tokens <see cref="QuoteBareTokens"/> will quote (each adds two bytes).</summary>
    public static int CountBareTokens(ReadOnlySpan<byte> json)
    {
        var count = 0;
        var i = 0;
        while (i < json.Length)
        {
            var length = BareTokenAt(json, i, out var skip);
            if (length > 0)
            {
                count++;
                i += length;
            }
            else
            {
                i += skip;
            }
        }

        return count;
    }

    /// <summary>Copies <paramref name="json"/> to <paramref name="output"/> with bare tokens quoted; returns the length written.</summary>
    /// <param name="json">The body.</param>
    /// <param name="output">At least <c>json.Length + 2 * CountBareTokens(json)</c> bytes.</param>
    /// <param name="insertions">Receives the output offset of every inserted quote, ascending.</param>
    public static int QuoteBareTokens(ReadOnlySpan<byte> json, Span<byte> output, List<int> insertions)
    {
        var written = 0;
        var i = 0;
        while (i < json.Length)
        {
            var length = BareTokenAt(json, i, out var skip);
            if (length > 0)
            {
                insertions.Add(written);
                output[written++] = (byte)'"';
                json.Slice(i, length).CopyTo(output[written..]);
                written += length;
                insertions.Add(written);
                output[written++] = (byte)'"';
                i += length;
            }
            else
            {
                json.Slice(i, skip).CopyTo(output[written..]);
                written += skip;
                i += skip;
            }
        }

        return written;
    }

    /// <summary>
    /// Maps a (0-based) position in a line of the quoted body back to the body the client sent: the same line
    /// (quotes are never newlines), less the quotes inserted before the position on that line.
    /// </summary>
    public static long OriginalBytePosition(ReadOnlySpan<byte> quoted, List<int> insertions, long line, long bytePosition)
    {
        var lineStart = 0;
        for (long l = 0; l < line; l++)
        {
            var next = quoted[lineStart..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return bytePosition;
            }

            lineStart += next + 1;
        }

        var absolute = lineStart + bytePosition;
        var before = 0;
        foreach (var at in insertions)
        {
            if (at >= lineStart && at < absolute)
            {
                before++;
            }
        }

        return bytePosition - before;
    }

    /// <summary>
    /// The length of a bare non-finite token starting at <paramref name="i"/>, or 0 with <paramref name="skip"/>
    /// set to how far to move on: past a whole string, or one byte.
    /// </summary>
    private static int BareTokenAt(ReadOnlySpan<byte> json, int i, out int skip)
    {
        var b = json[i];
        if (b == (byte)'"')
        {
            skip = StringLength(json, i);
            return 0;
        }

        skip = 1;
        var start = b == (byte)'-' ? i + 1 : i;
        if (start >= json.Length || (json[start] != (byte)'N' && json[start] != (byte)'I'))
        {
            return 0;
        }

        var word = json.Slice(start, LetterRun(json, start));
        var isToken = word.SequenceEqual("Infinity"u8) || (start == i && word.SequenceEqual("NaN"u8));

        // A value, not a key: an unquoted key stays as invalid as the client wrote it.
        var after = json[(start + word.Length)..].TrimStart(" \t\r\n"u8);
        return isToken && (after.IsEmpty || after[0] != (byte)':') ? start - i + word.Length : 0;
    }

    private static int LetterRun(ReadOnlySpan<byte> json, int start)
    {
        var end = start;
        while (end < json.Length && ((json[end] | 0x20) is >= (byte)'a' and <= (byte)'z'))
        {
            end++;
        }

        return end - start;
    }

    /// <summary>The length of the string starting at the quote at <paramref name="start"/>, quotes included (to the end when unterminated).</summary>
    private static int StringLength(ReadOnlySpan<byte> json, int start)
    {
        var i = start + 1;
        while (i < json.Length)
        {
            var next = json[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return json.Length - start;
            }

            i += next;
            if (json[i] == (byte)'\\')
            {
                i += 2;
                continue;
            }

            return i + 1 - start;
        }

        return json.Length - start;
    }
}
