using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cloud.Host.Tests.Http;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Grpc;

/// <summary>With a certificate configured, the host also serves gRPC over TLS (HTTP/2 by ALPN) on Cloud:Grpc:TlsPort.</summary>
public sealed class GrpcTlsTests
{
    [Fact]
    public async Task WithACertificateGrpcAnswersOverTls()
    {
        using var folder = new TempFolder();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var pfx = Path.Combine(folder.Path, "grpc.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pw"));
        await using var host = await ServingHost.StartOverLoopbackAsync(("Cloud:Grpc:TlsPort", "0"), ("Cloud:Grpc:CertificatePath", pfx), ("Cloud:Grpc:CertificatePassword", "pw"));
        var port = host.App.Services.GetRequiredService<GrpcListeners>().Tls!.IPEndPoint!.Port;
        // Only this certificate is trusted, by its thumbprint: the test's own self-signed one.
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = handler });

        var live = await new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerLiveAsync(new Inference.ServerLiveRequest());

        Assert.True(live.Live);
    }
}
