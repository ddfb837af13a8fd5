using System.Text;
using System.Text.Json;

namespace Cloud.Registry.Datasets;

/// <summary>
/// A JSON Lines dataset: one JSON object per line, its keys the columns (<c>{"sepal_length": 5.1, ..., "species":
/// "setosa"}</c>). A cell is a JSON number, or a string read as a CSV cell would be; a class label may be a string or
/// a number (matched by its text). Keys the columns do not name are skipped unparsed, blank lines are skipped, and a
/// line may be at most <see cref="MaxLineBytes"/> long, so a file of any size is read with bounded memory. Messages
/// name the line number, as an editor shows it.
/// </summary>
internal sealed class JsonLinesDatasetReader : IDatasetReader
{
    public const int MaxLineBytes = 16 << 20;

    private readonly Stream _content;
    private readonly DatasetColumns _columns;
    // Key → slot: 0..features-1 for the features, features for the label.
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _slots;
    private readonly string[] _slotNames;
    private readonly int[] _seenInRow;
    private int _rowStamp;
    private byte[] _buffer = new byte[64 << 10];
    private char[] _chars = new char[256];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private long _line;
    private long _rows;

    public JsonLinesDatasetReader(Stream content, string name, DatasetColumns columns)
    {
        _content = content;
        Name = name;
        _columns = columns;
        _slotNames = [.. columns.Features, .. columns.Label is { } label ? [label] : Array.Empty<string>()];
        var slots = new Dictionary<string, int>(_slotNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < _slotNames.Length; i++)
        {
            slots[_slotNames[i]] = i;
        }

        _slots = slots.GetAlternateLookup<ReadOnlySpan<char>>();
        _seenInRow = new int[_slotNames.Length];
    }

    public string Name { get; }

    public async ValueTask<int> ReadAsync(DatasetBatch batch, CancellationToken cancellationToken = default)
    {
        batch.Count = 0;
        batch.FirstRow = _rows + 1;
        while (batch.Count < batch.Capacity)
        {
            if (TakeLines(batch))
            {
                continue;
            }

            if (_endOfStream)
            {
                // The last line may have no line feed.
                if (_start < _end)
                {
                    Add(_buffer.AsSpan(_start, _end - _start), batch);
                    _start = _end;
                }

                break;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        return batch.Count;
    }

    public ValueTask DisposeAsync() => _content.DisposeAsync();

    /// <summary>Adds the complete lines in the buffer until the batch is full; false when a line is incomplete.</summary>
    private bool TakeLines(DatasetBatch batch)
    {
        while (batch.Count < batch.Capacity)
        {
            var rest = _buffer.AsSpan(_start, _end - _start);
            var feed = rest.IndexOf((byte)'\n');
            if (feed < 0)
            {
                return false;
            }

            Add(rest[..feed], batch);
            _start += feed + 1;
        }

        return true;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new DatasetException($"Dataset '{Name}' line {_line + 1} is longer than {MaxLineBytes / (1 << 20)} MiB; a JSON Lines row must fit on a line of at most that.");
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineBytes));
        }

        var read = await _content.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        _endOfStream = read == 0;
    }

    private void Add(ReadOnlySpan<byte> line, DatasetBatch batch)
    {
        _line++;
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return;
        }

        var r = batch.Count;
        _rowStamp++;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new DatasetException($"{Where}: the line is not a JSON object; each line holds one object of column names and values.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var slot = Slot(ref reader);
                reader.Read();
                if (slot < 0)
                {
                    reader.Skip();
                    continue;
                }

                _seenInRow[slot] = _rowStamp;
                Store(ref reader, slot, batch, r);
            }

            // The reader refuses anything after the object (a second value is invalid JSON) when asked for it.
            reader.Read();
        }
        catch (JsonException error)
        {
            throw new DatasetException($"{Where} is not valid JSON: {error.Message}");
        }

        for (var slot = 0; slot < _seenInRow.Length; slot++)
        {
            if (_seenInRow[slot] != _rowStamp)
            {
                throw new DatasetException($"{Where} has no key '{_slotNames[slot]}'; its keys are: {string.Join(", ", Keys(line))}.");
            }
        }

        _rows++;
        batch.Count = r + 1;
    }

    private void Store(ref Utf8JsonReader reader, int slot, DatasetBatch batch, int row)
    {
        var features = _columns.Features.Count;
        if (slot < features)
        {
            batch.Features[(row * features) + slot] = reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out var value) && float.IsFinite(value)
                ? value
                : DatasetCells.Feature(Text(ref reader), _columns, Where, _slotNames[slot]);
        }
        else if (_columns.HasClassLabel)
        {
            batch.Classes[row] = DatasetCells.Class(Text(ref reader), _columns, Where);
        }
        else
        {
            batch.Targets[row] = DatasetCells.Target(Text(ref reader), _columns, Where);
        }
    }

    /// <summary>The value as a cell's text: a string's content, a number's digits, or the token for anything else.</summary>
    private ReadOnlySpan<char> Text(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                EnsureChars(reader.ValueSpan.Length);
                return _chars.AsSpan(0, reader.CopyString(_chars));
            case JsonTokenType.StartObject:
                reader.Skip();
                return "{...}";
            case JsonTokenType.StartArray:
                reader.Skip();
                return "[...]";
            default:
                EnsureChars(reader.ValueSpan.Length);
                return _chars.AsSpan(0, Encoding.UTF8.GetChars(reader.ValueSpan, _chars));
        }
    }

    private int Slot(ref Utf8JsonReader reader)
    {
        EnsureChars(reader.ValueSpan.Length);
        var length = reader.CopyString(_chars);
        return _slots.TryGetValue(_chars.AsSpan(0, length), out var slot) ? slot : -1;
    }

    // UTF-8 never takes fewer bytes than UTF-16 takes chars, so a value's byte length bounds its text.
    private void EnsureChars(int bytes)
    {
        if (_chars.Length < bytes)
        {
            _chars = new char[Math.Max(bytes, _chars.Length * 2)];
        }
    }

    /// <summary>The line's top-level keys, for the message about a missing one (read again only then).</summary>
    private static List<string> Keys(ReadOnlySpan<byte> line)
    {
        var keys = new List<string>();
        var reader = new Utf8JsonReader(line);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            keys.Add(reader.GetString()!);
            reader.Read();
            reader.Skip();
        }

        return keys;
    }

    private DatasetRow Where => new(Name, "line", _line);
}
