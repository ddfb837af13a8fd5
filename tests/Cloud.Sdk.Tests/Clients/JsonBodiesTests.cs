using System.Text;
using System.Text.Json;
using Cloud.Sdk.Http;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>The per-thread body writer: each body is exactly what a fresh writer would make, whatever came before it.</summary>
public sealed class JsonBodiesTests
{
    [Fact]
    public void ConsecutiveBodiesDoNotCarryEachOthersBytes()
    {
        var first = JsonBodies.Write("a-long-first-value-that-fills-the-buffer", static (w, s) => WriteValue(w, s));
        var second = JsonBodies.Write("b", static (w, s) => WriteValue(w, s));

        Assert.Equal(Fresh("a-long-first-value-that-fills-the-buffer"), first);
        Assert.Equal(Fresh("b"), second);
    }

    [Fact]
    public void ABodyWrittenWhileAnotherIsBeingWrittenGetsItsOwnWriter()
    {
        byte[]? inner = null;
        var outer = JsonBodies.Write(0, (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("outer", "before");
            inner = JsonBodies.Write("nested", static (w2, s) => WriteValue(w2, s));
            w.WriteString("after", "yes");
            w.WriteEndObject();
        });

        Assert.Equal(Fresh("nested"), inner);
        Assert.Equal("{\"outer\":\"before\",\"after\":\"yes\"}", Encoding.UTF8.GetString(outer));
    }

    [Fact]
    public void AWriterLeftMidDocumentByAnExceptionStartsCleanNextTime()
    {
        Assert.Throws<InvalidOperationException>(() => JsonBodies.Write(0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("open");
            throw new InvalidOperationException("the caller's rows failed");
        }));

        Assert.Equal(Fresh("after"), JsonBodies.Write("after", static (w, s) => WriteValue(w, s)));
    }

    [Fact]
    public void ABigBodyThenASmallOneAreBothWhole()
    {
        var big = new string('x', 200_000);
        var bigBody = JsonBodies.Write(big, static (w, s) => WriteValue(w, s));
        var small = JsonBodies.Write("y", static (w, s) => WriteValue(w, s));

        Assert.Equal(Fresh(big), bigBody);
        Assert.Equal(Fresh("y"), small);
    }

    [Fact]
    public async Task BodiesWrittenOnManyThreadsAtOnceAreEachTheirOwn()
    {
        var bodies = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            Enumerable.Range(0, 200).Select(j => (Expected: Fresh($"{i}-{j}"), Got: JsonBodies.Write($"{i}-{j}", static (w, s) => WriteValue(w, s)))).ToArray())));

        Assert.All(bodies.SelectMany(b => b), b => Assert.Equal(b.Expected, b.Got));
    }

    private static void WriteValue(Utf8JsonWriter w, string value)
    {
        w.WriteStartObject();
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static byte[] Fresh(string value) => JsonSerializer.SerializeToUtf8Bytes(new { value });
}
