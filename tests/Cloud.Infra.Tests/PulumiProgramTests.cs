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
        "targets: both selects Azure and GCP; GCP is refused with a message naming its issue",
        "creating a model's routing sets its labels, then its split, with both keys",
    };

    [InfraTheory]
    [MemberData(nameof(RequiredProperties))]
    public void RequiredPropertyIsTestedAndPasses(string test)
    {
        var passed = suite.Output.Split('\n').Any(line => line.TrimStart().StartsWith($"✔ {test} (", StringComparison.Ordinal));
        Assert.True(passed, $"infra/'s suite has no passing test named '{test}'. Its output ends:\n{suite.Tail()}");
    }
}
