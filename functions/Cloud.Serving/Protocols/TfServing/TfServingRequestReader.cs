using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.TfServing;

/// <summary>
/// Decodes TF Serving REST <c>:predict</c> bodies (https://www.tensorflow.org/tfx/serving/api_rest) against a
/// model's signature, in one pass of <see cref="Utf8JsonReader"/> straight into typed tensors.
/// </summary>
/// <remarks>
/// Row format: a single-input model takes a list of rows (each a value, nested list, or, where the manifest names
/// the input's features, an object keyed by feature name); any model takes rows that are objects keyed by input
/// name. Columnar format: a tensor for a single-input model, or an object keyed by input name. Keys other than
/// <c>instances</c>, <c>inputs</c> and <c>signature_name</c> are ignored (Vertex AI adds <c>parameters</c>).
/// </remarks>
internal static class TfServingRequestReader
{
    private const string DefaultSignature = "serving_default";

    /// <summary>Decodes a body; on failure <paramref name="error"/> says why (always a 400).</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, ServedModel model, [NotNullWhen(true)] out TfServingRequest? request, [NotNullWhen(false)] out ProtocolError? error) =>
        BodyDecoding.TryDecode(body, model, Read, out request, out error);

    /// <inheritdoc cref="TryRead(ReadOnlySpan{byte}, ServedModel, out TfServingRequest?, out ProtocolError?)"/>
    public static bool TryRead(ReadOnlyMemory<byte> body, ServedModel model, [NotNullWhen(true)] out TfServingRequest? request, [NotNullWhen(false)] out ProtocolError? error) =>
        TryRead(body.Span, model, out request, out error);

    /// <inheritdoc cref="TryRead(ReadOnlySpan{byte}, ServedModel, out TfServingRequest?, out ProtocolError?)"/>
    public static bool TryRead(in ReadOnlySequence<byte> body, ServedModel model, [NotNullWhen(true)] out TfServingRequest? request, [NotNullWhen(false)] out ProtocolError? error) =>
        BodyDecoding.TryDecode(body, model, Read, out request, out error);

    private static TfServingRequest Read(ReadOnlySpan<byte> body, ServedSignature signature)
    {
        signature.ThrowIfUnservable();
        using var prepared = JsonBody.Prepare(body);
        if (FloatInstancesReader.TryRead(prepared.Json, signature, out var common))
        {
            return new TfServingRequest(common!, TfServingFormat.Row);
        }

        var reader = new Utf8JsonReader(prepared.Json, ProtocolJson.ReaderOptions);
        try
        {
            return ReadBody(ref reader, signature);
        }
        catch (JsonException e)
        {
            throw prepared.InvalidJson(e);
        }
    }

