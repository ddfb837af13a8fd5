using Cloud.Registry.Telemetry;

namespace Cloud.Registry.Tests.Telemetry;

/// <summary>Cloud:Telemetry's checks at start: each problem names its setting and the bad value.</summary>
public sealed class TelemetryOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(new TelemetryOptions().Validate("Cloud:Telemetry"));

    [Fact]
    public void AnOtlpReceiverAndProtocolAreAccepted() =>
        Assert.Empty(new TelemetryOptions { OtlpEndpoint = new Uri("http://collector:4318"), OtlpProtocol = "http/protobuf", ServiceName = "scorer" }.Validate("Cloud:Telemetry"));

    [Theory]
    [InlineData("collector", null, null, "Cloud:Telemetry:OtlpEndpoint must be an absolute http or https address; got 'collector'.")]
    [InlineData("ftp://collector/", null, null, "Cloud:Telemetry:OtlpEndpoint must be an absolute http or https address; got 'ftp://collector/'.")]
    [InlineData(null, "udp", null, "Cloud:Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'; got 'udp'.")]
    [InlineData(null, null, " ", "Cloud:Telemetry:ServiceName must not be blank.")]
    public void ABadValueIsNamed(string? endpoint, string? protocol, string? serviceName, string problem)
    {
        var options = new TelemetryOptions
        {
            OtlpEndpoint = endpoint is null ? null : new Uri(endpoint, UriKind.RelativeOrAbsolute),
            OtlpProtocol = protocol,
            ServiceName = serviceName,
        };

        Assert.Equal([problem], options.Validate("Cloud:Telemetry"));
    }
}
