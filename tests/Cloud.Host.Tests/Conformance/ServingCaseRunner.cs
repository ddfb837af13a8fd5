using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cloud.Serving.Models;
using Cloud.TestSupport.Conformance;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Pushes one backend case through the host as a user would: the model uploaded through the management API
/// (model.onnx, then model.json), each data set sent to <c>POST /v2/models/{m}/infer</c>, each output compared
/// with the case's expected output; then the version is retired, so that the host does not hold a thousand
/// sessions. The binding-level result of the same case is computed beside it.
/// </summary>
internal sealed class ServingCaseRunner(HttpClient client, SessionOptions options)
{
    private const string Version = "1.0.0";

    // Error bodies are cut to this many characters in reasons: enough for the host's sentence, not for a flood.
    private const int ReasonBodyLength = 400;

    public async Task<ServingCaseResult> RunAsync(BackendTestCase testCase, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var binding = ConformanceRunner.Run(testCase, options);
        var serverErrors = new List<string>();
        var name = CaseModelName.For(testCase);
        ServingOutcome outcome;
        string reason;
        try
        {
            (outcome, reason) = await ClassifyAsync(testCase, binding, name, serverErrors, cancellationToken);
        }
        finally
        {
            // Retiring takes the version out of routing, which unloads it: routing targets are never evicted.
            await SendAsync(HttpMethod.Post, $"/api/models/{name}/versions/{Version}/retire", null, serverErrors, cancellationToken);
        }

        return new ServingCaseResult(binding, outcome, reason, serverErrors, clock.Elapsed);
    }

    private async Task<(ServingOutcome Outcome, string Reason)> ClassifyAsync(
        BackendTestCase testCase, CaseResult binding, string name, List<string> serverErrors, CancellationToken cancellationToken)
    {
        var files = $"/api/models/{name}/versions/{Version}/files";
        var model = await SendAsync(HttpMethod.Put, $"{files}/model.onnx", new ByteArrayContent(await File.ReadAllBytesAsync(testCase.ModelPath, cancellationToken)), serverErrors, cancellationToken);
        var manifest = $$"""{ "name": "{{name}}", "version": "{{Version}}", "format": "onnx", "modelFile": "model.onnx" }""";
        var registration = model.Status == HttpStatusCode.OK
            ? await SendAsync(HttpMethod.Put, $"{files}/model.json", new StringContent(manifest), serverErrors, cancellationToken)
            : model;

        // Registered or not, these two are decided by the model and ORT, not by serving: the same list as the binding level.
        switch (binding.Outcome)
        {
            case CaseOutcome.UnsupportedByOrt:
                return (ServingOutcome.UnsupportedByOrt, binding.Reason);
            case CaseOutcome.UnsupportedByServing:
                return (ServingOutcome.NotRepresentable, binding.Reason);
        }

        if (registration.Status != HttpStatusCode.OK)
        {
            return (ServingOutcome.Failed, $"registration: {registration.Describe()}");
        }

        using var session = new InferenceSession(testCase.ModelPath, options);
        var runner = new SessionRunner(session);
        var tolerance = ToleranceOverrides.For(testCase.Id);
        foreach (var dataSetPath in testCase.DataSets())
        {
            var data = BackendTestCase.Load(dataSetPath, runner);
            var infer = await SendAsync(HttpMethod.Post, $"/v2/models/{name}/infer", new ByteArrayContent(OipV2CaseRequest.Write(data.Inputs)), serverErrors, cancellationToken);
            if (infer.Status != HttpStatusCode.OK)
            {
                return (ServingOutcome.Failed, $"{data.Name}: infer: {infer.Describe()}");
            }

            var actual = OipV2CaseResponse.Read(infer.Body);
            for (var k = 0; k < data.ExpectedOutputs.Count; k++)
            {
                var (output, expected) = data.ExpectedOutputs[k];
                if (!actual.TryGetValue(output, out var value))
                {
                    return (ServingOutcome.Failed, $"{data.Name}: the response has no output '{output}'");
                }

                if (OutputComparer.Compare(expected, value, tolerance) is { } difference)
                {
                    return (ServingOutcome.Failed, $"{data.Name} output {k} '{output}': {difference}");
                }
            }
        }

        return (ServingOutcome.Passed, string.Empty);
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
