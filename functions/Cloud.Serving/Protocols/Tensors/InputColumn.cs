using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;
using static System.FormattableString;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// Collects one input's elements straight from the JSON reader into a typed buffer while checking the nesting
/// against the input's shape: rows (TF Serving row format), a whole nested tensor (TF columnar), or flat or
/// nested row-major data (Open Inference Protocol). Fixed dimensions must match exactly; a free dimension is
/// set by the first list at its depth and every later one must agree, so the result is always a dense tensor.
/// The indices of where the reader is are kept only so messages can say "row 2[1]".
/// </summary>
internal abstract class InputColumn
{
    private readonly long[] _dims;
    private readonly int[] _path;

    // Where each free dimension got its size, so a ragged row can be told which row it disagrees with.
    private readonly int[]? _firstPaths;

    private int _feature = -1;
    private bool _flat;

    protected InputColumn(ServedInput spec, string typeLabel)
    {
        Spec = spec;
        TypeLabel = typeLabel;
        _dims = (long[])spec.Dimensions.Clone();
        _path = new int[spec.Rank];
        if (spec.Rank > 1 && spec.Dimensions.AsSpan(1).Contains(-1))
        {
            _firstPaths = new int[spec.Rank * spec.Rank];
        }
    }

    public ServedInput Spec { get; }

    /// <summary>The element type as the protocol names it in messages: float32 for TF Serving, FP32 for v2.</summary>
    public string TypeLabel { get; }

    /// <summary>Entries along dimension 0 read so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Whether anything was read into this column (so a second mention of the input is a duplicate).</summary>
    public bool Started { get; private set; }

    /// <summary>Elements read so far.</summary>
    public abstract int Count { get; }

    /// <summary>Creates the column for the input's element type.</summary>
    /// <param name="spec">The input.</param>
    /// <param name="typeLabel">The element type as messages name it.</param>
    /// <param name="allowBinary">Whether string elements may be TF Serving's <c>{"b64": "..."}</c> objects.</param>
    /// <param name="capacity">Elements to allocate for at first.</param>
    public static InputColumn Create(ServedInput spec, string typeLabel, bool allowBinary, int capacity) => spec.ElementType switch
    {
        TensorElementType.Float => new DenseColumn<float>(spec, typeLabel, capacity),
        TensorElementType.Double => new DenseColumn<double>(spec, typeLabel, capacity),
        TensorElementType.Float16 => new DenseColumn<Half>(spec, typeLabel, capacity),
        TensorElementType.Int8 => new DenseColumn<sbyte>(spec, typeLabel, capacity),
        TensorElementType.UInt8 => new DenseColumn<byte>(spec, typeLabel, capacity),
        TensorElementType.Int16 => new DenseColumn<short>(spec, typeLabel, capacity),
        TensorElementType.UInt16 => new DenseColumn<ushort>(spec, typeLabel, capacity),
        TensorElementType.Int32 => new DenseColumn<int>(spec, typeLabel, capacity),
        TensorElementType.UInt32 => new DenseColumn<uint>(spec, typeLabel, capacity),
        TensorElementType.Int64 => new DenseColumn<long>(spec, typeLabel, capacity),
        TensorElementType.UInt64 => new DenseColumn<ulong>(spec, typeLabel, capacity),
        TensorElementType.Bool => new DenseColumn<bool>(spec, typeLabel, capacity),
        TensorElementType.String => new StringColumn(spec, typeLabel, allowBinary, capacity),
        TensorElementType.BFloat16 => throw new ProtocolException(ProtocolErrors.Bf16NotInJson(spec.Name)),
        _ => throw new ProtocolException(ProtocolErrors.InputTypeNotSupported(spec.Name, TensorElementTypes.Name(spec.ElementType))),
    };

    /// <summary>Reads one row (dimension 0 entry) at the reader's current token: a value, list, or feature object.</summary>
    public void ReadRow(ref Utf8JsonReader reader)
    {
        Started = true;
        _path[0] = Rows;
        ReadAt(ref reader, 1);
        Rows++;
    }

