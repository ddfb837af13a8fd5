namespace Cloud.Sdk;

/// <summary>What every Cloud client shares: the credential, retries, timeouts and the HTTP transport.</summary>
public abstract class CloudClientOptions
{
    /// <summary>How the client authenticates (default <see cref="CloudCredential.None"/>).</summary>
    public CloudCredential Credential { get; set; } = CloudCredential.None;

    /// <summary>Retries of 429 and 503 answers.</summary>
    public CloudRetryOptions Retry { get; } = new();

    /// <summary>How long one attempt may take before it is abandoned (default 100 s).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The handler requests go through, for a proxy, a test double or a handler shared across clients; null (the
    /// default) makes a <see cref="SocketsHttpHandler"/> that keeps connections alive and speaks HTTP/2 where the
    /// server offers it. The client does not dispose a handler given here.
    /// </summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>A product name and version the client adds to its User-Agent, such as <c>my-app/1.2</c>; null for none.</summary>
    public string? ApplicationId { get; set; }
}
