using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Cloud.TestSupport.Conformance;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Pushes one backend case through the host as a user would: the model uploaded through the management API
/// (model.onnx, then model.json), each data set sent to <c>POST /v2/models/{m}/infer</c> and, where TF Serving's
/// JSON can carry it, to <c>POST /v1/models/{m}:predict</c> (columnar), each output compared with the case's
/// expected output; then the version is retired, so that the host does not hold a thousand sessions. The
/// binding-level result of the same case is computed beside it.
/// </summary>
internal sealed class ServingCaseRunner(HttpClient client, global::Grpc.Net.Client.GrpcChannel channel, SessionOptions options)
{
    private const string Version = "1.0.0";

    private readonly Inference.GRPCInferenceService.GRPCInferenceServiceClient _grpc = new(channel);

    // Error bodies are cut to this many characters in reasons: enough for the host's sentence, not for a flood.
    private const int ReasonBodyLength = 400;

    public async Task<ServingCaseResult> RunAsync(BackendTestCase testCase, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var binding = ConformanceRunner.Run(testCase, options);
        var serverErrors = new List<string>();
        var name = CaseModelName.For(testCase);
        ProtocolOutcome oip, tf, binary, grpc;
        try
        {
            (oip, tf, binary, grpc) = await ClassifyAsync(testCase, binding, name, serverErrors, cancellationToken);
        }
        finally
        {
            // Retiring takes the version out of routing, which unloads it: routing targets are never evicted.
            await SendAsync(HttpMethod.Post, $"/api/models/{name}/versions/{Version}/retire", null, serverErrors, cancellationToken);
        }

        return new ServingCaseResult(binding, oip, tf, binary, grpc, serverErrors, clock.Elapsed);
    }

    private async Task<(ProtocolOutcome Oip, ProtocolOutcome Tf, ProtocolOutcome Binary, ProtocolOutcome Grpc)> ClassifyAsync(
        BackendTestCase testCase, CaseResult binding, string name, List<string> serverErrors, CancellationToken cancellationToken)
    {
        var files = $"/api/models/{name}/versions/{Version}/files";
        var model = await SendAsync(HttpMethod.Put, $"{files}/model.onnx", new ByteArrayContent(await File.ReadAllBytesAsync(testCase.ModelPath, cancellationToken)), serverErrors, cancellationToken);
        var runnable = binding.Outcome is not (CaseOutcome.UnsupportedByOrt or CaseOutcome.UnsupportedByServing);
        using var session = runnable ? new InferenceSession(testCase.ModelPath, options) : null;
        var dataSets = session is null ? [] : testCase.DataSets().Select(path => BackendTestCase.Load(path, new SessionRunner(session))).ToList();
        // The host refuses NaN/Infinity inputs unless the manifest allows them: cases that send them (test_isnan) say so.
        var allowNonFinite = dataSets.Any(d => d.Inputs.Any(i => HasNonFinite(i.Value))) ? """, "allowNonFinite": true""" : "";
        var manifest = $$"""{ "name": "{{name}}", "version": "{{Version}}", "format": "onnx", "modelFile": "model.onnx"{{allowNonFinite}} }""";
        var registration = model.Status == HttpStatusCode.OK
            ? await SendAsync(HttpMethod.Put, $"{files}/model.json", new StringContent(manifest), serverErrors, cancellationToken)
            : model;

        // Registered or not, these two are decided by the model and ORT, not by serving: the same list as the binding level.
        switch (binding.Outcome)
        {
            case CaseOutcome.UnsupportedByOrt:
                return All(new ProtocolOutcome(ServingOutcome.UnsupportedByOrt, binding.Reason));
            case CaseOutcome.UnsupportedByServing:
                return All(new ProtocolOutcome(ServingOutcome.NotRepresentable, binding.Reason));
        }

        if (registration.Status != HttpStatusCode.OK)
        {
            return All(ProtocolOutcome.Failed($"registration: {registration.Describe()}"));
        }

        var tolerance = ToleranceOverrides.For(testCase.Id);

        // Each protocol's first failure stands; both are called on every data set until then, on the same
        // registered version, so nothing is uploaded twice.
        ProtocolOutcome? oip = null, tf = null, binary = null, grpc = null;
        foreach (var data in dataSets)
        {
            binary ??= await CallBinaryAsync(data, $"/v2/models/{name}/infer", tolerance, serverErrors, cancellationToken);
            grpc ??= await CallGrpcAsync(data, name, tolerance, serverErrors, cancellationToken);
            oip ??= data.Inputs.Concat(data.ExpectedOutputs).Select(TfCaseRequest.JsonCannotCarry).FirstOrDefault(w => w is not null) is { } noJson
                ? new ProtocolOutcome(ServingOutcome.NotRepresentable, $"{data.Name}: {noJson}")
                : await CallAsync(data, "infer", $"/v2/models/{name}/infer", OipV2CaseRequest.Write(data.Inputs), OipV2CaseResponse.Read, tolerance, serverErrors, cancellationToken);
            tf ??= TfCaseRequest.WhyNotRepresentable(data) is { } why
                ? new ProtocolOutcome(ServingOutcome.NotRepresentable, $"{data.Name}: {why}")
                : await CallAsync(data, "predict", $"/v1/models/{name}:predict", TfCaseRequest.Write(data.Inputs), body => TfCaseResponse.Read(body, data.ExpectedOutputs), tolerance, serverErrors, cancellationToken);
        }

        return (oip ?? ProtocolOutcome.Passed, tf ?? ProtocolOutcome.Passed, binary ?? ProtocolOutcome.Passed, grpc ?? ProtocolOutcome.Passed);
    }

