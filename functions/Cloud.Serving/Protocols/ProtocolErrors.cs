using static System.FormattableString;

namespace Cloud.Serving.Protocols;

/// <summary>
/// Every message the codecs answer with, written once so the texts stay consistent and tests can pin them.
/// Messages name the input, the row or element, the value and what was expected, so a client can fix the
/// request without reading our code.
/// </summary>
internal static class ProtocolErrors
{
    // --- The body as JSON -------------------------------------------------------------------------------

    public const string EmptyBody = "Request body is empty.";

    public const string BodyNotObject = "Request body must be a JSON object.";

    public static string InvalidJson(string detail, long line, long bytePosition) =>
        Invariant($"Request body is not valid JSON: {detail} (line {line}, byte {bytePosition}).");

    public static string NotUtf8(long offset) => Invariant($"Request body is not valid UTF-8 (byte offset {offset}).");

    public static string DuplicateField(string field) => $"The request gives \"{field}\" twice.";

    // --- The model ---------------------------------------------------------------------------------------

    public static string InputNotTensor(string input, string valueType) =>
        $"Input '{input}' is a {valueType}, not a tensor; only tensor inputs can be served.";

    public static string InputTypeNotSupported(string input, string elementType) =>
        $"Input '{input}' has element type {elementType}, which Cloud cannot serve.";

    public static string OutputNotTensor(string output, string valueType) =>
        $"Output '{output}' is a {valueType}, not a tensor; only tensor outputs can be served.";

    public static string OutputTypeNotSupported(string output, string elementType) =>
        $"Output '{output}' has element type {elementType}, which Cloud cannot serve.";

    // --- Inputs and outputs by name ---------------------------------------------------------------------

    public static string UnknownInput(string input, string inputs) =>
        inputs.Length == 0 ? $"Unknown input '{input}'; the model has no inputs." : $"Unknown input '{input}'; the model's inputs are: {inputs}.";

    public static string MissingInput(string input) => $"Missing input '{input}'.";

    public static string InputGivenTwice(string input) => $"Input '{input}' is given twice.";

    public static string UnknownOutput(string output, string outputs) => $"Unknown output '{output}'; the model's outputs are: {outputs}.";

    public static string OutputRequestedTwice(string output) => $"Output '{output}' is requested twice.";

    // --- Rows and shapes (both protocols) --------------------------------------------------------------

    public static string WrongRowCount(string input, string type, string shape, long rows) =>
        Invariant($"Input '{input}' expects {type} {shape}; got {rows} {(rows == 1 ? "row" : "rows")}.");

    /// <summary>A list at <paramref name="path"/> has the wrong number of items for a fixed dimension.</summary>
    public static string WrongLength(string input, string type, string shape, string rowText, string path, long count) =>
        Invariant($"Input '{input}' expects {type} {shape} ({rowText}); {path} has {count} {Values(count)}.");

    /// <summary>A free dimension that differs between rows: the tensor would be ragged.</summary>
    public static string Ragged(string input, string type, string shape, string rowText, string path, long count, string firstPath, long firstCount) =>
        Invariant($"Input '{input}' expects {type} {shape} ({rowText}); {path} has {count} {Values(count)} but {firstPath} has {firstCount}; every row must have the same shape.");

    /// <summary>The whole tensor (columnar) is not a list.</summary>
    public static string GotNonList(string input, string type, string shape, string what) => $"Input '{input}' expects {type} {shape}; got {what}.";

    /// <summary>A scalar input's tensor (columnar) is a list: a scalar is the bare value.</summary>
    public static string ScalarGotList(string input, string type) => $"Input '{input}' expects {type} [] (one value, not in a list); got a list.";

    /// <summary>A row, or a part of one, is a value or object where the shape needs a list.</summary>
    public static string NotAList(string input, string type, string shape, string rowText, string path, string what) =>
        $"Input '{input}' expects {type} {shape} ({rowText}); {path} is {what}.";

    /// <summary>A list where the shape needs a single value: the data is nested deeper than the input's rank.</summary>
    public static string ListWhereValue(string input, string type, string shape, string rowText, string path) =>
        $"Input '{input}' expects {type} {shape} ({rowText}); {path} is a list, not a value.";

    // --- Values (both protocols) -------------------------------------------------------------------------

    public static string WrongValue(string input, string type, string path, string what) => $"Input '{input}' expects {type} values; {path} is {what}.";

    public static string OutOfRange(string input, string type, string path, string value, string range) =>
        $"Input '{input}' expects {type} values; {path} is {value}, outside {type}'s range {range}.";

    public static string NotWholeNumber(string input, string type, string path, string value) =>
        $"Input '{input}' expects {type} values; {path} is {value}, which is not a whole number.";

    public static string NotBase64(string input, string path) =>
        $"Input '{input}' expects string values; {path} has a \"b64\" value that is not valid base64.";

