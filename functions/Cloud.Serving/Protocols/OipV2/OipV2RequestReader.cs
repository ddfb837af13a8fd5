using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.OipV2;

/// <summary>
/// Decodes Open Inference Protocol (KServe v2) <c>/infer</c> bodies against a model's signature:
/// <c>{"id"?, "parameters"?, "inputs": [{"name", "shape", "datatype", "parameters"?, "data"}], "outputs"?: [{"name"}]}</c>.
/// </summary>
internal static class OipV2RequestReader
{
    // ONNX allows more, but no servable model's input comes near it, and a fixed bound keeps shape parsing on the stack.
    private const int MaxRank = 32;

    /// <summary>Decodes a body; on failure <paramref name="error"/> says why (always a 400).</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, ServedModel model, [NotNullWhen(true)] out OipV2Request? request, [NotNullWhen(false)] out ProtocolError? error) =>
        BodyDecoding.TryDecode(body, model, Read, out request, out error);

    /// <inheritdoc cref="TryRead(ReadOnlySpan{byte}, ServedModel, out OipV2Request?, out ProtocolError?)"/>
    public static bool TryRead(ReadOnlyMemory<byte> body, ServedModel model, [NotNullWhen(true)] out OipV2Request? request, [NotNullWhen(false)] out ProtocolError? error) =>
        TryRead(body.Span, model, out request, out error);

    /// <inheritdoc cref="TryRead(ReadOnlySpan{byte}, ServedModel, out OipV2Request?, out ProtocolError?)"/>
    public static bool TryRead(in ReadOnlySequence<byte> body, ServedModel model, [NotNullWhen(true)] out OipV2Request? request, [NotNullWhen(false)] out ProtocolError? error) =>
        BodyDecoding.TryDecode(body, model, Read, out request, out error);

    private static OipV2Request Read(ReadOnlySpan<byte> body, ServedSignature signature)
    {
        signature.ThrowIfUnservable();
        using var prepared = JsonBody.Prepare(body);
        var reader = new Utf8JsonReader(prepared.Json, ProtocolJson.ReaderOptions);
        try
        {
            return ReadBody(ref reader, signature, prepared.Json.Length);
        }
        catch (JsonException e)
        {
            throw prepared.InvalidJson(e);
        }
    }

