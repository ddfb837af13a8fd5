using Cloud.Registry.Settings;

namespace Cloud.Serving.Grpc;

/// <summary>Settings of the Open Inference Protocol's gRPC service (section "Cloud:Grpc").</summary>
internal sealed record GrpcOptions : ISettings
{
    /// <summary>Whether the hosts serve gRPC at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The plaintext HTTP/2 port (h2c: an HTTP/2-only endpoint, as clients open h2c without negotiating); 0 takes any
    /// free port. 8081, beside the local host's 7071 and Vertex's 8080, is the port docs/grpc.md gives.
    /// </summary>
    public int Port { get; init; } = 8081;

    /// <summary>
    /// A TLS port for gRPC (HTTP/2 negotiated by ALPN), opened only when a certificate is configured
    /// (<see cref="CertificatePath"/>); null for none.
    /// </summary>
    public int? TlsPort { get; init; }

    /// <summary>A PFX or PEM certificate for <see cref="TlsPort"/>.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>The key file of a PEM certificate; null for a PFX (which holds its key).</summary>
    public string? CertificateKeyPath { get; init; }

    /// <summary>The PFX's password, from configuration (an environment variable or a secret store), never from code.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>
    /// The largest request message accepted. gRPC's default, 4 MB, is smaller than one 224×224×3 float image batch of
    /// eight; 64 MB carries real tensors while still refusing a runaway message (RESOURCE_EXHAUSTED) before it is held.
    /// </summary>
    public int MaxReceiveMessageBytes { get; init; } = 64 * 1024 * 1024;

    public IEnumerable<string> Validate(string section)
    {
        if (Port is < 0 or > 65535)
        {
            yield return $"{section}:{nameof(Port)} must be a port (0 for any free one); got {Port}.";
        }

        if (TlsPort is < 0 or > 65535)
        {
            yield return $"{section}:{nameof(TlsPort)} must be a port; got {TlsPort}.";
        }

        if (TlsPort is not null && string.IsNullOrEmpty(CertificatePath))
        {
            yield return $"{section}:{nameof(TlsPort)} is {TlsPort} but {section}:{nameof(CertificatePath)} names no certificate.";
        }

        if (MaxReceiveMessageBytes < 1024)
        {
            yield return $"{section}:{nameof(MaxReceiveMessageBytes)} must be at least 1024; got {MaxReceiveMessageBytes}.";
        }
    }
}
