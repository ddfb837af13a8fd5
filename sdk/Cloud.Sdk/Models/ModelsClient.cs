using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cloud.Sdk.Http;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;

namespace Cloud.Sdk.Models;

/// <summary>
/// The management API's models, versions, labels and traffic (<c>/api/models</c>): push a folder, list and show,
/// move labels, split traffic, retire. Every change goes through the management API — even a storage upload is
/// confirmed there — so the registry's rules live in one place. Thread-safe; create one per host and share it.
/// </summary>
public class ModelsClient : IDisposable
{
    private readonly CloudPipeline _pipeline = null!;
    private readonly ModelsClientOptions _options = null!;

    /// <summary>For mocking.</summary>
    protected ModelsClient()
    {
    }

    /// <summary>Creates a client for a host's management API.</summary>
    /// <param name="endpoint">The host's address, such as <c>http://localhost:7071</c>.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public ModelsClient(Uri endpoint, ModelsClientOptions? options = null)
    {
        _options = options ?? new ModelsClientOptions();
        _pipeline = new CloudPipeline(endpoint, _options);
    }

    /// <summary>The host's address.</summary>
    public virtual Uri Endpoint => _pipeline.Endpoint;

    /// <summary>Every model with its versions, labels and policy.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models.</returns>
    public virtual async Task<IReadOnlyList<ModelSummary>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        (await GetJsonAsync<ModelList>("api/models", cancellationToken).ConfigureAwait(false)).Models;

    /// <summary>One model in full.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model.</returns>
    /// <exception cref="CloudRequestException">404 when the model is not registered.</exception>
    public virtual Task<ModelDetails> GetModelAsync(string model, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ModelDetails>($"api/models/{Segment(model)}", cancellationToken);

    /// <summary>One version's record.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version.</returns>
    /// <exception cref="CloudRequestException">404 when there is no such version.</exception>
    public virtual Task<ModelVersionInfo> GetVersionAsync(string model, string version, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ModelVersionInfo>($"api/models/{Segment(model)}/versions/{Segment(version)}", cancellationToken);

    /// <summary>
    /// Uploads a model folder — every file, then model.json last, so registration sees a complete folder — and returns
    /// what registration concluded. Cancelling before model.json is sent leaves no version: registration acts on
    /// model.json, and the files sent so far are replaced by the next upload of that version.
    /// </summary>
    /// <param name="folder">The folder holding model.json and the files it names.</param>
    /// <param name="options">Progress, or a storage container to upload to directly; null for neither.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="FileNotFoundException">The folder has no model.json, or not the model file it names.</exception>
    /// <exception cref="InvalidDataException">model.json is not valid, or a file name is not.</exception>
    /// <exception cref="CloudRequestException">The host refused the version: 409 (immutable, a registry rule) or 422 (registration failed, with the reason).</exception>
    public virtual async Task<PushResult> PushFolderAsync(string folder, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PushOptions();
        var opened = ModelFolder.Open(folder);
        var (name, version) = (opened.Manifest.Name, opened.Manifest.Version.ToString());
        if (options.Storage is { } container)
        {
            var uploader = new BlobFolderUploader(container, options);
            await uploader.UploadAsync(opened, cancellationToken).ConfigureAwait(false);
            var registered = await WaitForVersionAsync(name, version, options.RegistrationTimeout, cancellationToken).ConfigureAwait(false);
            return registered.Status == ModelVersionStatus.Failed
                ? throw new CloudRequestException(HttpStatusCode.UnprocessableEntity, $"{name} {version} failed registration: {registered.FailureReason}", "PUT", $"{container.Uri.AbsolutePath}/{name}/{version}/")
                : new PushResult(name, version, registered.Status.ToWireName(), null, uploader.BytesSent, uploader.BytesResumed);
        }

        long done = 0;
        var total = opened.TotalBytes;
        UploadAnswer? answer = null;
        foreach (var file in opened.Files.Append(opened.ManifestFile))
        {
            var uri = _pipeline.Resolve($"api/models/{Segment(name)}/versions/{Segment(version)}/files/{Segment(file.Name)}");
            var start = done;
            using var response = await _pipeline.SendAsync(() =>
            {
                // A retry starts the file again, so the count restarts from where this file began.
                done = start;
                var stream = new ProgressStream(new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan),
                    read =>
                    {
                        var sent = Interlocked.Add(ref done, read);
                        options.Progress?.Report(new PushProgress(file.Name, sent, total));
                    });
                var content = new StreamContent(stream, 81920);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.ContentLength = file.Length;
                return new HttpRequestMessage(HttpMethod.Put, uri) { Content = content };
            }, cancellationToken).ConfigureAwait(false);
            answer = await CloudPipeline.ReadJsonAsync<UploadAnswer>(response, cancellationToken).ConfigureAwait(false);
        }

        return new PushResult(name, version, answer!.Registration ?? "pending", answer.Message, done, 0);
    }

    /// <summary>
    /// Waits until a version is recorded (registered, failed, or any later status) and returns its record: after a
    /// storage upload, registration happens when the blob trigger (or the local store scanner) sees model.json.
    /// </summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">The version.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The version's record.</returns>
    /// <exception cref="TimeoutException">Nothing was recorded in time.</exception>
    public virtual async Task<ModelVersionInfo> WaitForVersionAsync(string model, string version, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
            }
            catch (CloudRequestException error) when (error.Status == HttpStatusCode.NotFound && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (CloudRequestException error) when (error.Status == HttpStatusCode.NotFound)
            {
                throw new TimeoutException($"{model} {version} was not registered within {timeout.TotalSeconds:0.#} s. Check that model.json was uploaded last and that the host watches this storage account (GET /api/status).", error);
            }
        }
    }