    private static OipV2Request ReadBody(ref Utf8JsonReader reader, ServedSignature signature, int bodyLength)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException(ProtocolErrors.BodyNotObject);
        }

        string? id = null;
        var sawId = false;
        InputColumn?[]? columns = null;
        long[]?[]? shapes = null;
        string[]? outputs = null;
        var sawOutputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("inputs"u8))
            {
                if (columns is not null)
                {
                    throw new ProtocolException(ProtocolErrors.DuplicateField("inputs"));
                }

                reader.Read();
                (columns, shapes) = ReadInputs(ref reader, signature, bodyLength);
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                if (sawOutputs)
                {
                    throw new ProtocolException(ProtocolErrors.DuplicateField("outputs"));
                }

                sawOutputs = true;
                reader.Read();
                outputs = ReadOutputs(ref reader, signature);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                if (sawId)
                {
                    throw new ProtocolException(ProtocolErrors.DuplicateField("id"));
                }

                sawId = true;
                reader.Read();
                id = reader.TokenType switch
                {
                    JsonTokenType.String => NameIndex.TokenText(ref reader),
                    JsonTokenType.Null => null,
                    _ => throw new ProtocolException(ProtocolErrors.V2IdNotString),
                };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Past the root object: the reader throws if anything but whitespace follows it.
        reader.Read();

        if (columns is null)
        {
            // A model without inputs (a Constant) is called with "inputs": [] or without the field at all.
            if (signature.Inputs.Length > 0)
            {
                throw new ProtocolException(ProtocolErrors.V2NoInputs);
            }

            (columns, shapes) = ([], []);
        }

        return new OipV2Request(Build(signature, columns, shapes!, outputs), id);
    }

    private static (InputColumn?[] Columns, long[]?[] Shapes) ReadInputs(ref Utf8JsonReader reader, ServedSignature signature, int bodyLength)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.V2InputsNotList);
        }

        var columns = new InputColumn?[signature.Inputs.Length];
        var shapes = new long[]?[signature.Inputs.Length];
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolException(ProtocolErrors.V2InputNotObject(position));
            }

            ReadInput(ref reader, signature, position, bodyLength, columns, shapes);
            position++;
        }

        return (columns, shapes);
    }

    /// <summary>
    /// One input tensor. Its fields may come in any order, and the data can only be read into a typed buffer once
    /// the name, datatype and shape are known; when "data" comes first, a copy of the reader marks it, the reader
    /// skips it, and it is read from the copy at the end of the object (the copy shares the buffer).
    /// </summary>
    private static void ReadInput(ref Utf8JsonReader reader, ServedSignature signature, int position, int bodyLength, InputColumn?[] columns, long[]?[] shapes)
    {
        ServedInput? spec = null;
        long[]? shape = null;
        var badShape = false;
        var datatype = TensorElementTypes.Undefined;
        string? datatypeText = null;
        var badDatatype = false;
        var sawData = false;
        var data = default(Utf8JsonReader);
        InputColumn? column = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                spec = FindInput(ref reader, signature, position);
                if (columns[spec.Index] is not null)
                {
                    throw new ProtocolException(ProtocolErrors.InputGivenTwice(spec.Name));
                }
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                shape = ReadShape(ref reader);
                badShape = shape is null;
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                badDatatype = reader.TokenType != JsonTokenType.String;
                if (badDatatype)
                {
                    reader.Skip();
                }
                else
                {
                    datatype = OipV2DataTypes.Parse(ref reader);
                    datatypeText = NameIndex.QuotedText(ref reader);
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                sawData = true;
                if (spec is not null && shape is not null && datatypeText is not null)
                {
                    column = CreateColumn(spec, shape, datatype, datatypeText, bodyLength);
                    column.ReadFlat(ref reader);
                }
                else
                {
                    data = reader;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (spec is null)
        {
            throw new ProtocolException(ProtocolErrors.V2InputNoName(position));
        }

        // Field errors are reported here rather than where they occur, so they can name the input whatever the field order.
        if (badDatatype)
        {
            throw new ProtocolException(ProtocolErrors.V2FieldNotString(spec.Name, "datatype"));
        }

        if (datatypeText is null)
        {
            throw new ProtocolException(ProtocolErrors.V2FieldMissing(spec.Name, "datatype"));
        }

        if (badShape)
        {
            throw new ProtocolException(ProtocolErrors.V2BadShape(spec.Name));
        }

        if (shape is null)
        {
            throw new ProtocolException(ProtocolErrors.V2FieldMissing(spec.Name, "shape"));
        }

        if (!sawData)
        {
            throw new ProtocolException(ProtocolErrors.V2FieldMissing(spec.Name, "data"));
        }

        if (column is null)
        {
            column = CreateColumn(spec, shape, datatype, datatypeText, bodyLength);
            column.ReadFlat(ref data);
        }

        var expected = ElementCount(shape);
        if (column.Count != expected)
        {
            throw new ProtocolException(ProtocolErrors.V2DataCount(spec.Name, ShapeText(shape), expected, column.Count));
        }

        columns[spec.Index] = column;
        shapes[spec.Index] = shape;
    }

    /// <summary>Checks the datatype and shape against the model, then makes a column sized for the data.</summary>
    private static InputColumn CreateColumn(ServedInput spec, long[] shape, TensorElementType datatype, string datatypeText, int bodyLength)
    {
        var expectedName = OipV2DataTypes.Name(spec.ElementType);
        if (datatype == TensorElementTypes.Undefined)
        {
            throw new ProtocolException(ProtocolErrors.V2UnknownDatatype(spec.Name, datatypeText, OipV2DataTypes.SupportedText));
        }

        if (datatype == TensorElementType.BFloat16)
        {
            throw new ProtocolException(ProtocolErrors.V2DatatypeNotSupported(spec.Name, datatypeText));
        }

        if (datatype != spec.ElementType)
        {
            throw new ProtocolException(ProtocolErrors.V2DatatypeMismatch(spec.Name, expectedName, datatypeText));
        }

        var matches = shape.Length == spec.Rank;
        for (var d = 0; matches && d < shape.Length; d++)
        {
            matches = spec.Dimensions[d] < 0 || spec.Dimensions[d] == shape[d];
        }

        if (!matches)
        {
            throw new ProtocolException(ProtocolErrors.V2ShapeMismatch(spec.Name, expectedName, spec.ShapeText, ShapeText(shape)));
        }

        // Every element takes at least two bytes of JSON ("0,"), so a shape bigger than the body allows cannot be
        // satisfied: don't let it size the buffer.
        var capacity = (int)Math.Min(ElementCount(shape), bodyLength / 2 + 1);
        return InputColumn.Create(spec, expectedName, allowBinary: false, capacity);
    }

    /// <summary>The shape's dimensions; null when it is not a list of non-negative integers or holds more than an int's worth of elements.</summary>
    private static long[]? ReadShape(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        Span<long> dims = stackalloc long[MaxRank];
        var rank = 0;
        var valid = true;
        long product = 1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!valid || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0 || dim > int.MaxValue || rank == MaxRank)
            {
                valid = false;
                reader.Skip();
                continue;
            }

            // A request's data cannot hold more elements than an int counts; refuse such shapes before they size anything.
            product *= dim;
            valid = product <= int.MaxValue;
            dims[rank++] = dim;
        }

        return valid ? dims[..rank].ToArray() : null;
    }

    private static string[]? ReadOutputs(ref Utf8JsonReader reader, ServedSignature signature)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.V2OutputsNotList);
        }

        var names = new List<string>();
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolException(ProtocolErrors.V2OutputsNotList);
            }

            string? name = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (!isName)
                {
                    reader.Skip();
                    continue;
                }

                var index = reader.TokenType == JsonTokenType.String ? signature.OutputIndex.Find(ref reader) : -1;
                if (index < 0)
                {
                    var given = reader.TokenType == JsonTokenType.String ? NameIndex.QuotedText(ref reader) : "";
                    throw new ProtocolException(ProtocolErrors.UnknownOutput(given, signature.OutputIndex.Text));
                }

                name = signature.OutputIndex.Names[index];
                if (names.Contains(name))
                {
                    throw new ProtocolException(ProtocolErrors.OutputRequestedTwice(name));
                }
            }

            names.Add(name ?? throw new ProtocolException(ProtocolErrors.V2OutputNoName(position)));
            position++;
        }

        // An empty list asks for nothing in particular: answer with every output, as when "outputs" is absent.
        return names.Count == 0 ? null : [.. names];
    }

    private static InferenceRequest Build(ServedSignature signature, InputColumn?[] columns, long[]?[] shapes, string[]? outputs)
    {
        var inputs = new NamedTensor[columns.Length];
        Span<long> firstDimensions = columns.Length <= 16 ? stackalloc long[columns.Length] : new long[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i] ?? throw new ProtocolException(ProtocolErrors.MissingInput(signature.Inputs[i].Name));
            var shape = shapes[i]!;
            firstDimensions[i] = shape.Length > 0 ? shape[0] : -1;
            inputs[i] = new NamedTensor(column.Spec.Name, column.ToTensor(shape));
        }

        // Inputs that disagree on dimension 0 (broadcasting), scalars and empty tensors are not rows: such a request
        // runs as one call with its own shapes, and ONNX Runtime judges whether they fit together.
        return new InferenceRequest(signature.RowsOf(firstDimensions), inputs, outputs);
    }

    private static ServedInput FindInput(ref Utf8JsonReader reader, ServedSignature signature, int position)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new ProtocolException(ProtocolErrors.V2InputNoName(position));
        }

        var index = signature.InputIndex.Find(ref reader);
        return index >= 0 ? signature.Inputs[index]
            : throw new ProtocolException(ProtocolErrors.UnknownInput(NameIndex.QuotedText(ref reader), signature.InputIndex.Text));
    }

    private static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        return count;
    }

    private static string ShapeText(long[] shape) => "[" + string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
