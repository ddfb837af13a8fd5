using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cloud.Sdk.Http;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// Calls a Cloud host's prediction routes — TensorFlow Serving REST, Open Inference Protocol v2, or a Vertex AI
/// endpoint — and says which version answered and why. Thread-safe: create one per endpoint and share it (it holds
/// the connections). Results are plain objects rather than a <c>Response&lt;T&gt;</c>: the only parts of the HTTP
/// answer a caller needs (the served version and route) are properties of the result, and errors are exceptions.
/// </summary>
public class PredictionClient : IDisposable
{
    private readonly CloudPipeline _pipeline = null!;
    private readonly PredictionClientOptions _options = null!;
    private readonly Lazy<Task<bool>> _binaryTensors = null!;
    private readonly GrpcInference? _grpc;
    private readonly ConcurrentDictionary<(string Model, ModelTarget Target), Uri> _predictUris = new();
    private readonly ConcurrentDictionary<string, Uri> _routedUris = new(StringComparer.Ordinal);

    /// <summary>For mocking.</summary>
    protected PredictionClient()
    {
    }

    /// <summary>Creates a client for a host, such as <c>http://localhost:7071</c> or a Function App's address.</summary>
    /// <param name="endpoint">The host's address (or, with <see cref="PredictionProtocol.Vertex"/>, the Vertex endpoint resource).</param>
    /// <param name="options">Options; null for the defaults.</param>
    public PredictionClient(Uri endpoint, PredictionClientOptions? options = null)
    {
        _options = options ?? new PredictionClientOptions();
        _pipeline = new CloudPipeline(endpoint, _options);
        _binaryTensors = new Lazy<Task<bool>>(ServerHasBinaryTensorsAsync);
        _grpc = _options.GrpcEndpoint is { } grpc ? new GrpcInference(grpc, _options.RoutingKeyHeader, _options.GrpcStreaming, _options.Retry) : null;
    }

    /// <summary>The host's address.</summary>
    public virtual Uri Endpoint => _pipeline.Endpoint;

    /// <summary>Predicts rows of float features (TF Serving's row format, <c>{"instances": [[...], ...]}</c>).</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="rows">One array of features per row.</param>
    /// <param name="target">Which version answers; null for the model's routing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The predictions and who made them.</returns>
    public virtual Task<PredictionResult> PredictAsync(string model, IEnumerable<float[]> rows, ModelTarget? target = null, CancellationToken cancellationToken = default) =>
        PredictRowsAsync(model, rows, static (w, row) =>
        {
            foreach (var value in row)
            {
                if (float.IsFinite(value)) w.WriteNumberValue(value); else w.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
            }
        }, target, cancellationToken);

    /// <summary>Predicts rows of integer features.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="rows">One array of features per row.</param>
    /// <param name="target">Which version answers; null for the model's routing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The predictions and who made them.</returns>
    public virtual Task<PredictionResult> PredictInt64Async(string model, IEnumerable<long[]> rows, ModelTarget? target = null, CancellationToken cancellationToken = default) =>
        PredictRowsAsync(model, rows, static (w, row) =>
        {
            foreach (var value in row) w.WriteNumberValue(value);
        }, target, cancellationToken);

    /// <summary>Predicts rows of string features.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="rows">One array of features per row.</param>
    /// <param name="target">Which version answers; null for the model's routing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The predictions and who made them.</returns>
    public virtual Task<PredictionResult> PredictStringAsync(string model, IEnumerable<string[]> rows, ModelTarget? target = null, CancellationToken cancellationToken = default) =>
        PredictRowsAsync(model, rows, static (w, row) =>
        {
            foreach (var value in row) w.WriteStringValue(value);
        }, target, cancellationToken);

