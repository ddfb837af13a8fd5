using Cloud.Host.Vertex;
using Cloud.Storage.GoogleStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cloud.Host.Tests.Vertex;

/// <summary>How the container reads Vertex's environment: the mode, the defaults, and each refusal's sentence.</summary>
public sealed class VertexOptionsTests
{
    [Theory]
    [InlineData("PREDICTION", true)]
    [InlineData("prediction", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void OnlyAipModePredictionIsVertexMode(string? mode, bool expected)
    {
        Assert.Equal(expected, VertexOptions.IsPrediction(Configuration(("AIP_MODE", mode))));
    }

    [Fact]
    public void EveryVariableIsRead()
    {
        var options = VertexOptions.From(Configuration(
            ("AIP_HTTP_PORT", "9000"), ("AIP_HEALTH_ROUTE", "/v1/endpoints/1/deployedModels/2"), ("AIP_PREDICT_ROUTE", "/v1/endpoints/1/deployedModels/2:predict"),
            ("AIP_STORAGE_URI", "gs://models-bucket/iris/1.0.0"), ("AIP_DEPLOYED_MODEL_ID", "2")));

        Assert.Equal(new VertexOptions(9000, "/v1/endpoints/1/deployedModels/2", "/v1/endpoints/1/deployedModels/2:predict", new GcsLocation("models-bucket", "iris/1.0.0/"), "2"), options);
    }

    [Fact]
    public void PortAndRoutesHaveVertexsDefaultsWhenUnset()
    {
        var options = VertexOptions.From(Configuration(("AIP_STORAGE_URI", "gs://models-bucket")));

        Assert.Equal((8080, "/health", "/predict", (string?)null), (options.HttpPort, options.HealthRoute, options.PredictRoute, options.DeployedModelId));
    }

    [Fact]
    public void EveryUnusableVariableIsNamedAtOnce()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => VertexOptions.From(Configuration(
            ("AIP_HTTP_PORT", "80a"), ("AIP_HEALTH_ROUTE", "health"), ("AIP_PREDICT_ROUTE", "/predict?x=1"), ("AIP_STORAGE_URI", "https://storage.googleapis.com/b/o"))));

        Assert.Equal(
        [
            "AIP_HTTP_PORT must be a port number from 1 to 65535; got '80a'.",
            "AIP_HEALTH_ROUTE must be a path starting with '/', without a query or route parameters; got 'health'.",
            "AIP_PREDICT_ROUTE must be a path starting with '/', without a query or route parameters; got '/predict?x=1'.",
            "AIP_STORAGE_URI must name the gs:// folder holding the model's files (the model's artifactUri, which Vertex copies there): 'https://storage.googleapis.com/b/o' is not a gs:// URI; give the gs://bucket/folder that holds the model's files.",
        ], refused.Failures);
    }

    [Fact]
    public void TheSameRouteForHealthAndPredictIsRefused()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => VertexOptions.From(Configuration(
            ("AIP_HEALTH_ROUTE", "/model"), ("AIP_PREDICT_ROUTE", "/model"), ("AIP_STORAGE_URI", "gs://models-bucket"))));

        Assert.Equal(["AIP_HEALTH_ROUTE and AIP_PREDICT_ROUTE must differ; both are '/model'."], refused.Failures);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
