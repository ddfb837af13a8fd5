using Cloud.Registry.Datasets;
using Cloud.Registry.Onnx;
using Cloud.Registry.Registered;
using Cloud.Sdk.Manifests;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Models;

/// <summary>
/// One run before a version takes traffic, so the first real request does not pay ORT's first-run costs. It is fed,
/// in order: the manifest's warm-up example, decoded as a client's OIP v2 request is; else the first row of the
/// validation dataset, for a model whose one input is a float [batch, n] with feature names (the row evaluation would
/// feed it); else zeros. Only one source is tried: a broken example is reported, not quietly replaced by zeros.
/// </summary>
/// <remarks>
/// A model may refuse the warm-up's inputs (zeros to an integer modulo, an example that does not fit) and still serve
/// real ones, so a failure is logged and reported in the cache status, never a load failure. The store's own errors
/// (reading the example or the dataset) do fail the load, as reading the manifest from the same store does; the load
/// is tried again later. The example and the dataset are the version's registered copies, as the model file is.
/// </remarks>
internal sealed partial class ModelWarmUp(RegisteredContent content, ILogger log)
{
    private readonly ILogger _log = log;

    public async Task<WarmUpReport> RunAsync(SessionRunner runner, ServedModel served, ModelManifest manifest, RegisteredFiles files)
    {
        // A model no request can feed (a sequence input) is not warmed up at all: it loads, and each request is refused
        // with that reason (400), instead of the version failing to load and answering 503 for ever.
        if (served.Signature.Problem is { } unservable)
        {
            return new WarmUpReport(WarmUpSource.None, unservable);
        }

        var prepared = await PrepareAsync(runner, served, manifest, files).ConfigureAwait(false);
        var problem = prepared.Problem ?? Run(runner, prepared);
        if (problem is not null)
        {
            LogWarmUpFailed(served.Name, served.Version, Describe(prepared.Source, manifest), problem);
        }

        return new WarmUpReport(prepared.Source, problem);
    }

    private static string? Run(SessionRunner runner, Prepared prepared)
    {
        try
        {
            runner.Run(prepared.Inputs!, prepared.OutputNames);
            return null;
        }
        catch (OnnxRuntimeException error)
        {
            return OrtErrors.MessageOf(error);
        }
    }

    private async Task<Prepared> PrepareAsync(SessionRunner runner, ServedModel served, ModelManifest manifest, RegisteredFiles files)
    {
        if (manifest.WarmUp is { } example)
        {
            return await FromExampleAsync(files, example, served).ConfigureAwait(false);
        }

        if (manifest.Validation is { } validation && ValidationInput(runner.Inputs, manifest) is ({ } input, { } featureNames)
            && await FromValidationAsync(files, validation.Dataset, input, featureNames, manifest.AllowNonFinite).ConfigureAwait(false) is { } fromValidation)
        {
            return fromValidation;
        }

        return new Prepared(WarmUpSource.Zeros, [.. runner.Inputs.Select(i => new NamedTensor(i.Name, Zeros(i)))]);
    }

    private async Task<Prepared> FromExampleAsync(RegisteredFiles files, string example, ServedModel served)
    {
        // Registration held the file to the size and shape of a request before it copied it.
        var bytes = await content.ReadAllBytesAsync(files, example).ConfigureAwait(false);
        if (bytes is null)
        {
            return Failed(WarmUpSource.Example, files.MissingCopy(example));
        }

        // The protocol's own reader, against the served signature: the example is held to what a client's request is.
        return OipV2RequestReader.TryRead(bytes.AsSpan(), served, out var request, out var error)
            ? new Prepared(WarmUpSource.Example, request.Request.Inputs, request.Request.OutputNames)
            : Failed(WarmUpSource.Example, $"Warm-up file '{example}' is not a request for this model: {error.Message}");
    }