    public static string Base64NotText(string input, string path) =>
        $"Input '{input}' expects string values; {path} has a \"b64\" value whose bytes are not UTF-8 text (string tensors hold text).";

    public static string BadBinaryObject(string input, string path) =>
        $"Input '{input}' expects string values; {path} is an object other than {{\"b64\": \"<base64>\"}}.";

    public static string StringNotText(string input, string path) =>
        $"Input '{input}' expects string values; {path} is a string with an unpaired surrogate escape.";

    // --- TF Serving REST ---------------------------------------------------------------------------------

    public const string BothInstancesAndInputs = "The request has both \"instances\" and \"inputs\"; use one.";

    public const string NeitherInstancesNorInputs = "The request has neither \"instances\" nor \"inputs\".";

    public const string InstancesNotList = "\"instances\" must be a list of rows.";

    public const string NoInstances = "\"instances\" is empty; send at least one row.";

    public const string RowFormatWithoutInputs =
        "The model has no inputs, so it has no rows to send in \"instances\"; send \"inputs\": {} (the columnar format).";

    public static string RowFormatScalarInput(string input) =>
        $"Input '{input}' is a scalar ([]), so it has no rows to send in \"instances\"; send the tensors in \"inputs\" (the columnar format).";

    public const string SignatureNameNotString = "\"signature_name\" must be a string.";

    public static string UnknownSignature(string name) => $"Unknown signature_name '{name}'; the only signature is 'serving_default'.";

    public static string RowNotObject(string inputs, long row, string what) =>
        Invariant($"The model has several inputs ({inputs}), so each row must be an object keyed by input name; row {row} is {what}.");

    public static string InputsNotObject(string inputs, string what) =>
        $"The model has several inputs ({inputs}), so \"inputs\" must be an object keyed by input name; got {what}.";

    public static string NoInputsNotEmptyObject(string what) =>
        $"The model has no inputs, so \"inputs\" must be an empty object {{}}; got {what}.";

    public static string RowMissingInput(long row, string input) => Invariant($"Row {row} is missing input '{input}'.");

    public static string RowGivesInputTwice(long row, string input) => Invariant($"Row {row} gives input '{input}' twice.");

    public static string UnknownFeature(string input, long row, string feature, string features) =>
        Invariant($"Row {row} of input '{input}' has unknown feature '{feature}'; the features are: {features}.");

    public static string MissingFeatures(string input, long row, IReadOnlyList<string> missing, string features) =>
        Invariant($"Row {row} of input '{input}' is missing {(missing.Count == 1 ? "feature" : "features")} {string.Join(", ", missing.Select(m => $"'{m}'"))}; the features are: {features}.");

    public static string FeatureGivenTwice(string input, long row, string feature) =>
        Invariant($"Row {row} of input '{input}' gives feature '{feature}' twice.");

    // --- Open Inference Protocol v2 ----------------------------------------------------------------------

    public const string V2NoInputs = "The request has no \"inputs\".";

    public const string V2InputsNotList = "\"inputs\" must be a list of tensors.";

    public const string V2OutputsNotList = "\"outputs\" must be a list of objects with a \"name\".";

    public const string V2IdNotString = "\"id\" must be a string.";

    public static string V2InputNotObject(int position) => Invariant($"Input {position} in \"inputs\" must be an object.");

    public static string V2InputNoName(int position) => Invariant($"Input {position} in \"inputs\" has no \"name\".");

    public static string V2OutputNoName(int position) => Invariant($"Output {position} in \"outputs\" has no \"name\".");

    public static string V2FieldMissing(string input, string field) => $"Input '{input}' has no \"{field}\".";

    public static string V2FieldNotString(string input, string field) => $"Input '{input}': \"{field}\" must be a string.";

    public static string V2BadShape(string input) => $"Input '{input}': \"shape\" must be a list of non-negative integers.";

    public static string V2ShapeMismatch(string input, string datatype, string expected, string got) =>
        $"Input '{input}' expects {datatype} {expected}; got shape {got}.";

    public static string V2DataNotList(string input) => $"Input '{input}': \"data\" must be a list.";

    public static string V2DataCount(string input, string shape, long expected, long got) =>
        Invariant($"Input '{input}' has shape {shape} ({expected} {Values(expected)}) but its \"data\" holds {got}.");

    public static string V2DatatypeMismatch(string input, string expected, string got) =>
        $"Input '{input}' expects datatype {expected}; got {got}.";

    public static string V2UnknownDatatype(string input, string got, string datatypes) =>
        $"Input '{input}' has unknown datatype '{got}'; the datatypes are: {datatypes}.";

    public static string V2DatatypeNotSupported(string input, string datatype) =>
        $"Input '{input}' has datatype {datatype}, which is not supported.";

