using System.Globalization;
using System.Net;
using Cloud.Serving.Grpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Cloud.Host;

/// <summary>
/// The host's listeners when it serves gRPC. Kestrel takes either URLs or endpoints made in code, not both, so the
/// HTTP URLs (urls / ASPNETCORE_URLS, or the default) are listened on here too, then gRPC's own endpoints: plaintext
/// HTTP/2 only on <see cref="GrpcOptions.Port"/> (h2c clients send HTTP/2 at once, with no upgrade to negotiate, so
/// that port speaks nothing else), and HTTP/2 over TLS on <see cref="GrpcOptions.TlsPort"/> when a certificate is set.
/// </summary>
internal sealed class GrpcListeners
{
    /// <summary>The plaintext gRPC endpoint; after start its port is the bound one (for <c>Cloud:Grpc:Port=0</c>).</summary>
    public ListenOptions? Plaintext { get; private set; }

    /// <summary>The TLS gRPC endpoint, when one is configured.</summary>
    public ListenOptions? Tls { get; private set; }

    /// <summary>Listens on <paramref name="urls"/> and gRPC's ports; nothing (URLs as usual) when gRPC is off.</summary>
    public static GrpcListeners Configure(WebApplicationBuilder builder, string defaultUrls)
    {
        var listeners = new GrpcListeners();
        var options = builder.Configuration.GetSection("Cloud:Grpc").Get<GrpcOptions>() ?? new GrpcOptions();
        if (!options.Enabled)
        {
            return listeners;
        }

        var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured
            : builder.Configuration["ASPNETCORE_URLS"] is { Length: > 0 } environment ? environment
            : defaultUrls;
        var addresses = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BindingAddress.Parse).ToList();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in addresses)
            {
                Listen(kestrel, address.Host, address.Port, listen =>
                {
                    if (address.Scheme == Uri.UriSchemeHttps)
                    {
                        listen.UseHttps();
                    }
                });
            }

            // gRPC listens where HTTP does: loopback for the local host, every interface in a container.
            var host = addresses.Count > 0 ? addresses[0].Host : "localhost";
            Listen(kestrel, host, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listeners.Plaintext = listen;
            });
            if (options.TlsPort is { } tlsPort && options.CertificatePath is { } certificate)
            {
                Listen(kestrel, host, tlsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(Certificate(certificate, options));
                    listeners.Tls = listen;
                });
            }
        });
        return listeners;
    }

    /// <summary>A listener for a URL's host: loopback names, any-address wildcards, or an IP address.</summary>
    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (host is "*" or "+" or "0.0.0.0" or "[::]" or "::")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else if (host == "localhost" && port != 0)
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else if (host == "localhost")
        {
            // Kestrel binds "localhost" to both loopbacks and cannot give them one dynamic port: IPv4's alone then.
            kestrel.Listen(IPAddress.Loopback, port, configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(port, configure);
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate(string path, GrpcOptions options) =>
        path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(path, options.CertificateKeyPath)
            : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);

    /// <summary>For messages: where gRPC listens.</summary>
    public override string ToString() => Plaintext is null ? "off" : string.Create(CultureInfo.InvariantCulture, $"h2c {Plaintext.IPEndPoint}");
}
