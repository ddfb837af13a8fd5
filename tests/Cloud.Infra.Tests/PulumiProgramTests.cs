namespace Cloud.Infra.Tests;

/// <summary>
/// infra/'s Pulumi program, judged by its own mocks-based suite: the suite passes as a whole, and each property the
/// infrastructure issue requires is a test of it that ran and passed (so a renamed or deleted test cannot pass silently).
/// </summary>
public sealed class PulumiProgramTests(InfraSuite suite) : IClassFixture<InfraSuite>
{
    [InfraFact]
    public void EveryTestOfTheProgramPasses()
    {
        Assert.True(suite.ExitCode == 0, $"'npm test' in infra/ exited with {suite.ExitCode}:\n{suite.Tail()}");
        Assert.True(suite.Count("fail") == 0, $"node's test runner reports failures:\n{suite.Tail()}");
        Assert.True(suite.Count("pass") > 0, $"node's test runner reports no passing test:\n{suite.Tail()}");
    }

    public static TheoryData<string> RequiredProperties => new()
    {
        "the storage account allows no public blob access, no shared keys, HTTPS only, TLS 1.2 or later",
        "the containers and tables are the app's StorageOptions defaults, and no container is public",
        "the Function App's identity holds exactly the data roles it uses, each on its own container, table or queue",
        "the job's identity receives and sends on the queue, reads registered copies and pulls its image; nothing more",
        "no assignment is broader than one resource, and each says why and who",
        "the jobs queue dead-letters expired messages, detects duplicates and keeps the runner's defaults",
        "the queue's delivery count and lock follow config, and the app and worker are told the same values",
        "the Function App's scale settings equal config",
        "the subscription sends only blobs created under models/ to the blob extension's webhook with its key",
        "with GPU on, the environment has the serverless GPU profile and the job runs on it with CUDA",
        "with GPU off, there is no GPU profile and the job runs CPU-only on Consumption",
        "the job is started by the queue's length and runs the worker until the queue is empty",
        "targets: both selects Azure and GCP, each read from its own config",
        "targets: both builds Azure and GCP in one program, with each cloud's outputs",
        "creating a model's routing sets its labels, then its split, with both keys",

        // GCP (issue #20): resources and their security and scaling, under mocks.
        "the models bucket has uniform bucket-level access and public access prevention enforced, in the stack's region",
        "the Vertex serving account holds only objectViewer on the bucket and Artifact Registry reader on the repository",
        "the deployer has aiplatform.user on the project, writes the bucket and the repository, and may act as the serving account; nothing more",
        "every GCP grant is on one bucket, repository or account but Vertex's own on the project, and none is an owner or editor role",
        "each model gets its own Vertex endpoint, whose split is left to the model's deployment",
        "each version's model folder is copied to {model}/{version}/ in the bucket, file by file",
        "the model's Vertex deployment takes its versions, aliases, split, machine, replicas and autoscaling targets from config",
        "a model's versions, labels and traffic are read from the file GET /api/models/{m} writes",

        // VertexModelDeployment's functions against a loopback Vertex fake.
        "creating a model's deployment uploads each version with its aliases, deploys it with its machine, replicas and autoscaling targets, and sets the split",
        "a diff of an unchanged config reports no change, and an update with it changes nothing on Vertex",
        "moving canary and the traffic split is one deployModel carrying the new split, then the undeploy of the version it no longer names",
        "new replica counts or metric targets mutate the deployed models in place; a new machine type redeploys",
        "a rollout that stopped half way is finished by the next one, without uploading or deploying anything twice",
        "an operation that never finishes fails after the timeout with a message naming it and what it was doing",
        "an operation that ends with an error fails with Vertex's own message",
        "deleting takes the split off the endpoint, undeploys every version and deletes the Vertex model",
    };

    [InfraTheory]
    [MemberData(nameof(RequiredProperties))]
    public void RequiredPropertyIsTestedAndPasses(string test)
    {
        var passed = suite.Output.Split('\n').Any(line => line.TrimStart().StartsWith($"✔ {test} (", StringComparison.Ordinal));
        Assert.True(passed, $"infra/'s suite has no passing test named '{test}'. Its output ends:\n{suite.Tail()}");
    }
}
