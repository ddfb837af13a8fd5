using System.Buffers;
using System.Buffers.Binary;
using Cloud.Serving.Http;

namespace Cloud.Serving.Grpc;

/// <summary>
/// gRPC's share of the <see cref="BodyBudget"/> that bounds the prediction bodies an HTTP host holds at once. A
/// ModelInfer message is parsed before our service method runs, so the budget is taken here, in front of gRPC, from
/// the length in the message's 5-byte frame header — before a byte of the message is buffered — and given back when
/// the call has answered. A message that does not fit is answered UNAVAILABLE (gRPC's "retry later", as HTTP answers
/// 429) with the same sentence and a retry-after, and never read.
/// </summary>
internal sealed class GrpcBodyBudget(RequestDelegate next, BodyBudget budget)
{
    public const string ModelInferPath = "/inference.GRPCInferenceService/ModelInfer";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Equals(ModelInferPath, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var length = await MessageLengthAsync(context.Request.BodyReader, context.RequestAborted);
        if (length > budget.Limit)
        {
            // It could never fit, so "retry later" would be a lie: gRPC's code for a message over a limit.
            Refuse(context, global::Grpc.Core.StatusCode.ResourceExhausted,
                $"The message is {length:N0} bytes, more than the {budget.Limit:N0} bytes of prediction bodies this host holds at once (Cloud:Serving:MaxRequestBodyBytesInFlight); keep Cloud:Grpc:MaxReceiveMessageBytes at or under it.");
            return;
        }

        using var lease = new BodyLease(budget);
        if (!lease.TryGrow(length))
        {
            Refuse(context, global::Grpc.Core.StatusCode.Unavailable, budget.BusyMessage(length));
            context.Response.Headers["retry-after"] = "1";
            return;
        }

        await next(context);
    }

    /// <summary>A trailers-only answer: HTTP 200 with the status in the headers, as gRPC servers refuse a call.</summary>
    private static void Refuse(HttpContext context, global::Grpc.Core.StatusCode code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    /// <summary>The first message's length from its frame header (0 when the body ends first), leaving the body unread.</summary>
    private static async Task<long> MessageLengthAsync(System.IO.Pipelines.PipeReader reader, CancellationToken cancellationToken)
    {
        var read = await reader.ReadAtLeastAsync(5, cancellationToken);
        var buffer = read.Buffer;
        long length = 0;
        if (buffer.Length >= 5)
        {
            Span<byte> header = stackalloc byte[5];
            buffer.Slice(0, 5).CopyTo(header);
            length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        }

        // Nothing consumed and nothing examined: gRPC reads the same bytes next, without waiting for more.
        reader.AdvanceTo(buffer.Start);
        return length;
    }
}
