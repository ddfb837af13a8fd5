using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cloud.LoadHarness;

/// <summary>
/// The default load client: closed-loop load from one thread over non-blocking sockets and Linux's epoll, as wrk
/// does it. Every connection sends the same pre-built POST, waits for its whole answer (<see cref="HttpAnswer"/>)
/// and sends again. The load shares the machine's two cores with the server it measures, so every microsecond the
/// client spends per request is taken from that server; this client spends the least we found. The async clients
/// hand every received answer from .NET's epoll thread to a thread-pool worker, which costs a wake-up and a
/// context switch per request; here the thread that waits on epoll reads the answer and sends the next request
/// itself, with one recv and one send per request.
/// </summary>
internal static unsafe partial class EpollLoad
{
    /// <summary>How long the run waits, after the measured window, for answers still in flight before counting them as errors.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    /// <summary>Runs on the calling thread, which it keeps busy for the whole run: call it from a thread of its own.</summary>
    public static LoadGenerator.Result Run(Uri url, byte[] body, int concurrency, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu, string? headers = null)
    {
        var request = RawHttpConnection.Request(url, body, headers);
        var endpoint = new IPEndPoint(IPAddress.Parse(url.Host), url.Port);
        var epoll = Check(epoll_create1(EpollCloexec), "epoll_create1");
        var connections = new Connection[concurrency];
        using var run = new ClosedLoopRun(concurrency, warmup, duration, Drain, serverCpu);
        var events = stackalloc byte[EventSize * concurrency];
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                connections[i] = Connection.Open(endpoint, epoll, i);
                connections[i].Send(request);
            }

            var inFlight = concurrency;
            while (inFlight > 0)
            {
                if (!run.Continue(inFlight))
                {
                    break;
                }

                var ready = epoll_wait(epoll, events, concurrency, 10);
                if (ready < 0 && Marshal.GetLastPInvokeError() != Eintr)
                {
                    throw new IOException($"epoll_wait failed with errno {Marshal.GetLastPInvokeError()}");
                }

                for (var e = 0; e < ready; e++)
                {
                    var connection = connections[*(int*)(events + (e * EventSize) + EventDataOffset)];
                    try
                    {
                        if (!connection.Receive(out var status, out var length))
                        {
                            continue; // the answer is not whole yet: epoll reports the socket again when more has arrived
                        }

                        if (status == 200)
                        {
                            run.Answered(connection.SentAt);
                        }
                        else
                        {
                            run.Failed(() => $"{status} {HttpAnswer.Body(connection.Answer(length))}");
                        }

                        connection.Taken(length);
                    }
                    catch (IOException error)
                    {
                        // Count it and reconnect: a closed connection is the server's error, not the end of the run.
                        run.Failed(() => error.Message, always: true);
                        connection = connections[connection.Index] = connection.Reopen(endpoint, epoll);
                    }

                    if (run.Sending)
                    {
                        connection.Send(request);
                    }
                    else
                    {
                        inFlight--;
                    }
                }
            }

            return run.Result();
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }

            _ = close(epoll);
        }
    }

    /// <summary>One keep-alive connection with at most one request in flight.</summary>
    private sealed class Connection(Socket socket, int index) : IDisposable
    {
        private readonly AnswerBuffer _buffer = new();
        private readonly int _fd = (int)socket.SafeHandle.DangerousGetHandle();

        /// <summary>Its place in the run's table, which is also what epoll reports it by.</summary>
        public int Index => index;

        /// <summary>When the request now in flight was sent (a <see cref="Stopwatch"/> timestamp).</summary>
        public long SentAt { get; private set; }

        public static Connection Open(IPEndPoint endpoint, int epoll, int index)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(endpoint);
            socket.Blocking = false; // from here on only our own send/recv touch it, never .NET's async machinery
            var connection = new Connection(socket, index);
            var ev = stackalloc byte[EventSize];
            *(uint*)ev = EpollIn; // level-triggered: an answer that is not whole after one recv is reported again
            *(long*)(ev + EventDataOffset) = index;
            Check(epoll_ctl(epoll, EpollCtlAdd, connection._fd, ev), "epoll_ctl");
            return connection;
        }

        public Connection Reopen(IPEndPoint endpoint, int epoll)
        {
            Dispose(); // closing the socket takes it out of the epoll set
            return Open(endpoint, epoll, index);
        }

        /// <exception cref="IOException">The server closed the connection or the send failed.</exception>
        public void Send(byte[] request)
        {
            SentAt = Stopwatch.GetTimestamp();
            fixed (byte* bytes = request)
            {
                for (var sent = 0; sent < request.Length;)
                {
                    var n = (int)send(_fd, bytes + sent, request.Length - sent, MsgNosignal);
                    if (n > 0)
                    {
                        sent += n;
                    }
                    else if (Marshal.GetLastPInvokeError() is not (Eagain or Eintr))
                    {
                        throw new IOException($"send failed with errno {Marshal.GetLastPInvokeError()}");
                    }
                    else
                    {
                        // The socket's send buffer is full, which a request of a few kilobytes on loopback only
                        // meets when the server stops reading: yield and try again.
                        Thread.Yield();
                    }
                }
            }
        }

        /// <summary>One recv; whether what has arrived now holds a whole answer, and if so its status and length.</summary>
        /// <exception cref="IOException">The server closed the connection, the recv failed or the answer is not HTTP/1.1.</exception>
        public bool Receive(out int status, out int length)
        {
            var free = _buffer.Free();
            int n;
            fixed (byte* into = free.Span)
            {
                n = (int)recv(_fd, into, free.Length, 0);
            }

            if (n == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                (status, length) = (0, 0);
                return errno is Eagain or Eintr ? false : throw new IOException($"recv failed with errno {errno}");
            }

            _buffer.Received(n);
            return HttpAnswer.TryFrame(_buffer.Unread, out length, out status);
        }

        public ReadOnlySpan<byte> Answer(int length) => _buffer.Unread[..length];

        public void Taken(int length) => _buffer.Take(length);

        public void Dispose() => socket.Dispose();
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new IOException($"{call} failed with errno {Marshal.GetLastPInvokeError()}");

    // struct epoll_event { uint32_t events; epoll_data_t data; } is packed on x86-64 (12 bytes) and naturally
    // aligned elsewhere (16 bytes); the run reads it as bytes so one definition serves both.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private const int EpollCloexec = 0x80000;
    private const int EpollCtlAdd = 1;
    private const uint EpollIn = 0x001;
    private const int MsgNosignal = 0x4000;
    private const int Eintr = 4;
    private const int Eagain = 11;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
