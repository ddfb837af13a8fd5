using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Cloud.Sdk.Prediction;
using Google.Apis.Auth.OAuth2;
using Microsoft.AspNetCore.Http;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>What the clients put on the wire for each credential and protocol, seen by a loopback server.</summary>
public sealed class AuthenticationAndProtocolTests
{
    [Fact]
    public async Task AFunctionKeyAndTheAdminKeyGoInTheirHeaders()
    {
        await using var server = await FakeServer.StartAsync((context, _) => context.Response.WriteAsJsonAsync(new { predictions = Array.Empty<int>() }));
        using var client = new PredictionClient(server.Endpoint, new PredictionClientOptions { Credential = CloudCredential.FunctionKey("fk-1", "admin-1") });

        await client.PredictAsync("iris", [[1f, 2f, 3f, 4f]]);

        var request = Assert.Single(server.Requests);
        Assert.Equal("fk-1", request.Headers["x-functions-key"]);
        Assert.Equal("admin-1", request.Headers["X-Cloud-Admin-Key"]);
        Assert.Equal("/v1/models/iris:predict", request.PathAndQuery);
        Assert.Equal("""{"instances":[[1,2,3,4]]}""", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public async Task CallsOneAfterAnotherReuseOneKeptAliveConnection()
    {
        var connections = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var server = await FakeServer.StartAsync((context, _) =>
        {
            connections.Add(context.Connection.Id);
            return context.Response.WriteAsJsonAsync(new { predictions = Array.Empty<int>() });
        });
        using var client = new PredictionClient(server.Endpoint);

        for (var i = 0; i < 5; i++)
        {
            await client.PredictAsync("iris", [[1f, 2f, 3f, 4f]]);
        }

        Assert.Equal(5, connections.Count);
        Assert.Single(connections.Distinct());
    }

    [Fact]
    public async Task AnEntraIdTokenIsSentAsABearerTokenForTheScopeAsked()
    {
        await using var server = await FakeServer.StartAsync((context, _) => context.Response.WriteAsJsonAsync(new { predictions = Array.Empty<int>() }));
        var credential = new StaticTokenCredential();
        using var client = new PredictionClient(server.Endpoint, new PredictionClientOptions { Credential = CloudCredential.EntraId(credential, "api://cloud/.default") });

        await client.PredictAsync("iris", [[1f, 2f, 3f, 4f]], ModelTarget.ForLabel("canary"));

        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer entra-token", request.Headers["Authorization"]);
        Assert.Equal(["api://cloud/.default"], credential.Scopes);
        Assert.Equal("/v1/models/iris/labels/canary:predict", request.PathAndQuery);
    }

    [Fact]
    public async Task VertexGetsTheEndpointsPredictRouteAGoogleTokenAndNamesTheDeployedModel()
    {
        await using var server = await FakeServer.StartAsync((context, _) =>
            context.Response.WriteAsJsonAsync(new { predictions = new[] { new[] { 0.1, 0.9 } }, deployedModelId = "4242" }));
        var endpoint = new Uri(server.Endpoint, "v1/projects/p/locations/europe-west4/endpoints/123");
        using var client = new PredictionClient(endpoint, new PredictionClientOptions
        {
            Protocol = PredictionProtocol.Vertex,
            Credential = CloudCredential.Google(GoogleCredential.FromAccessToken("ya29.test")),
        });

        var result = await client.PredictNamedAsync("iris", [new Dictionary<string, float> { ["sepal_length"] = 5.1f }]);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/projects/p/locations/europe-west4/endpoints/123:predict", request.PathAndQuery);
        Assert.Equal("Bearer ya29.test", request.Headers["Authorization"]);
        Assert.Equal("""{"instances":[{"sepal_length":5.1}]}""", Encoding.UTF8.GetString(request.Body));
        Assert.Equal("4242", result.ModelVersion);
        Assert.Equal([[0.1f, 0.9f]], result.ReadAs<float[][]>());
    }

    [Fact]
    public async Task TensorsGoInTheBinaryExtensionWhenTheServerListsIt()
    {
        await using var server = await FakeServer.StartAsync(async (context, _) =>
        {
            if (context.Request.Path == "/v2")
            {
                await context.Response.WriteAsJsonAsync(new { name = "fake", extensions = new[] { "binary_tensor_data" } });
                return;
            }

            await context.Response.WriteAsJsonAsync(new { model_name = "m", model_version = "1.0.0", outputs = new[] { new { name = "y", datatype = "FP32", shape = new[] { 1 }, data = new object[] { "NaN" } } } });
        });
        using var client = new PredictionClient(server.Endpoint);

        var result = await client.InferAsync("m", [InferTensor.Fp32("x", [2], [1.5f, -2f]), InferTensor.Bytes("s", [1], ["hé"])]);

        var infer = server.Requests.Single(r => r.PathAndQuery == "/v2/models/m/infer");
        var headerLength = int.Parse(infer.Headers["Inference-Header-Content-Length"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("application/octet-stream", infer.Headers["Content-Type"]);
        var request = JsonDocument.Parse(infer.Body.AsMemory(0, headerLength)).RootElement;
        var header = request.GetProperty("inputs");
        Assert.True(request.GetProperty("parameters").GetProperty("binary_data_output").GetBoolean());
        Assert.Equal(8, header[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(4 + 3, header[1].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        var data = infer.Body.AsSpan(headerLength);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(data));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(data[4..]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(data[8..]));
        Assert.Equal("hé", Encoding.UTF8.GetString(data[12..]));
        // The fake answers JSON without Inference-Header-Content-Length, as a server that ignores binary_data_output does.
        Assert.True(float.IsNaN(result["y"].ToSingleArray()[0]));
        Assert.Equal("1.0.0", result.ModelVersion);
    }

    [Fact]
    public async Task TensorsGoAsJsonWhenTheServerDoesNotListTheExtension()
    {
        await using var server = await FakeServer.StartAsync(async (context, _) =>
            await context.Response.WriteAsJsonAsync<object>(context.Request.Path == "/v2" ? new { name = "fake", extensions = Array.Empty<string>() } : new { outputs = Array.Empty<int>() }));
        using var client = new PredictionClient(server.Endpoint);

        await client.InferAsync("m", [InferTensor.Fp32("x", [2], [1.5f, float.PositiveInfinity])], ModelTarget.ForVersion("2.0.0"));

        var infer = server.Requests.Single(r => r.PathAndQuery == "/v2/models/m/versions/2.0.0/infer");
        Assert.Equal("""{"inputs":[{"name":"x","datatype":"FP32","shape":[2],"data":[1.5,"Infinity"]}]}""", Encoding.UTF8.GetString(infer.Body));
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