    /// <summary>Reads a whole tensor, dimension 0 outermost, at the reader's current token.</summary>
    public void ReadTensor(ref Utf8JsonReader reader)
    {
        Started = true;
        if (Spec.Rank == 0)
        {
            // A scalar input's tensor is the bare value, as TF Serving writes a scalar in the columnar format.
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                throw new ProtocolException(ProtocolErrors.ScalarGotList(Spec.Name, TypeLabel));
            }

            ReadLeaf(ref reader);
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.GotNonList(Spec.Name, TypeLabel, Spec.ShapeText, DescribeNonList(reader.TokenType)));
        }

        Rows = Spec.Rank == 1 ? ReadLeaves(ref reader) : ReadLists(ref reader, 1);
    }

    /// <summary>Reads row-major data, flat or nested to any depth, at the reader's current token (a list).</summary>
    public void ReadFlat(ref Utf8JsonReader reader)
    {
        Started = true;
        _flat = true;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.V2DataNotList(Spec.Name));
        }

        ReadFlatList(ref reader);
    }

    /// <summary>The tensor read by rows or as a whole: [rows, the row dimensions], or [] for a scalar input.</summary>
    public Tensor ToTensor()
    {
        var shape = new long[Spec.Rank];
        if (shape.Length == 0)
        {
            return ToTensor(shape);
        }

        shape[0] = Rows;
        for (var d = 1; d < shape.Length; d++)
        {
            // A free dimension no list ever reached (every row empty above it) holds nothing: size 0.
            shape[d] = Math.Max(_dims[d], 0);
        }

        return ToTensor(shape);
    }

    /// <summary>The elements read, with the given shape (whose element count the caller has checked).</summary>
    public abstract Tensor ToTensor(long[] shape);

    /// <summary>Reads the leaves of an innermost list up to its end; returns how many.</summary>
    protected abstract int ReadLeaves(ref Utf8JsonReader reader);

    /// <summary>Reads one leaf at the reader's current token and appends it.</summary>
    protected abstract void ReadLeaf(ref Utf8JsonReader reader);

    /// <summary>Reads one leaf at the reader's current token into a slot made by <see cref="Reserve"/>.</summary>
    protected abstract void ReadLeafAt(ref Utf8JsonReader reader, int slot);

    /// <summary>Appends <paramref name="count"/> slots to fill in any order; returns the first.</summary>
    protected abstract int Reserve(int count);

    /// <summary>Reads leaves and nested lists, flattened, up to the end of the current list.</summary>
    protected abstract void ReadFlatList(ref Utf8JsonReader reader);

    /// <summary>Sets the position of the leaf an innermost list is reading, for messages.</summary>
    protected void AtLeaf(int index) => _path[^1] = index;

    /// <summary>Throws the message for a leaf that could not be read.</summary>
    [DoesNotReturn]
    protected void FailLeaf(ref Utf8JsonReader reader, ElementStatus status)
    {
        var path = LeafPath();
        throw new ProtocolException(status switch
        {
            _ when reader.TokenType == JsonTokenType.StartArray =>
                ProtocolErrors.ListWhereValue(Spec.Name, TypeLabel, Spec.ShapeText, Spec.RowText, path),
            ElementStatus.OutOfRange =>
                ProtocolErrors.OutOfRange(Spec.Name, TypeLabel, path, RawText(ref reader), ElementKinds.RangeText(Spec.ElementType)),
            ElementStatus.NotWholeNumber => ProtocolErrors.NotWholeNumber(Spec.Name, TypeLabel, path, RawText(ref reader)),
            _ => ProtocolErrors.WrongValue(Spec.Name, TypeLabel, path, Describe(ref reader)),
        });
    }

    /// <summary>Where the leaf being read sits, for messages: "row 2[1]", "row 0 feature 'petal_width'", "data[7]".</summary>
    protected string LeafPath() => _flat ? Invariant($"data[{Count}]") : Path(Spec.Rank);

    private void ReadAt(ref Utf8JsonReader reader, int depth)
    {
        if (depth == Spec.Rank)
        {
            ReadLeaf(ref reader);
            return;
        }

        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var count = depth == Spec.Rank - 1 ? ReadLeaves(ref reader) : ReadLists(ref reader, depth + 1);
            CheckLength(depth, count);
        }
        else if (reader.TokenType == JsonTokenType.StartObject && depth == 1 && Spec.FeatureIndex is not null)
        {
            ReadFeatureRow(ref reader);
        }
        else
        {
            throw new ProtocolException(ProtocolErrors.NotAList(Spec.Name, TypeLabel, Spec.ShapeText, Spec.RowText, Path(depth), DescribeNonList(reader.TokenType)));
        }
    }

    private int ReadLists(ref Utf8JsonReader reader, int childDepth)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _path[childDepth - 1] = count;
            ReadAt(ref reader, childDepth);
            count++;
        }

        return count;
    }

    /// <summary>A [batch, n] row written as an object keyed by the manifest's feature names, in any order.</summary>
    private void ReadFeatureRow(ref Utf8JsonReader reader)
    {
        var index = Spec.FeatureIndex!;
        var count = Spec.FeatureNames!.Length;
        var row = _path[0];
        var start = Reserve(count);
        Span<bool> seen = count <= 256 ? stackalloc bool[count] : new bool[count];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var feature = index.Find(ref reader);
            if (feature < 0)
            {
                throw new ProtocolException(ProtocolErrors.UnknownFeature(Spec.Name, row, NameIndex.QuotedText(ref reader), index.Text));
            }

            if (seen[feature])
            {
                throw new ProtocolException(ProtocolErrors.FeatureGivenTwice(Spec.Name, row, Spec.FeatureNames[feature]));
            }

            seen[feature] = true;
            reader.Read();
            _feature = feature;
            ReadLeafAt(ref reader, start + feature);
            _feature = -1;
        }

        if (seen.Contains(false))
        {
            var missing = new List<string>();
            for (var i = 0; i < count; i++)
            {
                if (!seen[i])
                {
                    missing.Add(Spec.FeatureNames[i]);
                }
            }

            throw new ProtocolException(ProtocolErrors.MissingFeatures(Spec.Name, row, missing, index.Text));
        }

        CheckLength(1, count);
    }

    private void CheckLength(int depth, int count)
    {
        if (Spec.Dimensions[depth] >= 0)
        {
            if (count != Spec.Dimensions[depth])
            {
                throw new ProtocolException(ProtocolErrors.WrongLength(Spec.Name, TypeLabel, Spec.ShapeText, Spec.RowText, Path(depth), count));
            }
        }
        else if (_dims[depth] < 0)
        {
            _dims[depth] = count;
            _path.AsSpan(0, depth).CopyTo(_firstPaths.AsSpan(depth * Spec.Rank));
        }
        else if (_dims[depth] != count)
        {
            var firstPath = PathText(_firstPaths.AsSpan(depth * Spec.Rank, depth));
            throw new ProtocolException(ProtocolErrors.Ragged(Spec.Name, TypeLabel, Spec.ShapeText, Spec.RowText, Path(depth), count, firstPath, _dims[depth]));
        }
    }

    /// <summary>The path of the list (or, at the input's rank, the leaf) at <paramref name="depth"/>: "row 2[1]".</summary>
    private string Path(int depth) => _feature >= 0
        ? Invariant($"row {_path[0]} feature '{Spec.FeatureNames![_feature]}'")
        : PathText(_path.AsSpan(0, depth));

    private static string PathText(ReadOnlySpan<int> indices)
    {
        if (indices.IsEmpty)
        {
            return "the value"; // a scalar input's only element
        }

        var text = new StringBuilder("row ").Append(indices[0]);
        foreach (var index in indices[1..])
        {
            text.Append('[').Append(index).Append(']');
        }

        return text.ToString();
    }

    private static string DescribeNonList(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.Null => "null",
        _ => "a scalar",
    };

    /// <summary>A value for a message: the string "abc", 1.5, true, null, an object.</summary>
    private static string Describe(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var text = NameIndex.QuotedText(ref reader);
                // Most likely a bare token that JsonBody quoted: say it as the client wrote it.
                return text is "NaN" or "Infinity" or "-Infinity" ? text : "the string \"" + text + "\"";
            case JsonTokenType.StartObject:
                return "an object";
            case JsonTokenType.StartArray:
                return "a list";
            default:
                return RawText(ref reader);
        }
    }

    private static string RawText(ref Utf8JsonReader reader) =>
        Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
}