    private async Task<ProtocolOutcome?> CallBinaryAsync(BackendDataSet data, string path, Tolerance tolerance, List<string> serverErrors, CancellationToken cancellationToken)
    {
        var (body, headerLength) = BinaryCaseRequest.Write(data.Inputs);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Headers.Add("Inference-Header-Content-Length", headerLength.ToString(CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var failed = new Answer(response.StatusCode, System.Text.Encoding.UTF8.GetString(answer));
            if ((int)response.StatusCode >= 500)
            {
                serverErrors.Add($"POST {path} (binary): {failed.Describe()}");
            }

            return ProtocolOutcome.Failed($"{data.Name}: binary infer: {failed.Describe()}");
        }

        var length = response.Headers.TryGetValues("Inference-Header-Content-Length", out var values) && int.TryParse(values.Single(), CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        return Compare(data, "binary infer", () => BinaryCaseRequest.Read(answer, length), tolerance);
    }

    private async Task<ProtocolOutcome?> CallGrpcAsync(BackendDataSet data, string model, Tolerance tolerance, List<string> serverErrors, CancellationToken cancellationToken)
    {
        Inference.ModelInferResponse response;
        try
        {
            response = await _grpc.ModelInferAsync(GrpcCaseCall.Request(model, data.Inputs), cancellationToken: cancellationToken);
        }
        catch (global::Grpc.Core.RpcException error)
        {
            var status = GrpcCaseCall.HttpStatusOf(error.StatusCode);
            var reason = $"{data.Name}: ModelInfer: {error.StatusCode} {error.Status.Detail}";
            if (status >= 500)
            {
                serverErrors.Add(reason);
            }

            return ProtocolOutcome.Failed(reason);
        }

        return Compare(data, "ModelInfer", () => GrpcCaseCall.Read(response), tolerance);
    }

    /// <summary>Each expected output beside the answer's; null when all match.</summary>
    private static ProtocolOutcome? Compare(BackendDataSet data, string step, Func<Dictionary<string, Tensor>> read, Tolerance tolerance)
    {
        Dictionary<string, Tensor> actual;
        try
        {
            actual = read();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException or System.Text.Json.JsonException or ArgumentException)
        {
            return ProtocolOutcome.Failed($"{data.Name}: {step}: the response cannot be read: {e.Message}");
        }

        for (var k = 0; k < data.ExpectedOutputs.Count; k++)
        {
            var (output, expected) = data.ExpectedOutputs[k];
            if (!actual.TryGetValue(output, out var value))
            {
                return ProtocolOutcome.Failed($"{data.Name}: {step}: the response has no output '{output}'");
            }

            if (OutputComparer.Compare(expected, value, tolerance) is { } difference)
            {
                return ProtocolOutcome.Failed($"{data.Name}: {step}: output {k} '{output}': {difference}");
            }
        }

        return null;
    }

    private static bool HasNonFinite(Tensor tensor) => tensor switch
    {
        DenseTensor<float> t => t.ToArray().Any(v => !float.IsFinite(v)),
        DenseTensor<double> t => t.ToArray().Any(v => !double.IsFinite(v)),
        DenseTensor<Half> t => t.ToArray().Any(v => !Half.IsFinite(v)),
        // All-ones exponent: test_cast_BFLOAT16_to_FLOAT sends NaN and both infinities, which serving now refuses too.
        DenseTensor<BFloat16> t => t.ToArray().Any(v => (v.value & 0x7F80) == 0x7F80),
        _ => false,
    };

    private static (ProtocolOutcome, ProtocolOutcome, ProtocolOutcome, ProtocolOutcome) All(ProtocolOutcome outcome) => (outcome, outcome, outcome, outcome);

    /// <summary>Sends one data set through one protocol; null when every output matches, else the failure.</summary>
    private async Task<ProtocolOutcome?> CallAsync(
        BackendDataSet data, string step, string path, byte[] body, Func<string, Dictionary<string, Tensor>> read, Tolerance tolerance,
        List<string> serverErrors, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Post, path, new ByteArrayContent(body), serverErrors, cancellationToken);
        if (answer.Status != HttpStatusCode.OK)
        {
            return ProtocolOutcome.Failed($"{data.Name}: {step}: {answer.Describe()}");
        }

        return Compare(data, step, () => read(answer.Body), tolerance);
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, HttpContent? content, List<string> serverErrors, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request, cancellationToken);
        var answer = new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        if ((int)answer.Status >= 500)
        {
            serverErrors.Add($"{method} {path}: {answer.Describe()}");
        }

        return answer;
    }

    private readonly record struct Answer(HttpStatusCode Status, string Body)
    {
        public string Describe()
        {
            var body = Body.ReplaceLineEndings(" ");
            return string.Create(CultureInfo.InvariantCulture,
                $"{(int)Status} {(body.Length > ReasonBodyLength ? body[..ReasonBodyLength] + "…" : body)}");
        }
    }
}