    public static string Bf16NotInJson(string input) =>
        $"Input '{input}' is bfloat16, which JSON cannot carry: send it as binary data (binary_data_size, the binary tensor data extension) or in gRPC's raw_input_contents (docs/grpc.md).";

    // --- Raw tensors (binary HTTP, gRPC raw_input_contents) ----------------------------------------------

    public static string RawSize(string input, string datatype, string shape, long elements, long expected, long got) =>
        Invariant($"Input '{input}' is {datatype} {shape}: {elements} {Values(elements)} of raw data take {expected} bytes; got {got}.");

    public static string RawBool(string input, long element, byte value) =>
        Invariant($"Input '{input}': BOOL element {element} is the byte {value}; a raw BOOL is 0 or 1.");

    public static string BytesNoPrefix(string input, long element, long remaining) =>
        Invariant($"Input '{input}': BYTES element {element} needs a 4-byte length prefix but only {remaining} {(remaining == 1 ? "byte remains" : "bytes remain")}.");

    public static string BytesPastEnd(string input, long element, long length, long remaining) =>
        Invariant($"Input '{input}': the length prefix of BYTES element {element} says {length} bytes but only {remaining} remain.");

    public static string BytesLeftOver(string input, long elements, long left) =>
        Invariant($"Input '{input}': {left} bytes follow its {elements} BYTES {(elements == 1 ? "element" : "elements")}; the shape holds no more.");

    public static string BytesNotUtf8(string input, long element) =>
        Invariant($"Input '{input}': BYTES element {element} is not valid UTF-8; Cloud passes BYTES to ONNX Runtime as UTF-8 strings.");

    // --- Binary tensor data extension (HTTP) ------------------------------------------------------------

    public static string HeaderLengthNotNumber(string value) =>
        $"Inference-Header-Content-Length must be a non-negative integer; got '{value}'.";

    public static string HeaderPastBody(long header, long body) =>
        Invariant($"Inference-Header-Content-Length is {header} but the body holds only {body} bytes.");

    public static string BinaryPastBody(string input, long size, long remaining) =>
        Invariant($"Input '{input}': binary_data_size is {size} but only {remaining} bytes of binary data remain after the JSON header and the inputs before it.");

    public static string BinaryLeftOver(long left) =>
        Invariant($"{left} bytes of binary data follow the last input's binary_data_size; every byte after the JSON header must belong to an input.");

    public static string BinaryAndData(string input) => $"Input '{input}' gives both \"data\" and binary_data_size; give one.";

    public static string BinarySizeNotNumber(string input) => $"Input '{input}': binary_data_size must be a non-negative integer.";

    public static string BinaryWithoutHeader(string input) =>
        $"Input '{input}' gives binary_data_size but the request has no Inference-Header-Content-Length header to say where the binary data starts.";

    public const string BinaryParameterNotBool = "binary_data and binary_data_output must be true or false.";

    public static string RawBodyNeedsOneInput(int inputs) =>
        Invariant($"A request whose Inference-Header-Content-Length is 0 is one raw input tensor, for models with exactly one input; this model has {inputs}.");

    public static string RawBodyShape(string input, string shape) =>
        $"Input '{input}' has shape {shape}: a raw body (Inference-Header-Content-Length 0) can fill at most one free dimension; send a JSON header with the shape.";

    // --- gRPC (ModelInfer) -------------------------------------------------------------------------------

    public const string GrpcRawAndTyped =
        "The request mixes raw_input_contents with typed \"contents\"; give every input's data in raw_input_contents or every input's in contents, not both.";

    public static string GrpcRawCount(int raw, int inputs) =>
        Invariant($"raw_input_contents holds {raw} {(raw == 1 ? "entry" : "entries")} for {inputs} {(inputs == 1 ? "input" : "inputs")}; give one per input, in the order of \"inputs\".");

    public static string GrpcContentsCount(string input, string shape, long expected, string field, long got) =>
        Invariant($"Input '{input}' has shape {shape} ({expected} {Values(expected)}) but its contents.{field} holds {got}.");

    public static string GrpcNoContents(string input) => $"Input '{input}' has no data: give its contents or raw_input_contents.";

    public static string GrpcWrongContents(string input, string datatype, string field) =>
        $"Input '{input}' is {datatype}, whose typed data goes in contents.{field}; that field is empty and another holds data.";

    public static string GrpcMustBeRaw(string input, string datatype) =>
        $"Input '{input}' is {datatype}, which has no typed contents field: send it in raw_input_contents.";

    public static string GrpcOutOfRange(string input, string datatype, long element, string value) =>
        Invariant($"Input '{input}': element {element} ({value}) is out of range for {datatype}.");

    public const string GrpcLabelNotString = "The \"label\" parameter must be a string_param.";

    private static string Values(long count) => count == 1 ? "value" : "values";
}
