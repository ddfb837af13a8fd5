using System.Text;

using Cloud.Sdk.Registry;

namespace Cloud.Sdk.Onnx;

/// <summary>
/// The top-level fields of an ONNX ModelProto — IR version, opsets, producer — read by walking the protobuf
/// wire format and skipping everything else (the graph and its weights) without holding it in memory. ORT's
/// C API does not expose opsets, and this also tells a non-ONNX file from a model cheaply, before ORT loads it.
/// With <c>includeSignature</c> it also reads the graph's declared inputs and outputs (names, element types,
/// dimensions), still skipping nodes and weights: enough for <c>cloud init</c> to write a manifest without loading
/// ONNX Runtime, whose native libraries a command-line tool should not carry. It lives in the SDK so that the registry
/// and the CLI read ONNX files with one reader.
/// </summary>
/// <param name="IrVersion">ModelProto.ir_version.</param>
/// <param name="Opsets">Operator set versions by domain ("" is the default ONNX domain).</param>
/// <param name="ProducerName">ModelProto.producer_name.</param>
/// <param name="ProducerVersion">ModelProto.producer_version.</param>
/// <param name="HasGraph">Whether the model has a graph.</param>
public sealed record OnnxModelHeader(long IrVersion, IReadOnlyDictionary<string, long> Opsets, string ProducerName, string ProducerVersion, bool HasGraph)
{
    // Strings in the header (names, versions) are short; a longer one means the bytes are not a ModelProto.
    private const int MaxHeaderString = 64 * 1024;

    /// <summary>The graph's inputs (those that are not initializers), in order; empty unless read with the signature.</summary>
    public IReadOnlyList<TensorSignature> Inputs { get; init; } = [];

    /// <summary>The graph's outputs, in order; empty unless read with the signature.</summary>
    public IReadOnlyList<TensorSignature> Outputs { get; init; } = [];

    /// <summary>Reads the header from a stream positioned at the start of an ONNX file (seekable streams skip faster).</summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="includeSignature">Whether to read the graph's inputs and outputs too.</param>
    /// <returns>The header.</returns>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX ModelProto.</exception>
    public static OnnxModelHeader Read(Stream stream, bool includeSignature = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new WireReader(stream);
        long irVersion = 0;
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        string producer = string.Empty, producerVersion = string.Empty;
        var hasGraph = false;
        GraphSignature? graph = null;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 0): irVersion = reader.ReadVarint(); break;
                case (2, 2): producer = reader.ReadString(MaxHeaderString); break;
                case (3, 2): producerVersion = reader.ReadString(MaxHeaderString); break;
                case (7, 2) when includeSignature: hasGraph = true; graph = GraphSignature.Read(reader, reader.ReadLength()); break;
                case (7, 2): hasGraph = true; reader.Skip(wireType); break;
                case (8, 2):
                    var (domain, version) = ReadOpset(reader, reader.ReadLength());
                    opsets[domain] = version;
                    break;
                default: reader.Skip(wireType); break;
            }
        }

        if (irVersion <= 0 || !hasGraph)
        {
            throw NotOnnx(irVersion <= 0 ? "it has no IR version" : "it has no graph");
        }

        return new OnnxModelHeader(irVersion, opsets, producer, producerVersion, hasGraph)
        {
            Inputs = graph?.Inputs ?? [],
            Outputs = graph?.Outputs ?? [],
        };
    }

    private static (string Domain, long Version) ReadOpset(WireReader reader, long length)
    {
        var end = reader.Position + length;
        string domain = string.Empty;
        long version = 0;
        while (reader.Position < end && reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): domain = reader.ReadString(MaxHeaderString); break;
                case (2, 0): version = reader.ReadVarint(); break;
                default: reader.Skip(wireType); break;
            }
        }

        return reader.Position == end ? (domain, version) : throw NotOnnx("an opset entry overruns its length");
    }

    private static InvalidDataException NotOnnx(string why) => NotOnnxModel(why);

    internal static InvalidDataException NotOnnxModel(string why) => new($"The file is not an ONNX model: {why}.");

    /// <summary>Just enough of the protobuf wire format to walk a message and skip what we do not need.</summary>
    internal sealed class WireReader(Stream stream)
    {
        private readonly byte[] _skipBuffer = new byte[81920];

        public long Position { get; private set; }

        public bool TryReadTag(out int field, out int wireType)
        {
            var first = stream.ReadByte();
            if (first < 0)
            {
                field = wireType = 0;
                return false;
            }

            Position++;
            var tag = first < 0x80 ? first : ContinueVarint(first);
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            if (field <= 0 || wireType is 3 or 4 or > 5)
            {
                throw NotOnnx($"byte {Position} is not a valid protobuf field tag");
            }

            return true;
        }

        public long ReadVarint()
        {
            var first = stream.ReadByte();
            if (first < 0)
            {
                throw NotOnnx("it ends inside a number");
            }

            Position++;
            return first < 0x80 ? first : ContinueVarint(first);
        }

        public long ReadLength()
        {
            var length = ReadVarint();
            return length >= 0 ? length : throw NotOnnx("a field has a negative length");
        }

        public string ReadString(int maxLength)
        {
            var length = ReadLength();
            if (length > maxLength)
            {
                throw NotOnnx($"a header string is {length} bytes long");
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            Position += length;
            return Encoding.UTF8.GetString(bytes);
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: ReadVarint(); break;
                case 1: SkipBytes(8); break;
                case 2: SkipBytes(ReadLength()); break;
                case 5: SkipBytes(4); break;
                default: throw NotOnnx($"wire type {wireType} is not used by ONNX");
            }
        }

        private void SkipBytes(long count)
        {
            if (stream.CanSeek)
            {
                if (stream.Position + count > stream.Length)
                {
                    throw NotOnnx("a field runs past the end of the file");
                }

                stream.Seek(count, SeekOrigin.Current);
            }
            else
            {
                for (var left = count; left > 0;)
                {
                    var read = stream.Read(_skipBuffer, 0, (int)Math.Min(left, _skipBuffer.Length));
                    left -= read > 0 ? read : throw NotOnnx("a field runs past the end of the file");
                }
            }

            Position += count;
        }

        private long ContinueVarint(int first)
        {
            long value = first & 0x7F;
            for (var shift = 7; shift < 64; shift += 7)
            {
                var next = stream.ReadByte();
                if (next < 0)
                {
                    throw NotOnnx("it ends inside a number");
                }

                Position++;
                value |= (long)(next & 0x7F) << shift;
                if (next < 0x80)
                {
                    return value;
                }
            }

            throw NotOnnx("a number is longer than 10 bytes");
        }
    }
}
