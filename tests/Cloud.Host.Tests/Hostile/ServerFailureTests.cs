using System.Text.Json;
using Cloud.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// The one case the suite's hosts must never show: an exception nobody foresaw. It is still answered in the error
/// shape, with a message that tells the client nothing about the server (no exception text, no path).
/// </summary>
public sealed class ServerFailureTests
{
    [Fact]
    public async Task AnUnforeseenExceptionIsA500InTheErrorShapeThatRevealsNothing()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        await using var app = builder.Build();
        app.UseCloudServing();
        app.MapGet("/boom", string () => throw new InvalidOperationException("secret at /srv/cloud/data/cloud.db"));
        await app.StartAsync();

        var answer = await app.GetTestClient().GetAsync("/boom");
        var body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(500, (int)answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "The host failed while answering this request; the failure is in its log. Try again, or report it if it persists.",
            JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
