namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// Conditional requests on labels and policies. <c>If-Match: *</c> means "any current value" (RFC 9110 13.1.1): it
/// moves an existing label and sets a policy (a model always has one), and is 412 only where there is no current
/// value. Any other ETag that is not the current one is stale.
/// </summary>
[Collection(HostileSuite.Name)]
public sealed class HeadersTests(HostileHost host)
{
    private const string Version = """{"version": "1.0.0"}""";

    [Fact]
    public async Task IfMatchAnyMovesALabelThatExists()
    {
        Assert.Equal(200, (int)(await HostileCase.SendAsync(host.Client, "PUT", "/api/models/iris/labels/hostile-any", Version)).StatusCode);

        var moved = await HostileCase.SendAsync(host.Client, "PUT", "/api/models/iris/labels/hostile-any", Version, headers: ("If-Match", "*"));

        Assert.Equal(200, (int)moved.StatusCode);
        Assert.Contains("\"version\":\"1.0.0\"", await moved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IfMatchAnyInTheBodyMovesALabelThatExistsToo()
    {
        Assert.Equal(200, (int)(await HostileCase.SendAsync(host.Client, "PUT", "/api/models/iris/labels/hostile-any-body", Version)).StatusCode);

        var moved = await HostileCase.SendAsync(host.Client, "PUT", "/api/models/iris/labels/hostile-any-body", """{"version": "1.0.0", "eTag": "*"}""");

        Assert.Equal(200, (int)moved.StatusCode);
    }

    [Fact]
    public async Task IfMatchAnySetsThePolicy()
    {
        var set = await HostileCase.SendAsync(host.Client, "PUT", "/api/models/iris/policy", """{"requireValidation": false}""", headers: ("If-Match", "*"));

        Assert.Equal(200, (int)set.StatusCode);
        Assert.Contains("\"requireValidation\":false", await set.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?, string, int, string> Conditions => new()
    {
        { "PUT", "/api/models/iris/labels/hostile-absent", Version, "*", 412, "Label 'hostile-absent' of 'iris' does not exist, and the condition '*' asks for a current one; leave the ETag out to create it." },
        { "PUT", "/api/models/iris/labels/hostile-absent", Version, "W/\"stale\"", 412, "Label 'hostile-absent' of 'iris' changed since it was read; read it again and retry." },
        { "PUT", "/api/models/iris/labels/hostile-absent", Version, "\"a\", \"b\"", 412, "Label 'hostile-absent' of 'iris' changed since it was read; read it again and retry." },
        { "PUT", "/api/models/iris/policy", """{"requireValidation": false}""", "W/\"stale\"", 412, "The policy of 'iris' changed since it was read; read it again and retry." },
        { "DELETE", "/api/models/iris/labels/hostile-absent", null, "*", 404, "Model 'iris' has no label 'hostile-absent'." },
        // The route's names are checked before the condition is read.
        { "PUT", "/api/models/Iris/labels/stable", Version, "*", 400, "Model name 'Iris' is not valid: it starts with 'I'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter." },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public async Task AConditionThatDoesNotHoldIsRefused(string method, string path, string? body, string ifMatch, int status, string message) =>
        await ErrorShape.AssertAsync(await HostileCase.SendAsync(host.Client, method, path, body, headers: ("If-Match", ifMatch)), status, message);

    [Fact]
    public async Task AStaleIfMatchOnADeleteIsRefused()
    {
        Assert.Equal(200, (int)(await HostileCase.SendAsync(host.Client, "PUT", "/api/models/iris/labels/hostile-delete", Version)).StatusCode);

        var stale = await HostileCase.SendAsync(host.Client, "DELETE", "/api/models/iris/labels/hostile-delete", null, headers: ("If-Match", "W/\"stale\""));

        await ErrorShape.AssertAsync(stale, 412, "Label 'hostile-delete' of 'iris' changed since it was read; read it again and retry.");
    }
}
