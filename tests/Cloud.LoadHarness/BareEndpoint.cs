using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cloud.LoadHarness;

/// <summary>
/// The HTTP + JSON ceiling: a bare ASP.NET Core endpoint on the same machine that reads the same predict body,
/// parses its floats with Utf8JsonReader and answers a 10-float prediction, without any model.
/// </summary>
internal static class BareEndpoint
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? Buffer;

    public static async Task<int> RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapPost("/v1/models/{model}:predict", async (HttpContext context) =>
        {
            var result = await context.Request.BodyReader.ReadAsync();
            while (!result.IsCompleted)
            {
                context.Request.BodyReader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                result = await context.Request.BodyReader.ReadAsync();
            }

            var floats = CountFloats(result.Buffer);
            context.Request.BodyReader.AdvanceTo(result.Buffer.End);

            // Written with its Content-Length, as the host writes its answers, so both go out in one send.
            var buffer = Buffer ??= new ArrayBufferWriter<byte>(1024);
            buffer.ResetWrittenCount();
            using var writer = new Utf8JsonWriter(buffer);
            writer.WriteStartObject();
            writer.WriteStartArray("predictions");
            writer.WriteStartArray();
            for (var i = 0; i < 10; i++)
            {
                writer.WriteNumberValue(floats * 0.001f + i);
            }

            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = buffer.WrittenCount;
            context.Response.BodyWriter.Write(buffer.WrittenSpan);
        });
        await app.RunAsync();
        return 0;
    }

    private static float CountFloats(System.Buffers.ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        var sum = 0f;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                sum += reader.GetSingle();
            }
        }

        return sum;
    }
}
