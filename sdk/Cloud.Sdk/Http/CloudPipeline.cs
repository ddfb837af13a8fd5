using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;

namespace Cloud.Sdk.Http;

/// <summary>
/// What every client sends through: one <see cref="HttpClient"/> for the client's life (connections kept alive and
/// reused; HttpClient is thread-safe), the credential on every attempt, retries of 429/503 within the budget, and
/// errors turned into <see cref="CloudRequestException"/> carrying the server's sentence.
/// </summary>
internal sealed class CloudPipeline : IDisposable
{
    private static readonly string SdkVersion =
        typeof(CloudPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly HttpClient _http;
    private readonly CloudClientOptions _options;
    private readonly string _userAgent;

    public CloudPipeline(Uri endpoint, CloudClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Validate();
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint '{endpoint}' is not an absolute http:// or https:// address, such as http://localhost:7071.", nameof(endpoint));
        }

        Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _options = options;
        var handler = options.Transport ?? CreateHandler();
        _http = new HttpClient(handler, disposeHandler: options.Transport is null)
        {
            // HttpClient's timeout applies per SendAsync, so each attempt has its own (retries and their waits are
            // outside it); letting HttpClient keep it, rather than linking a token of our own, saves a linked
            // CancellationTokenSource and a timer per call (docs/performance.md).
            Timeout = options.NetworkTimeout,
            // HTTP/2 where TLS negotiates it (ALPN), HTTP/1.1 with keep-alive otherwise, cleartext included.
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        _userAgent = options.ApplicationId is null ? $"cloud-sdk-dotnet/{SdkVersion}" : $"{options.ApplicationId} cloud-sdk-dotnet/{SdkVersion}";
    }

    /// <summary>The server's base address, ending in '/'.</summary>
    public Uri Endpoint { get; }

    /// <summary>The clock retries wait on and read Retry-After dates against.</summary>
    private static TimeProvider Time => TimeProvider.System;

    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        // Connections are reused for as long as they live; a bounded lifetime lets DNS changes (a slot swap) take effect.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
        AutomaticDecompression = DecompressionMethods.None,
    };

    public Uri Resolve(string relative) => new(Endpoint, relative);

    /// <summary>
    /// Sends a request made by <paramref name="createRequest"/> (called once per attempt: content is not reusable in
    /// general), retrying 429/503 within the retry options, and returns a successful answer or throws.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool retry = true) =>
        SendAsync(createRequest, static create => create(), cancellationToken, completion, retry);

    /// <summary>
    /// <see cref="SendAsync(Func{HttpRequestMessage}, CancellationToken, HttpCompletionOption, bool)"/> with the
    /// request's makings passed as state to a static factory: the prediction path makes no closure per call.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync<TState>(TState state, Func<TState, HttpRequestMessage> createRequest, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool retry = true) =>
        SendCoreAsync(state, createRequest, static (response, _, _) => new ValueTask<HttpResponseMessage>(response), handOver: true, completion, retry, cancellationToken);

    /// <summary>
    /// Sends, then reads the successful answer with <paramref name="read"/> inside the same frame and disposes it: a
    /// caller that would otherwise await the answer and read it in a frame of its own saves that frame per call.
    /// </summary>
    public Task<TResult> SendAsync<TState, TResult>(TState state, Func<TState, HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, TState, CancellationToken, ValueTask<TResult>> read, CancellationToken cancellationToken) =>
        SendCoreAsync(state, createRequest, read, handOver: false, HttpCompletionOption.ResponseContentRead, retry: true, cancellationToken);

    private async Task<TResult> SendCoreAsync<TState, TResult>(TState state, Func<TState, HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, TState, CancellationToken, ValueTask<TResult>> read, bool handOver,
        HttpCompletionOption completion, bool retry, CancellationToken cancellationToken)
    {
        var retries = _options.Retry;
        var waited = TimeSpan.Zero;
        for (var attempt = 0; ; attempt++)
        {
            using var request = createRequest(state);
            // Added as text: parsing the same product tokens on every request is measurable on the hot path (docs/performance.md).
            request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
            if (!ReferenceEquals(_options.Credential, CloudCredential.None))
            {
                await _options.Credential.ApplyAsync(request, cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{request.Method} {request.RequestUri?.AbsolutePath} got no answer within {_options.NetworkTimeout.TotalSeconds:0.#} s (NetworkTimeout). Check that the host at {Endpoint} is running, or raise the timeout.", error);
            }
            catch (HttpRequestException error) when (error.StatusCode is null)
            {
                throw new HttpRequestException(error.HttpRequestError, $"Could not reach {Endpoint}: {error.Message} Check the address, and that the host is running (dotnet run --project functions/Cloud.Host).", error);
            }

            if (response.IsSuccessStatusCode)
            {
                if (handOver)
                {
                    // The caller owns the answer from here.
                    return await read(response, state, cancellationToken).ConfigureAwait(false);
                }

                using (response)
                {
                    return await read(response, state, cancellationToken).ConfigureAwait(false);
                }
            }

            if (retry && RetryDelays.IsRetryable(response.StatusCode) && attempt < retries.MaxRetries)
            {
                var wait = RetryDelays.Next(response.Headers.RetryAfter, attempt, retries, Time.GetUtcNow());
                if (waited + wait <= retries.Budget)
                {
                    response.Dispose();
                    waited += wait;
                    await Task.Delay(wait, Time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            using (response)
            {
                throw await ErrorOfAsync(request, response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task<T> SendJsonAsync<T>(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken) =>
        SendAsync(createRequest, static create => create(), static (response, _, token) => new ValueTask<T>(ReadJsonAsync<T>(response, token)), cancellationToken);

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, CloudJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered JSON null; expected an object.");
        }
    }

    public static HttpRequestMessage Json<T>(HttpMethod method, Uri uri, T body) => new(method, uri)
    {
        Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, CloudJson.Options))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
        },
    };

    internal static async Task<CloudRequestException> ErrorOfAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = string.Empty;
        }

        var message = ErrorText(text) ?? $"{request.Method} {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode} {response.ReasonPhrase} without an error message.";
        return new CloudRequestException(response.StatusCode, message, request.Method.Method, request.RequestUri?.AbsolutePath ?? string.Empty);
    }

    private static string? ErrorText(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            // Not ours (a proxy's page): its first line says more than nothing.
            var line = body.AsSpan().Trim();
            var end = line.IndexOfAny('\r', '\n');
            return (end < 0 ? line : line[..end]).ToString() is { Length: > 0 and <= 300 } first ? first : null;
        }
    }

    public void Dispose() => _http.Dispose();
}
