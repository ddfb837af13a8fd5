using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cloud.Host.Tests.Vertex;

/// <summary>
/// The Vertex AI custom container contract (https://cloud.google.com/vertex-ai/docs/predictions/custom-container-requirements),
/// against the published host in its own process with AIP_* set: health, predict, the routes from the environment,
/// artifacts read from gs://, the request limit, and what stops the container at start.
/// </summary>
[Collection(VertexDeploymentTests.Name)]
public sealed class VertexContainerTests(VertexDeployment vertex)
{
    [Fact]
    public void HealthIs503WithTheReasonWhileTheArtifactsAreStillBeingRead()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, vertex.HealthWhileLoading.Status);
        Assert.Equal("""{"error":"The model from AIP_STORAGE_URI is not loaded yet; the health route answers 200 once it is."}""", vertex.HealthWhileLoading.Body);
    }

    [Fact]
    public async Task HealthIs200OnceLoadedAndNamesTheServedVersion()
    {
        var response = await vertex.Client.GetAsync(VertexDeployment.HealthRoute);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"model":"iris","version":"1.0.0","deployedModelId":"4471"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PredictAnswersEveryInstanceWithTheTrainersProbabilitiesAndTheDeployedModelId()
    {
        var (rows, expected) = IrisRows();
        var body = $$$"""{"instances": [{{{string.Join(", ", rows.Select(r => $"[{r}]"))}}}], "parameters": {"confidenceThreshold": 0.5}}""";

        var response = await vertex.Client.PostAsync(VertexDeployment.PredictRoute, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["predictions", "deployedModelId"], answer.EnumerateObject().Select(p => p.Name));
        Assert.Equal(VertexDeployment.DeployedModelId, answer.GetProperty("deployedModelId").GetString());
        AssertPredictions(expected, answer.GetProperty("predictions"));
    }

    /// <summary>
    /// What Vertex's DirectRawPredict does with a model uploaded with containerSpec.grpcPorts: it forwards the caller's
    /// serialized request to the container's gRPC port as a call of the method it names. So the call here is by
    /// method name with bytes in and bytes out, as Vertex makes it.
    /// </summary>
    [Fact]
    public async Task GrpcModelInferByMethodNameReachesTheDeployedModelAsDirectRawPredictForwardsIt()
    {
        var (rows, expected) = IrisRows();
        var request = new Inference.ModelInferRequest { ModelName = "iris" };
        var input = new Inference.ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32" };
        input.Shape.AddRange([rows.Length, 4]);
        request.Inputs.Add(input);
        var values = rows.SelectMany(r => r.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
        var bytes = global::Grpc.Core.Marshallers.Create<byte[]>(b => b, b => b);
        var method = new global::Grpc.Core.Method<byte[], byte[]>(global::Grpc.Core.MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer", bytes, bytes);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{vertex.GrpcPort}");

        var answer = Inference.ModelInferResponse.Parser.ParseFrom(await channel.CreateCallInvoker().AsyncUnaryCall(method, null, default, Google.Protobuf.MessageExtensions.ToByteArray(request)));

        Assert.Equal(("iris", "1.0.0"), (answer.ModelName, answer.ModelVersion));
        var outputs = answer.Outputs.Select(o => o.Name).ToList();
        var probabilities = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(answer.RawOutputContents[outputs.IndexOf("probabilities")].Span).ToArray();
        var labels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(answer.RawOutputContents[outputs.IndexOf("label")].Span).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[i].Probabilities, probabilities.Skip(i * 3).Take(3).Select(p => (double)p), (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Equal(expected[i].Label, labels[i]);
        }
    }

    [Fact]
    public async Task ConcurrentSingleInstanceRequestsEachGetTheirOwnRowBack()
    {
        // Thirty requests at once share the version's micro-batcher; each must get its own row's answer, not a neighbour's.
        var (rows, expected) = IrisRows();
        var answers = await Task.WhenAll(rows.Select(async row =>
        {
            var response = await vertex.Client.PostAsync(VertexDeployment.PredictRoute, new StringContent($$"""{"instances": [[{{row}}]]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions");
        }));

        for (var i = 0; i < rows.Length; i++)
        {
            AssertPredictions([expected[i]], answers[i]);
        }
    }

    [Fact]
    public async Task TheArtifactsWereReadFromTheBucketFolderAndNothingElse()
    {
        var reads = vertex.Gcs.Requests.Where(r => r.Contains("alt=media", StringComparison.Ordinal)).ToArray();

        Assert.Contains(reads, r => r.Contains($"/o/{Uri.EscapeDataString($"{VertexDeployment.Folder}/model.onnx")}?", StringComparison.Ordinal));
        Assert.Contains(reads, r => r.Contains($"/o/{Uri.EscapeDataString($"{VertexDeployment.Folder}/model.json")}?", StringComparison.Ordinal));
        Assert.DoesNotContain(reads, r => r.Contains("notes", StringComparison.Ordinal));
        Assert.Empty(vertex.Gcs.Unhandled);
        Assert.Contains("Serving iris 1.0.0 from gs://cloud-vertex-tests/deployments/iris-1/: loaded and warmed, health is 200", vertex.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheRoutesFromTheEnvironmentAreServed()
    {
        var defaultHealth = await vertex.Client.GetAsync("/health");
        var defaultPredict = await vertex.Client.PostAsync("/predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));
        var tfServing = await vertex.Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));

        Assert.Equal(HttpStatusCode.NotFound, defaultHealth.StatusCode);
        Assert.Equal("""{"error":"No route matches GET '/health'."}""", await defaultHealth.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, defaultPredict.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tfServing.StatusCode);
    }

    [Fact]
    public async Task ABodyOverVertexsLimitIsRefusedWithTheLimitAndWhyItIsThere()
    {
        // 1.5 MiB is 1,572,864 bytes; this body is one row over it.
        var row = "[5.1, 3.5, 1.4, 0.2], ";
        var body = new StringBuilder("""{"instances": [""");
        while (body.Length <= 1_572_864)
        {
            body.Append(row);
        }

        body.Append("[5.1, 3.5, 1.4, 0.2]]}");

        // Expect: 100-continue, as a client of a large body does: the host answers 413 from the declared length, and the
        // client then never sends the body into a connection the host has closed (a broken pipe otherwise, sometimes).
        using var request = new HttpRequestMessage(HttpMethod.Post, VertexDeployment.PredictRoute) { Content = new StringContent(body.ToString()) };
        request.Headers.ExpectContinue = true;
        var response = await vertex.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            """{"error":"The request body is larger than the limit of 1,572,864 bytes (Cloud:Serving:MaxRequestBodyBytes: Vertex AI's 1.5 MB limit on a prediction request)."}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AColumnarBodyIsRefusedNamingVertexsShape()
    {
        var response = await vertex.Client.PostAsync(VertexDeployment.PredictRoute, new StringContent("""{"inputs": [[5.1, 3.5, 1.4, 0.2]]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            """{"error":"Vertex AI's predict body is {\"instances\": [...], \"parameters\": {...}}; this one gives \"inputs\" (TF Serving's columnar format), which the Vertex route does not take."}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ABadInstanceIsA400InTheSameShape()
    {
        var response = await vertex.Client.PostAsync(VertexDeployment.PredictRoute, new StringContent("""{"instances": [[5.1, 3.5, 1.4]]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["error"], error.EnumerateObject().Select(p => p.Name));
        Assert.Contains("features", error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "AIP_STORAGE_URI must name the gs:// folder holding the model's files (the model's artifactUri, which Vertex copies there): it is empty; give the gs://bucket/folder that holds the model's files.")]
    [InlineData("/mnt/models/iris", "AIP_STORAGE_URI must name the gs:// folder holding the model's files (the model's artifactUri, which Vertex copies there): '/mnt/models/iris' is not a gs:// URI; give the gs://bucket/folder that holds the model's files.")]
    [InlineData("gs://Bad_Bucket/iris", "AIP_STORAGE_URI must name the gs:// folder holding the model's files (the model's artifactUri, which Vertex copies there): 'gs://Bad_Bucket/iris' does not name a valid bucket ('Bad_Bucket'): use 3 to 63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit.")]
    public async Task AMissingOrInvalidStorageUriStopsTheStartNamingIt(string? storageUri, string expected)
    {
        var environment = vertex.Environment(ContainerProcess.FreePort(), storageUri ?? "");
        if (storageUri is null)
        {
            environment.Remove("AIP_STORAGE_URI");
        }

        await using var container = ContainerProcess.Start(vertex.Executable, environment);

        Assert.Equal(2, await container.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Cloud cannot start. Invalid settings:\n{expected}", container.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFolderWithoutAModelStopsTheContainerNamingTheVariableAndWhatIsThere()
    {
        vertex.Gcs.Put(VertexDeployment.Bucket, "deployments/half/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));

        await using var container = ContainerProcess.Start(vertex.Executable, vertex.Environment(ContainerProcess.FreePort(), $"gs://{VertexDeployment.Bucket}/deployments/half"));

        Assert.Equal(3, await container.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(
            "Cannot serve the artifacts at AIP_STORAGE_URI: AIP_STORAGE_URI gs://cloud-vertex-tests/deployments/half/ holds no model.json at its top level (it holds model.onnx); upload the model folder to the model's artifactUri.",
            container.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelThatCannotRegisterStopsTheContainerWithRegistrationsReason()
    {
        // The iris folder with a model file that is not an ONNX model: registration records it failed, with why.
        foreach (var file in Directory.GetFiles(Repo.IrisFolder).Where(f => !f.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            vertex.Gcs.Put(VertexDeployment.Bucket, $"deployments/broken/{Path.GetFileName(file)}", File.ReadAllBytes(file));
        }

        vertex.Gcs.Put(VertexDeployment.Bucket, "deployments/broken/model.onnx", "not a model"u8.ToArray());

        await using var container = ContainerProcess.Start(vertex.Executable, vertex.Environment(ContainerProcess.FreePort(), $"gs://{VertexDeployment.Bucket}/deployments/broken"));

        Assert.Equal(3, await container.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(
            "Cannot serve the artifacts at AIP_STORAGE_URI: iris 1.0.0 from gs://cloud-vertex-tests/deployments/broken/ did not register (failed): ",
            container.Output, StringComparison.Ordinal);
    }

    /// <summary>The validation rows' features and the trainer's own probabilities and labels for them (expected.csv, numpy).</summary>
    private static (string[] Rows, (double[] Probabilities, long Label)[] Expected) IrisRows()
    {
        var rows = File.ReadAllLines(Path.Combine(Repo.IrisFolder, "validation.csv")).Skip(1)
            .Select(l => string.Join(", ", l.Split(',')[..4])).ToArray();
        var expected = File.ReadAllLines(Path.Combine(Repo.IrisFolder, "expected.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(c => (c[..3].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(), long.Parse(c[3], CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.Equal(rows.Length, expected.Length);
        return (rows, expected);
    }

    private static void AssertPredictions((double[] Probabilities, long Label)[] expected, JsonElement predictions)
    {
        Assert.Equal(expected.Length, predictions.GetArrayLength());
        for (var r = 0; r < expected.Length; r++)
        {
            var probabilities = predictions[r].GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(expected[r].Label, predictions[r].GetProperty("label").GetInt64());
            Assert.Equal(expected[r].Probabilities.Length, probabilities.Length);
            for (var c = 0; c < probabilities.Length; c++)
            {
                Assert.Equal(expected[r].Probabilities[c], probabilities[c], 1e-5);
            }
        }
    }
}
