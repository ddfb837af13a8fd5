using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cloud.LoadHarness;

/// <summary>
/// ModelStreamInfer load from one thread over one blocking h2c socket, as <see cref="EpollLoad"/> is for HTTP/1.1:
/// the load shares the two cores with the server it measures, so the client's cost per request is taken from the
/// server; Grpc.Net.Client spends ~11 µs a request here, against the epoll HTTP client's ~8. This one speaks just
/// enough HTTP/2 (RFC 9113) for the job: the preface, SETTINGS with large windows, one HEADERS frame per stream
/// (HPACK literals, no Huffman), each request as one DATA frame with gRPC's 5-byte prefix; it reads frames, answers
/// SETTINGS and PING, and sends the stream's next request when an answer arrives — every answer in one read is
/// followed by one send for all of them. Messages must fit one frame (16 KB): the MLP workload, not the image.
/// </summary>
internal static class RawGrpcStreamLoad
{
    private const int MaxFrame = 16_384;

    private const int Window = int.MaxValue;

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);

    /// <summary>Runs on the calling thread, which it keeps busy: call it from a thread of its own.</summary>
    /// <param name="depth">Requests in flight on each stream; concurrency / depth streams.</param>
    public static LoadGenerator.Result Run(int port, byte[] message, int concurrency, int depth, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu)
    {
        if (message.Length + 5 > MaxFrame)
        {
            throw new ArgumentException($"The raw stream client sends a message in one frame; {message.Length:N0} bytes do not fit.", nameof(message));
        }

        depth = Math.Min(depth, concurrency);
        var streams = Math.Max(1, concurrency / depth);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var data = DataFrame(message);
        var sent = new Queue<long>[streams];
        var output = new MemoryStream();
        output.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        // SETTINGS: INITIAL_WINDOW_SIZE (4) as large as it goes, so answers never wait for a WINDOW_UPDATE of ours;
        // the connection's window is raised the same way.
        Frame(output, 4, 0, 0, [0, 4, .. BigEndian(Window)]);
        Frame(output, 8, 0, 0, BigEndian(Window - 65_535));
        for (var s = 0; s < streams; s++)
        {
            sent[s] = new Queue<long>(depth);
            Frame(output, 1, 0x4, StreamId(s), Headers(port));
            for (var d = 0; d < depth; d++)
            {
                sent[s].Enqueue(Stopwatch.GetTimestamp());
                WriteData(output, data, StreamId(s));
            }
        }

        socket.Send(output.GetBuffer().AsSpan(0, (int)output.Length));
        output.SetLength(0);

        using var run = new ClosedLoopRun(concurrency, warmup, duration, Drain, serverCpu);
        var inFlight = streams * depth;
        var pending = new byte[1 << 20];
        var filled = 0;
        var partial = new MemoryStream[streams];
        socket.ReceiveTimeout = 1000;
        while (inFlight > 0)
        {
            if (!run.Continue(inFlight))
            {
                break;
            }

            int read;
            try
            {
                read = socket.Receive(pending.AsSpan(filled));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                continue;
            }

            if (read == 0)
            {
                throw new InvalidOperationException("The server closed the connection.");
            }

            filled += read;
            var offset = 0;
            while (filled - offset >= 9)
            {
                var header = pending.AsSpan(offset, 9);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                if (filled - offset < 9 + length)
                {
                    break;
                }

                var (type, flags) = (header[3], header[4]);
                var stream = (int)(BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFF_FFFF);
                var payload = pending.AsSpan(offset + 9, length);
                offset += 9 + length;
                switch (type)
                {
                    case 0 when stream > 0: // DATA: one or more gRPC messages, perhaps split across frames
                        var index = (stream - 1) / 2;
                        var buffer = partial[index] ??= new MemoryStream();
                        buffer.Write(payload);
                        while (TakeMessage(buffer) is { } answer)
                        {
                            var start = sent[index].Dequeue();
                            inFlight--;
                            if (answer.Length > 0 && answer[0] == 0x0A)
                            {
                                run.Failed(() => new Google.Protobuf.CodedInputStream(answer).ReadTagAndString());
                            }
                            else
                            {
                                run.Answered(start);
                            }

                            if (run.Sending)
                            {
                                sent[index].Enqueue(Stopwatch.GetTimestamp());
                                WriteData(output, data, stream);
                                inFlight++;
                            }
                        }

                        break;
                    case 1 when (flags & 0x1) != 0: // HEADERS ending the stream: trailers before we were done
                        throw new InvalidOperationException($"The server ended stream {stream} (trailers; a gRPC status other than OK).");
                    case 3: // RST_STREAM
                        throw new InvalidOperationException($"The server reset stream {stream} (error {BinaryPrimitives.ReadUInt32BigEndian(payload)}).");
                    case 4 when (flags & 0x1) == 0: // SETTINGS, to acknowledge
                        Frame(output, 4, 0x1, 0, []);
                        break;
                    case 6 when (flags & 0x1) == 0: // PING, answered with its payload
                        Frame(output, 6, 0x1, 0, payload.ToArray());
                        break;
                    case 7: // GOAWAY
                        throw new InvalidOperationException($"The server sent GOAWAY (error {BinaryPrimitives.ReadUInt32BigEndian(payload[4..])}).");
                }
            }

            pending.AsSpan(offset, filled - offset).CopyTo(pending);
            filled -= offset;
            if (output.Length > 0)
            {
                socket.Send(output.GetBuffer().AsSpan(0, (int)output.Length));
                output.SetLength(0);
            }
        }

        socket.Close();
        return run.Result();
    }

    private static int StreamId(int index) => index * 2 + 1;

    /// <summary>A request's DATA frame payload: gRPC's prefix (not compressed, big-endian length), then the message.</summary>
    private static byte[] DataFrame(byte[] message) => [0, .. BigEndian(message.Length), .. message];

    private static void WriteData(MemoryStream output, byte[] data, int stream) => Frame(output, 0, 0, stream, data);

    private static void Frame(MemoryStream output, byte type, byte flags, int stream, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header[5..], stream);
        output.Write(header);
        output.Write(payload);
    }

    /// <summary>POST /inference.GRPCInferenceService/ModelStreamInfer in HPACK (RFC 7541): static-table indexes and literals without indexing.</summary>
    private static byte[] Headers(int port)
    {
        var block = new MemoryStream();
        block.WriteByte(0x83); // :method POST
        block.WriteByte(0x86); // :scheme http
        Literal(block, 4, "/inference.GRPCInferenceService/ModelStreamInfer"); // :path
        Literal(block, 1, $"127.0.0.1:{port}"); // :authority
        Literal(block, 31, "application/grpc"); // content-type
        block.WriteByte(0x00); // te: trailers, a literal with a new name
        String(block, "te");
        String(block, "trailers");
        return block.ToArray();
    }

    /// <summary>A literal header field without indexing, its name a static-table index (4-bit prefix).</summary>
    private static void Literal(MemoryStream block, int nameIndex, string value)
    {
        if (nameIndex < 15)
        {
            block.WriteByte((byte)nameIndex);
        }
        else
        {
            block.WriteByte(0x0F);
            block.WriteByte((byte)(nameIndex - 15));
        }

        String(block, value);
    }

    private static void String(MemoryStream block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if (bytes.Length >= 127)
        {
            throw new ArgumentException("Header values here are short.", nameof(value));
        }

        block.WriteByte((byte)bytes.Length);
        block.Write(bytes);
    }

    /// <summary>The next whole gRPC message in the stream's received bytes, removed from them; null until one is whole.</summary>
    private static byte[]? TakeMessage(MemoryStream buffer)
    {
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length < 5)
        {
            return null;
        }

        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
        if (bytes.Length < 5 + length)
        {
            return null;
        }

        var message = bytes.Slice(5, length).ToArray();
        var rest = bytes[(5 + length)..].ToArray();
        buffer.SetLength(0);
        buffer.Write(rest);
        return message;
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
