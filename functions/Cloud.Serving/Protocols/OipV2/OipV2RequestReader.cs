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

    /// <summary>
    /// Decodes a body of the binary tensor data extension: <paramref name="headerLength"/> bytes of JSON, then the
    /// binary data of the inputs that give <c>binary_data_size</c>, in the order of "inputs". A header length of 0 is
    /// the extension's raw form: the whole body is the one input of a single-input model.
    /// </summary>
    public static bool TryReadBinary(in ReadOnlySequence<byte> body, long headerLength, ServedModel model, [NotNullWhen(true)] out OipV2Request? request, [NotNullWhen(false)] out ProtocolError? error) =>
        BodyDecoding.TryDecode(body, model, (bytes, signature) => headerLength > bytes.Length
            ? throw new ProtocolException(ProtocolErrors.HeaderPastBody(headerLength, bytes.Length))
            : headerLength == 0 ? ReadRawBody(bytes, signature)
            : Read(bytes[..(int)headerLength], signature, bytes[(int)headerLength..], binary: true), out request, out error);

    private static OipV2Request Read(ReadOnlySpan<byte> body, ServedSignature signature) => Read(body, signature, default, binary: false);

    private static OipV2Request Read(ReadOnlySpan<byte> body, ServedSignature signature, ReadOnlySpan<byte> binaryData, bool binary)
    {
        signature.ThrowIfUnservable();
        using var prepared = JsonBody.Prepare(body);
        var reader = new Utf8JsonReader(prepared.Json, ProtocolJson.ReaderOptions);
        try
        {
            var binaryPart = new BinaryPart(binaryData, binary);
            var request = ReadBody(ref reader, signature, prepared.Json.Length, ref binaryPart);
            if (binaryPart.Consumed != binaryData.Length)
            {
                throw new ProtocolException(ProtocolErrors.BinaryLeftOver(binaryData.Length - binaryPart.Consumed));
            }

            return request;
        }
        catch (JsonException e)
        {
            throw prepared.InvalidJson(e);
        }
    }

    private static OipV2Request ReadBody(ref Utf8JsonReader reader, ServedSignature signature, int bodyLength, ref BinaryPart binary)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException(ProtocolErrors.BodyNotObject);
        }

        string? id = null;
        var sawId = false;
        Tensor?[]? tensors = null;
        long[]?[]? shapes = null;
        (string[]? Names, bool?[]? Binary) outputs = default;
        var sawOutputs = false;
        var binaryOutput = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("inputs"u8))
            {
                if (tensors is not null)
                {
                    throw new ProtocolException(ProtocolErrors.DuplicateField("inputs"));
                }

                reader.Read();
                (tensors, shapes) = ReadInputs(ref reader, signature, bodyLength, ref binary);
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
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                binaryOutput = ReadBinaryFlag(ref reader, "binary_data_output"u8) ?? false;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Past the root object: the reader throws if anything but whitespace follows it.
        reader.Read();

        if (tensors is null)
        {
            // A model without inputs (a Constant) is called with "inputs": [] or without the field at all.
            if (signature.Inputs.Length > 0)
            {
                throw new ProtocolException(ProtocolErrors.V2NoInputs);
            }

            (tensors, shapes) = ([], []);
        }

        return new OipV2Request(Build(signature, tensors, shapes!, outputs.Names), id, binaryOutput, outputs.Binary);
    }

    private static (Tensor?[] Tensors, long[]?[] Shapes) ReadInputs(ref Utf8JsonReader reader, ServedSignature signature, int bodyLength, ref BinaryPart binary)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.V2InputsNotList);
        }

        var tensors = new Tensor?[signature.Inputs.Length];
        var shapes = new long[]?[signature.Inputs.Length];
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolException(ProtocolErrors.V2InputNotObject(position));
            }

            ReadInput(ref reader, signature, position, bodyLength, tensors, shapes, ref binary);
            position++;
        }

        return (tensors, shapes);
    }

    /// <summary>
    /// One input tensor. Its fields may come in any order, and the data can only be read into a typed buffer once
    /// the name, datatype and shape are known; when "data" comes first, a copy of the reader marks it, the reader
    /// skips it, and it is read from the copy at the end of the object (the copy shares the buffer).
    /// </summary>
    private static void ReadInput(ref Utf8JsonReader reader, ServedSignature signature, int position, int bodyLength, Tensor?[] tensors, long[]?[] shapes, ref BinaryPart binary)
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
        long? binarySize = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                spec = FindInput(ref reader, signature, position);
                if (tensors[spec.Index] is not null)
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
                if (spec is not null && shape is not null && datatypeText is not null && binarySize is null)
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
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                binarySize = ReadBinarySize(ref reader, spec, position);
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

        if (binarySize is { } size)
        {
            if (sawData)
            {
                throw new ProtocolException(ProtocolErrors.BinaryAndData(spec.Name));
            }

            if (!binary.Allowed)
            {
                throw new ProtocolException(ProtocolErrors.BinaryWithoutHeader(spec.Name));
            }

            CheckInput(spec, shape, datatype, datatypeText);
            if (size > binary.Remaining)
            {
                throw new ProtocolException(ProtocolErrors.BinaryPastBody(spec.Name, size, binary.Remaining));
            }

            tensors[spec.Index] = RawTensors.Read(spec, shape, binary.Take((int)size));
            shapes[spec.Index] = shape;
            return;
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

        tensors[spec.Index] = column.ToTensor(shape);
        shapes[spec.Index] = shape;
    }

    /// <summary>Checks the datatype and shape against the model, then makes a column sized for the data.</summary>
    private static InputColumn CreateColumn(ServedInput spec, long[] shape, TensorElementType datatype, string datatypeText, int bodyLength)
    {
        CheckInput(spec, shape, datatype, datatypeText);

        // Every element takes at least two bytes of JSON ("0,"), so a shape bigger than the body allows cannot be
        // satisfied: don't let it size the buffer.
        var capacity = (int)Math.Min(ElementCount(shape), bodyLength / 2 + 1);
        return InputColumn.Create(spec, OipV2DataTypes.Name(spec.ElementType), allowBinary: false, capacity);
    }

    /// <summary>Checks an input's datatype and shape against the model (every form of the protocol: JSON, binary, gRPC).</summary>
    internal static void CheckInput(ServedInput spec, long[] shape, TensorElementType datatype, string datatypeText)
    {
        var expectedName = OipV2DataTypes.Name(spec.ElementType);
        if (datatype == TensorElementTypes.Undefined)
        {
            throw new ProtocolException(ProtocolErrors.V2UnknownDatatype(spec.Name, datatypeText, OipV2DataTypes.SupportedText));
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

    private static (string[]? Names, bool?[]? Binary) ReadOutputs(ref Utf8JsonReader reader, ServedSignature signature)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.V2OutputsNotList);
        }

        var names = new List<string>();
        var binary = new List<bool?>();
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolException(ProtocolErrors.V2OutputsNotList);
            }

            string? name = null;
            bool? binaryData = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                var isParameters = !isName && reader.ValueTextEquals("parameters"u8);
                reader.Read();
                if (isParameters)
                {
                    binaryData = ReadBinaryFlag(ref reader, "binary_data"u8);
                    continue;
                }

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
            binary.Add(binaryData);
            position++;
        }

        // An empty list asks for nothing in particular: answer with every output, as when "outputs" is absent.
        return names.Count == 0 ? default : ([.. names], binary.Any(b => b is not null) ? [.. binary] : null);
    }

    /// <summary>An input's <c>"parameters"</c>: its binary_data_size, if it gives one; other parameters are skipped.</summary>
    private static long? ReadBinarySize(ref Utf8JsonReader reader, ServedInput? spec, int position)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? size = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSize = reader.ValueTextEquals("binary_data_size"u8);
            reader.Read();
            if (!isSize)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0 || value > int.MaxValue)
            {
                throw new ProtocolException(ProtocolErrors.BinarySizeNotNumber(spec?.Name ?? position.ToString(CultureInfo.InvariantCulture)));
            }

            size = value;
        }

        return size;
    }

    /// <summary>A <c>"parameters"</c> object's boolean <paramref name="name"/> (binary_data, binary_data_output); null when absent.</summary>
    private static bool? ReadBinaryFlag(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        bool? flag = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFlag = reader.ValueTextEquals(name);
            reader.Read();
            if (!isFlag)
            {
                reader.Skip();
                continue;
            }

            flag = reader.TokenType switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => throw new ProtocolException(ProtocolErrors.BinaryParameterNotBool),
            };
        }

        return flag;
    }

    /// <summary>
    /// The raw form (Inference-Header-Content-Length 0): the body is the single input's data, its datatype the
    /// model's, its shape the model's with the one free dimension (if any) deduced from the size. A BYTES input's body
    /// is one element. Outputs are answered in JSON, as when a request asks nothing about them.
    /// </summary>
    private static OipV2Request ReadRawBody(ReadOnlySpan<byte> body, ServedSignature signature)
    {
        signature.ThrowIfUnservable();
        if (signature.Inputs.Length != 1)
        {
            throw new ProtocolException(ProtocolErrors.RawBodyNeedsOneInput(signature.Inputs.Length));
        }

        var spec = signature.Inputs[0];
        var shape = spec.Dimensions.ToArray();
        var free = Array.FindAll(shape, d => d < 0).Length;
        if (free > 1)
        {
            throw new ProtocolException(ProtocolErrors.RawBodyShape(spec.Name, spec.ShapeText));
        }

        Tensor tensor;
        if (spec.ElementType == TensorElementType.String)
        {
            shape.AsSpan().Replace(-1L, 1L);
            if (ElementCount(shape) != 1)
            {
                throw new ProtocolException(ProtocolErrors.RawBodyShape(spec.Name, spec.ShapeText));
            }

            tensor = new StringTensor([ReadUtf8(spec, body)], shape);
        }
        else
        {
            var size = TensorElementTypes.SizeOf(spec.ElementType);
            long known = 1;
            foreach (var dim in shape)
            {
                known *= dim < 0 ? 1 : dim;
            }

            var index = Array.IndexOf(shape, -1L);
            if (index >= 0 && known > 0 && body.Length % (known * size) == 0)
            {
                shape[index] = body.Length / (known * size);
            }

            shape.AsSpan().Replace(-1L, 0L);
            tensor = RawTensors.Read(spec, shape, body);
        }

        long[]?[] shapes = [shape];
        return new OipV2Request(Build(signature, [tensor], shapes, null), null);
    }

    private static string ReadUtf8(ServedInput spec, ReadOnlySpan<byte> bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new ProtocolException(ProtocolErrors.BytesNotUtf8(spec.Name, 0));
        }

        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The binary data after the JSON header, taken input by input in the order "inputs" gives them.</summary>
    private ref struct BinaryPart(ReadOnlySpan<byte> data, bool allowed)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        /// <summary>Whether the request has a binary part at all (an Inference-Header-Content-Length header).</summary>
        public readonly bool Allowed { get; } = allowed;

        public int Consumed { get; private set; }

        public readonly int Remaining => _data.Length - Consumed;

        public ReadOnlySpan<byte> Take(int count)
        {
            var part = _data.Slice(Consumed, count);
            Consumed += count;
            return part;
        }
    }

    /// <summary>The request from every input's tensor (in the model's input order) and the outputs asked for.</summary>
    internal static InferenceRequest Build(ServedSignature signature, Tensor?[] tensors, long[]?[] shapes, string[]? outputs)
    {
        var inputs = new NamedTensor[tensors.Length];
        Span<long> firstDimensions = tensors.Length <= 16 ? stackalloc long[tensors.Length] : new long[tensors.Length];
        for (var i = 0; i < tensors.Length; i++)
        {
            var tensor = tensors[i] ?? throw new ProtocolException(ProtocolErrors.MissingInput(signature.Inputs[i].Name));
            var shape = shapes[i]!;
            firstDimensions[i] = shape.Length > 0 ? shape[0] : -1;
            inputs[i] = new NamedTensor(signature.Inputs[i].Name, tensor);
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
