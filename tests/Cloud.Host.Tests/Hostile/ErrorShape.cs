using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cloud.Host.Tests.Hostile;

/// <summary>What every refusal looks like: the status, Content-Type application/json, and a body that is an object with a string "error".</summary>
internal static class ErrorShape
{
    /// <summary>
    /// Asserts the status and that the body is exactly <c>{"error": message}</c> (with <paramref name="otherFields"/>,
    /// the upload's answer, also those); <paramref name="message"/> is exact, or a whole-message regex when it starts with '^'.
    /// </summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, int status, string message, params string[] otherFields)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(otherFields.Append("error").Order(StringComparer.Ordinal), root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var error = root.GetProperty("error").GetString();

        // Messages speak about the request, never about the server's code or disk (issue 16: "(Parameter 'path')").
        Assert.DoesNotContain("(Parameter '", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), error, StringComparison.Ordinal);
        if (message.StartsWith('^'))
        {
            Assert.Matches(new Regex(message.EndsWith('$') ? message : message + "$", RegexOptions.Singleline), error);
        }
        else
        {
            Assert.Equal(message, error);
        }

        return root;
    }
}