    /// <summary>
    /// Predicts rows given as named features (<c>{"sepal_length": 5.1, ...}</c>), for a model whose model.json names
    /// its features (<c>inputs.{input}.featureNames</c>); the host puts them in the model's order.
    /// </summary>
    /// <param name="model">The model's name.</param>
    /// <param name="rows">One map of feature name to value per row.</param>
    /// <param name="target">Which version answers; null for the model's routing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The predictions and who made them.</returns>
    public virtual Task<PredictionResult> PredictNamedAsync(string model, IEnumerable<IReadOnlyDictionary<string, float>> rows, ModelTarget? target = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return PredictJsonAsync(model, JsonBodies.Write(rows, static (w, rows) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("instances"u8);
            foreach (var row in rows)
            {
                w.WriteStartObject();
                foreach (var (name, value) in row)
                {
                    w.WritePropertyName(name);
                    if (float.IsFinite(value)) w.WriteNumberValue(value); else w.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }), target, cancellationToken);
    }

    /// <summary>Sends a TF Serving (or Vertex) predict body as it is, for shapes the typed helpers do not cover (the columnar <c>"inputs"</c> format).</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <param name="target">Which version answers; null for the model's routing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The predictions and who made them.</returns>
    public virtual Task<PredictionResult> PredictJsonAsync(string model, ReadOnlyMemory<byte> body, ModelTarget? target = null, CancellationToken cancellationToken = default)
    {
        target ??= ModelTarget.Routed;
        var uri = PredictUri(CheckModel(model), target);
        // The answer is read inside the pipeline's frame (one async frame per call, not two: docs/performance.md).
        return _pipeline.SendAsync((Client: this, Uri: uri, Body: body, Target: target),
            static s => s.Client.Post(s.Uri, s.Body, s.Target),
            static (response, s, token) => s.Client.PredictionOfAsync(response, token), cancellationToken);
    }

    /// <summary>
    /// Runs one Open Inference Protocol v2 inference. With <see cref="PredictionClientOptions.GrpcEndpoint"/> set, over
    /// gRPC (<c>ModelInfer</c>, raw tensor contents, labels as the "label" parameter); otherwise
    /// <c>POST /v2/models/{model}[/versions/{v}]/infer</c>, with tensors in the binary tensor extension when the server
    /// offers it and <see cref="PredictionClientOptions.UseBinaryTensors"/> is on (no JSON for the numbers: smaller and
    /// cheaper on both sides), inputs and outputs alike (<c>binary_data_output</c>), as JSON otherwise. The outputs are
    /// the same whichever way they travelled.
    /// </summary>
    /// <param name="model">The model's name.</param>
    /// <param name="inputs">The input tensors.</param>
    /// <param name="target">An explicit version, or null for the model's routing (a label only over gRPC: OIP v2's HTTP routes have none).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outputs and who made them.</returns>
    public virtual async Task<InferenceResult> InferAsync(string model, IEnumerable<InferTensor> inputs, ModelTarget? target = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        target ??= ModelTarget.Routed;
        if (_grpc is not null)
        {
            return await _grpc.InferAsync(CheckModel(model), inputs.ToArray(), target, cancellationToken).ConfigureAwait(false);
        }

        if (target.Label is not null)
        {
            throw new ArgumentException($"Open Inference Protocol v2 has no label route; predict label '{target.Label}' through PredictAsync (TF Serving REST), or name a version.", nameof(target));
        }

        var tensors = inputs.ToArray();
        var uri = _pipeline.Resolve(target.OipPath(CheckModel(model), "infer"));
        var binary = _options.UseBinaryTensors && await _binaryTensors.Value.ConfigureAwait(false);
        var (body, headerLength) = binary ? BinaryBody(tensors) : (JsonBodies.Write(tensors, static (w, tensors) => WriteInferRequest(w, tensors, binary: false)), -1);
        using var response = await _pipeline.SendAsync(() =>
        {
            var request = Post(uri, body, target);
            if (headerLength >= 0)
            {
                request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Content.Headers.Add("Inference-Header-Content-Length", headerLength.ToString(CultureInfo.InvariantCulture));
            }

            return request;
        }, cancellationToken).ConfigureAwait(false);
        return InferAnswer.Read(response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether the model's routed version (or the named one) is loaded and serving (<c>GET /v2/models/{m}[/versions/{v}]/ready</c>); asking loads nothing.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">A version, or null for the one routing picks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when ready; false while loading, not loaded yet, or unknown.</returns>
    public virtual async Task<bool> IsReadyAsync(string model, string? version = null, CancellationToken cancellationToken = default)
    {
        var target = version is null ? ModelTarget.Routed : ModelTarget.ForVersion(version);
        var uri = _pipeline.Resolve(target.OipPath(CheckModel(model), "ready"));
        try
        {
            // One look, no retries: 503 is the answer here, not a reason to wait.
            using var response = await _pipeline.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken, retry: false).ConfigureAwait(false);
            return true;
        }
        catch (CloudRequestException error) when (error.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Releases the connections.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connections.</summary>
    /// <param name="disposing">Whether this is <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pipeline?.Dispose();
            _grpc?.Dispose();
        }
    }

    private Task<PredictionResult> PredictRowsAsync<T>(string model, IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeRow, ModelTarget? target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return PredictJsonAsync(model, JsonBodies.Write((Rows: rows, WriteRow: writeRow), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("instances"u8);
            foreach (var row in s.Rows)
            {
                w.WriteStartArray();
                s.WriteRow(w, row);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }), target, cancellationToken);
    }

    /// <summary>
    /// The predict address of a model and target, made once: building and parsing a Uri per call is a measurable
    /// share of a small prediction's client CPU (docs/performance.md). Bounded, so a caller that invents model names
    /// cannot grow it without end.
    /// </summary>
    private Uri PredictUri(string model, ModelTarget target)
    {
        // The routed target (the common case) is keyed by the model's name alone: hashing and comparing a record per
        // call costs more than the string.
        if (ReferenceEquals(target, ModelTarget.Routed) ? _routedUris.TryGetValue(model, out var cached) : _predictUris.TryGetValue((model, target), out cached))
        {
            return cached;
        }

        var uri = _options.Protocol == PredictionProtocol.Vertex
            ? new Uri(_pipeline.Endpoint.AbsoluteUri.TrimEnd('/') + ":predict")
            : _pipeline.Resolve(target.TfServingPath(model));
        if (ReferenceEquals(target, ModelTarget.Routed))
        {
            if (_routedUris.Count < 1024)
            {
                _routedUris.TryAdd(model, uri);
            }
        }
        else if (_predictUris.Count < 1024)
        {
            _predictUris.TryAdd((model, target), uri);
        }

        return uri;
    }

    private async ValueTask<PredictionResult> PredictionOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Buffered already (the pipeline reads the whole answer), so this completes without waiting.
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var servedBy = ServedBy.Of(response);
        if (servedBy.Version is null && _options.Protocol == PredictionProtocol.Vertex
            && JsonSerializer.Deserialize<JsonElement>(bytes) is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("deployedModelId", out var deployed))
        {
            // Vertex does not pass our headers through; its own answer names the deployed model instead.
            servedBy = servedBy with { Version = deployed.GetString() };
        }

        return new PredictionResult(bytes, servedBy);
    }

    private HttpRequestMessage Post(Uri uri, ReadOnlyMemory<byte> body, ModelTarget target)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
        // As text: a MediaTypeHeaderValue would be built and validated on every call for the same constant.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (target.RoutingKey is not null)
        {
            request.Headers.TryAddWithoutValidation(_options.RoutingKeyHeader, target.RoutingKey);
        }

        return request;
    }