    private static TfServingRequest ReadBody(ref Utf8JsonReader reader, ServedSignature signature)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException(ProtocolErrors.BodyNotObject);
        }

        TfServingFormat? format = null;
        InputColumn[]? columns = null;
        var rows = 0;
        var sawSignature = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("instances"u8) || reader.ValueTextEquals("inputs"u8))
            {
                var found = reader.ValueTextEquals("instances"u8) ? TfServingFormat.Row : TfServingFormat.Columnar;
                if (format is not null)
                {
                    throw new ProtocolException(format == found
                        ? ProtocolErrors.DuplicateField(found == TfServingFormat.Row ? "instances" : "inputs")
                        : ProtocolErrors.BothInstancesAndInputs);
                }

                format = found;
                reader.Read();
                columns = found == TfServingFormat.Row ? ReadInstances(ref reader, signature, out rows) : ReadColumns(ref reader, signature, out rows);
            }
            else if (reader.ValueTextEquals("signature_name"u8))
            {
                if (sawSignature)
                {
                    throw new ProtocolException(ProtocolErrors.DuplicateField("signature_name"));
                }

                sawSignature = true;
                reader.Read();
                CheckSignatureName(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Past the root object: the reader throws if anything but whitespace follows it.
        reader.Read();

        if (format is null)
        {
            throw new ProtocolException(ProtocolErrors.NeitherInstancesNorInputs);
        }

        return new TfServingRequest(Build(columns!, rows, signature), format.Value);
    }

    private static void CheckSignatureName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new ProtocolException(ProtocolErrors.SignatureNameNotString);
        }

        // TF Serving treats an empty name as the default signature.
        if (!reader.ValueTextEquals(""u8) && !reader.ValueTextEquals(DefaultSignature))
        {
            throw new ProtocolException(ProtocolErrors.UnknownSignature(NameIndex.QuotedText(ref reader)));
        }
    }

    /// <summary>Row format: every row fills one dimension-0 entry of every input.</summary>
    private static InputColumn[] ReadInstances(ref Utf8JsonReader reader, ServedSignature signature, out int rows)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException(ProtocolErrors.InstancesNotList);
        }

        // A row fills dimension 0 of every input, so every input must have one; a no-input model has nothing to fill.
        if (signature.Inputs.Length == 0)
        {
            throw new ProtocolException(ProtocolErrors.RowFormatWithoutInputs);
        }

        foreach (var spec in signature.Inputs)
        {
            if (spec.Rank == 0)
            {
                throw new ProtocolException(ProtocolErrors.RowFormatScalarInput(spec.Name));
            }
        }

        var columns = CreateColumns(signature);
        rows = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (columns.Length == 1 && !IsInputObject(ref reader, signature))
            {
                columns[0].ReadRow(ref reader);
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                ReadInputObjectRow(ref reader, signature, columns, rows);
            }
            else
            {
                throw new ProtocolException(ProtocolErrors.RowNotObject(signature.InputIndex.Text, rows, Describe(reader.TokenType)));
            }

            rows++;
        }

        if (rows == 0)
        {
            throw new ProtocolException(ProtocolErrors.NoInstances);
        }

        return columns;
    }

    /// <summary>
    /// Whether a single-input model's row is an object keyed by input name. Other objects belong to the input:
    /// a feature-name row or a <c>{"b64": ...}</c> value. An object that is neither is read as keyed by input
    /// name, so its key is reported as an unknown input.
    /// </summary>
    private static bool IsInputObject(ref Utf8JsonReader reader, ServedSignature signature)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var spec = signature.Inputs[0];
        var ownsObjects = spec.FeatureIndex is not null || (spec.Rank == 1 && spec.ElementType == TensorElementType.String);
        if (!ownsObjects)
        {
            return true;
        }

        // Peek at the first key on a copy of the reader; the copy shares the buffer, so this costs nothing.
        var peek = reader;
        peek.Read();
        return peek.TokenType == JsonTokenType.PropertyName && signature.InputIndex.Find(ref peek) >= 0;
    }

    /// <summary>
    /// Whether a columnar <c>"inputs"</c> object is a single-input model's value written as <c>{"b64": ...}</c>
    /// rather than an object keyed by input name: TF Serving takes a base64 object as the only input's tensor.
    /// </summary>
    private static bool IsBinaryValue(ref Utf8JsonReader reader, ServedSignature signature)
    {
        if (signature.Inputs.Length != 1)
        {
            return false;
        }

        var peek = reader;
        peek.Read();
        return peek.TokenType == JsonTokenType.PropertyName && peek.ValueTextEquals("b64"u8) && signature.InputIndex.Find(ref peek) < 0;
    }

    private static void ReadInputObjectRow(ref Utf8JsonReader reader, ServedSignature signature, InputColumn[] columns, int row)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = columns[FindInput(ref reader, signature)];
            if (column.Rows != row)
            {
                throw new ProtocolException(ProtocolErrors.RowGivesInputTwice(row, column.Spec.Name));
            }

            reader.Read();
            column.ReadRow(ref reader);
        }

        foreach (var column in columns)
        {
            if (column.Rows != row + 1)
            {
                throw new ProtocolException(ProtocolErrors.RowMissingInput(row, column.Spec.Name));
            }
        }
    }

    /// <summary>Columnar format: one whole tensor per input.</summary>
    private static InputColumn[] ReadColumns(ref Utf8JsonReader reader, ServedSignature signature, out int rows)
    {
        var columns = CreateColumns(signature);
        if (reader.TokenType == JsonTokenType.StartObject && !IsBinaryValue(ref reader, signature))
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var column = columns[FindInput(ref reader, signature)];
                if (column.Started)
                {
                    throw new ProtocolException(ProtocolErrors.InputGivenTwice(column.Spec.Name));
                }

                reader.Read();
                column.ReadTensor(ref reader);
            }

            foreach (var column in columns)
            {
                if (!column.Started)
                {
                    throw new ProtocolException(ProtocolErrors.MissingInput(column.Spec.Name));
                }
            }
        }
        else if (columns.Length == 1)
        {
            columns[0].ReadTensor(ref reader);
        }
        else
        {
            throw new ProtocolException(columns.Length == 0
                ? ProtocolErrors.NoInputsNotEmptyObject(Describe(reader.TokenType))
                : ProtocolErrors.InputsNotObject(signature.InputIndex.Text, Describe(reader.TokenType)));
        }

        // Whether the tensors are rows is the signature's and Build's call: inputs may disagree on dimension 0
        // (broadcasting), be scalars or be empty, and then the request runs as one call with its own shapes.
        rows = -1;
        return columns;
    }

    /// <summary>
    /// The request; <paramref name="rows"/> is the row count of the row format, or -1 for columnar tensors, which
    /// are rows only where the model can batch and they agree on dimension 0.
    /// </summary>
    private static InferenceRequest Build(InputColumn[] columns, int rows, ServedSignature signature)
    {
        var inputs = new NamedTensor[columns.Length];
        Span<long> firstDimensions = columns.Length <= 16 ? stackalloc long[columns.Length] : new long[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var spec = columns[i].Spec;
            var given = spec.Rank == 0 ? -1 : columns[i].Rows;
            if (spec.Rank > 0 && spec.Dimensions[0] >= 0 && spec.Dimensions[0] != given)
            {
                throw new ProtocolException(ProtocolErrors.WrongRowCount(spec.Name, columns[i].TypeLabel, spec.ShapeText, given));
            }

            firstDimensions[i] = given;
            inputs[i] = new NamedTensor(spec.Name, columns[i].ToTensor());
        }

        return new InferenceRequest(rows >= 0 ? (signature.Batchable ? rows : null) : signature.RowsOf(firstDimensions), inputs);
    }

    private static InputColumn[] CreateColumns(ServedSignature signature)
    {
        var columns = new InputColumn[signature.Inputs.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var spec = signature.Inputs[i];
            columns[i] = InputColumn.Create(spec, TensorElementTypes.Name(spec.ElementType), allowBinary: true, RowCapacity(spec));
        }

        return columns;
    }

    /// <summary>Elements in one row when the row dimensions are fixed (so a one-row request allocates exactly); else a guess.</summary>
    private static int RowCapacity(ServedInput spec)
    {
        long elements = 1;
        for (var d = 1; d < spec.Rank; d++)
        {
            if (spec.Dimensions[d] < 0)
            {
                return 16;
            }

            elements *= spec.Dimensions[d];
            if (elements > 1 << 16)
            {
                return 1 << 16;
            }
        }

        return (int)elements;
    }

    private static int FindInput(ref Utf8JsonReader reader, ServedSignature signature)
    {
        var index = signature.InputIndex.Find(ref reader);
        return index >= 0 ? index
            : throw new ProtocolException(ProtocolErrors.UnknownInput(NameIndex.QuotedText(ref reader), signature.InputIndex.Text));
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a list",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.Null => "null",
        _ => "a scalar",
    };
}