    /// <summary>The first row as the model's one input; null when the dataset has no rows (then zeros warm it up).</summary>
    private async Task<Prepared?> FromValidationAsync(RegisteredFiles files, string datasetFile, ModelNode input, IReadOnlyList<string> featureNames, bool allowNonFinite)
    {
        var dataset = files.DisplayPath(datasetFile);
        var download = await content.OpenReadAsync(files, datasetFile).ConfigureAwait(false);
        if (download is null)
        {
            return Failed(WarmUpSource.Validation, files.MissingCopy(datasetFile));
        }

        try
        {
            // The reader validation uses, so the warm-up feeds the model exactly what validation would.
            var columns = new DatasetColumns(featureNames, allowNonFinite: allowNonFinite);
            var reader = await DatasetReaders.OpenAsync(download.Content, dataset, columns).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var row = new DatasetBatch(1, columns);
                return await reader.ReadAsync(row).ConfigureAwait(false) == 0 ? null
                    : new Prepared(WarmUpSource.Validation, [new NamedTensor(input.Name, Tensor.Create(row.Features, 1, featureNames.Count))]);
            }
        }
        catch (DatasetException error)
        {
            return Failed(WarmUpSource.Validation, error.Message);
        }
        finally
        {
            await download.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The input a validation row feeds: the model's only input, float32, [batch, n] with batch free or 1, named
    /// feature by feature in the manifest; null for any other model. The same models evaluation can take.
    /// </summary>
    private static (ModelNode Input, IReadOnlyList<string> FeatureNames)? ValidationInput(IReadOnlyList<ModelNode> inputs, ModelManifest manifest) =>
        inputs is [{ IsTensor: true, ElementType: TensorElementType.Float, Dimensions: [-1 or 1, var width] } input]
        && manifest.Inputs.GetValueOrDefault(input.Name)?.FeatureNames is { } names && (width < 0 || width == names.Count)
            ? (input, names)
            : null;

    private static Tensor Zeros(ModelNode input)
    {
        var shape = input.Dimensions.Select(d => d < 0 ? 1L : d).ToArray();
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        return input.ElementType switch
        {
            TensorElementType.Float => new DenseTensor<float>(new float[count], shape),
            TensorElementType.Double => new DenseTensor<double>(new double[count], shape),
            TensorElementType.Float16 => new DenseTensor<Half>(new Half[count], shape),
            TensorElementType.BFloat16 => new DenseTensor<BFloat16>(new BFloat16[count], shape),
            TensorElementType.Int8 => new DenseTensor<sbyte>(new sbyte[count], shape),
            TensorElementType.UInt8 => new DenseTensor<byte>(new byte[count], shape),
            TensorElementType.Int16 => new DenseTensor<short>(new short[count], shape),
            TensorElementType.UInt16 => new DenseTensor<ushort>(new ushort[count], shape),
            TensorElementType.Int32 => new DenseTensor<int>(new int[count], shape),
            TensorElementType.UInt32 => new DenseTensor<uint>(new uint[count], shape),
            TensorElementType.Int64 => new DenseTensor<long>(new long[count], shape),
            TensorElementType.UInt64 => new DenseTensor<ulong>(new ulong[count], shape),
            TensorElementType.Bool => new DenseTensor<bool>(new bool[count], shape),
            TensorElementType.String => new StringTensor(Enumerable.Repeat(string.Empty, count).ToArray(), shape),
            _ => throw new ModelLoadException($"Input '{input.Name}' has element type {TensorElementTypes.Name(input.ElementType)}, which Cloud cannot serve."),
        };
    }

    private static Prepared Failed(WarmUpSource source, string problem) => new(source, null, null, problem);

    private static string Describe(WarmUpSource source, ModelManifest manifest) => source switch
    {
        WarmUpSource.Example => $"its warm-up example '{manifest.WarmUp}'",
        WarmUpSource.Validation => $"the first row of its validation dataset '{manifest.Validation?.Dataset}'",
        _ => "zero inputs",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of {Model} {Version} on {WarmUpInputs} failed; it serves anyway: {Reason}")]
    private partial void LogWarmUpFailed(string model, string version, string warmUpInputs, string reason);

    /// <summary>The warm-up's inputs and the outputs to ask for (null: all), or why there are none.</summary>
    private sealed record Prepared(WarmUpSource Source, IReadOnlyList<NamedTensor>? Inputs, IReadOnlyList<string>? OutputNames = null, string? Problem = null);
}