    private static void WriteInferRequest(Utf8JsonWriter w, InferTensor[] tensors, bool binary, long[]? binarySizes = null)
    {
        w.WriteStartObject();
        w.WriteStartArray("inputs"u8);
        for (var i = 0; i < tensors.Length; i++)
        {
            var tensor = tensors[i];
            w.WriteStartObject();
            w.WriteString("name"u8, tensor.Name);
            w.WriteString("datatype"u8, tensor.Datatype);
            w.WriteStartArray("shape"u8);
            foreach (var d in tensor.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            if (binary)
            {
                w.WriteStartObject("parameters"u8);
                w.WriteNumber("binary_data_size"u8, binarySizes![i]);
                w.WriteEndObject();
            }
            else
            {
                tensor.WriteData(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (binary)
        {
            // Outputs come back raw too (InferAnswer reads them): a client that sends binary reads it as cheaply.
            w.WriteStartObject("parameters"u8);
            w.WriteBoolean("binary_data_output"u8, true);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static (ReadOnlyMemory<byte> Body, int HeaderLength) BinaryBody(InferTensor[] tensors)
    {
        var data = tensors.Select(t => t.BinaryData()).ToArray();
        var header = JsonBodies.Write((Tensors: tensors, Sizes: data.Select(d => (long)d.Length).ToArray()), static (w, s) => WriteInferRequest(w, s.Tensors, binary: true, s.Sizes));
        var body = new byte[header.Length + data.Sum(d => d.Length)];
        header.CopyTo(body, 0);
        var at = header.Length;
        foreach (var chunk in data)
        {
            chunk.CopyTo(body, at);
            at += chunk.Length;
        }

        return (body, header.Length);
    }

    /// <summary>Server metadata (<c>GET /v2</c>) lists the extensions; asked once per client, and a failure means "no".</summary>
    private async Task<bool> ServerHasBinaryTensorsAsync()
    {
        try
        {
            using var response = await _pipeline.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, _pipeline.Resolve("v2")), CancellationToken.None).ConfigureAwait(false);
            var root = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
            return root.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Array
                && extensions.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == "binary_tensor_data");
        }
        catch (Exception error) when (error is CloudRequestException or HttpRequestException or JsonException or TimeoutException)
        {
            return false;
        }
    }

    private static string CheckModel(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return model;
    }
}