    /// <summary>Points a label at a servable version (<c>PUT /api/models/{m}/labels/{l}</c>).</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="label">The label.</param>
    /// <param name="version">The version it should point at.</param>
    /// <param name="ifMatch">The label's ETag, to move it only if nobody moved it since (412 otherwise); <c>*</c> for "it exists"; null for no condition.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The label, with its new ETag.</returns>
    public virtual Task<ModelLabel> SetLabelAsync(string model, string label, string version, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        var uri = _pipeline.Resolve($"api/models/{Segment(model)}/labels/{Segment(label)}");
        return _pipeline.SendJsonAsync<ModelLabel>(() => WithIfMatch(CloudPipeline.Json(HttpMethod.Put, uri, new { version }), ifMatch), cancellationToken);
    }

    /// <summary>Removes a label (refused with 409 while the traffic split uses it).</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="label">The label.</param>
    /// <param name="ifMatch">The label's ETag, or null for no condition.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the label is gone.</returns>
    public virtual async Task RemoveLabelAsync(string model, string label, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var uri = _pipeline.Resolve($"api/models/{Segment(model)}/labels/{Segment(label)}");
        using var response = await _pipeline.SendAsync(() => WithIfMatch(new HttpRequestMessage(HttpMethod.Delete, uri), ifMatch), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets the model's traffic split (label → weight, whole numbers summing to 100), keeping its validation
    /// requirement. The policy is read first and written back with its ETag, so a change someone made meanwhile
    /// is not overwritten (412 instead).
    /// </summary>
    /// <param name="model">The model's name.</param>
    /// <param name="traffic">The split; empty to remove it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy as it now stands.</returns>
    public virtual async Task<ModelPolicy> SetTrafficAsync(string model, IReadOnlyDictionary<string, int> traffic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var current = (await GetModelAsync(model, cancellationToken).ConfigureAwait(false)).Policy;
        return await SetPolicyAsync(current with { Traffic = traffic }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a model's policy as given (traffic split and validation requirement), conditioned on its <see cref="ModelPolicy.ETag"/> when set.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy as it now stands, with its new ETag.</returns>
    public virtual Task<ModelPolicy> SetPolicyAsync(ModelPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var uri = _pipeline.Resolve($"api/models/{Segment(policy.Model)}/policy");
        return _pipeline.SendJsonAsync<ModelPolicy>(() => CloudPipeline.Json(HttpMethod.Put, uri,
            new { traffic = policy.Traffic, requireValidation = policy.RequireValidation, eTag = policy.ETag }), cancellationToken);
    }

    /// <summary>Retires a version: it stops serving for good (refused with 409 while a label points at it).</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">The version.</param>
    /// <param name="reason">Why, recorded on the version (at most 1,024 characters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version's record.</returns>
    public virtual Task<ModelVersionInfo> RetireAsync(string model, string version, string reason, CancellationToken cancellationToken = default)
    {
        var uri = _pipeline.Resolve($"api/models/{Segment(model)}/versions/{Segment(version)}/retire");
        return _pipeline.SendJsonAsync<ModelVersionInfo>(() => CloudPipeline.Json(HttpMethod.Post, uri, new { reason }), cancellationToken);
    }

    /// <summary>The host's status (<c>GET /api/status</c>): loaded versions, routing tables, per-version traffic.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status document as the host writes it.</returns>
    public virtual Task<JsonElement> GetStatusAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<JsonElement>("api/status", cancellationToken);

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
        }
    }

    private Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
    {
        var uri = _pipeline.Resolve(path);
        return _pipeline.SendJsonAsync<T>(() => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken);
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, string? ifMatch)
    {
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    private sealed record ModelList(IReadOnlyList<ModelSummary> Models);

    private sealed record UploadAnswer(string Path, long Size, string? Registration, string? Message);
}
