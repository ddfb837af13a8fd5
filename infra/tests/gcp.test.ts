import assert from "node:assert/strict";
import { test } from "node:test";
import { iris, deployGcpWith } from "./deployGcp";
import { Declared, mockEndpointId } from "./mocks";

const serving = "serviceAccount:cloud-serving@demo-project.iam.gserviceaccount.com";
const deployer = "serviceAccount:cloud-deployer@demo-project.iam.gserviceaccount.com";
const repository = "projects/demo-project/locations/europe-west4/repositories/cloud";

/** Every IAM grant the program declared, as "member role on scope". */
function grants(declared: Declared[]): string[] {
    return declared.flatMap(d => {
        const i = d.inputs;
        switch (d.type) {
            case "gcp:storage/bucketIAMMember:BucketIAMMember": return [`${i.member} ${i.role} on bucket ${i.bucket}`];
            case "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": return [`${i.member} ${i.role} on repository ${i.repository} (${i.location})`];
            case "gcp:projects/iAMMember:IAMMember": return [`${i.member} ${i.role} on project ${i.project}`];
            case "gcp:serviceaccount/iAMMember:IAMMember": return [`${i.member} ${i.role} on account ${i.serviceAccountId}`];
            default: return [];
        }
    }).sort();
}

test("the models bucket has uniform bucket-level access and public access prevention enforced, in the stack's region", async () => {
    const { mocks } = await deployGcpWith();
    const bucket = mocks.one("gcp:storage/bucket:Bucket").inputs;
    assert.equal(bucket.name, "cloud-demo-project-models");
    assert.equal(bucket.project, "demo-project");
    assert.equal(bucket.location, "EUROPE-WEST4");
    assert.equal(bucket.uniformBucketLevelAccess, true);
    assert.equal(bucket.publicAccessPrevention, "enforced");
    assert.equal(bucket.forceDestroy, false);
    const repo = mocks.one("gcp:artifactregistry/repository:Repository").inputs;
    assert.deepEqual([repo.repositoryId, repo.format, repo.location], ["cloud", "DOCKER", "europe-west4"]);
});

test("the Vertex serving account holds only objectViewer on the bucket and Artifact Registry reader on the repository", async () => {
    const { mocks } = await deployGcpWith();
    assert.deepEqual(grants(mocks.declared).filter(g => g.startsWith(`${serving} `)), [
        `${serving} roles/artifactregistry.reader on repository ${repository} (europe-west4)`,
        `${serving} roles/storage.objectViewer on bucket cloud-demo-project-models`,
    ]);
});

test("the deployer has aiplatform.user on the project, writes the bucket and the repository, and may act as the serving account; nothing more", async () => {
    const { mocks } = await deployGcpWith();
    assert.deepEqual(grants(mocks.declared).filter(g => g.startsWith(`${deployer} `)), [
        `${deployer} roles/aiplatform.user on project demo-project`,
        `${deployer} roles/artifactregistry.writer on repository ${repository} (europe-west4)`,
        `${deployer} roles/iam.serviceAccountUser on account projects/demo-project/serviceAccounts/cloud-serving@demo-project.iam.gserviceaccount.com`,
        `${deployer} roles/storage.objectAdmin on bucket cloud-demo-project-models`,
    ]);
});

test("every GCP grant is on one bucket, repository or account but Vertex's own on the project, and none is an owner or editor role", async () => {
    const { mocks } = await deployGcpWith({ deployers: ["group:ml@example.com"] });
    const all = grants(mocks.declared);
    assert.equal(all.length, 7);
    assert.deepEqual(all.filter(g => g.includes(" on project ")), [`${deployer} roles/aiplatform.user on project demo-project`]);
    assert.ok(all.every(g => !/roles\/(owner|editor|storage\.admin|aiplatform\.admin|iam\.serviceAccountAdmin)\b/.test(g)), all.join("\n"));
    // Named deployers may act as the deployer account (impersonation), on that account only.
    assert.ok(all.includes("group:ml@example.com roles/iam.serviceAccountTokenCreator on account projects/demo-project/serviceAccounts/cloud-deployer@demo-project.iam.gserviceaccount.com"));
});

test("the program enables the APIs it uses and leaves them on when the stack is destroyed", async () => {
    const { mocks } = await deployGcpWith();
    const services = mocks.ofType("gcp:projects/service:Service").map(s => s.inputs);
    assert.deepEqual(services.map(s => s.service).sort(),
        ["aiplatform.googleapis.com", "artifactregistry.googleapis.com", "iam.googleapis.com", "storage.googleapis.com"]);
    assert.ok(services.every(s => s.disableOnDestroy === false && s.project === "demo-project"));
});

test("each model gets its own Vertex endpoint, whose split is left to the model's deployment", async () => {
    const { mocks } = await deployGcpWith({ models: { iris, other: { labels: { stable: "1" }, folders: { "1": iris.folders["1.0.0"] } } } });
    const endpoints = mocks.ofType("gcp:vertex/aiEndpoint:AiEndpoint");
    assert.deepEqual(endpoints.map(e => [e.name, e.inputs.location, e.inputs.labels["cloud-model"]]).sort(),
        [["cloud-iris", "europe-west4", "iris"], ["cloud-other", "europe-west4", "other"]]);
    assert.ok(endpoints.every(e => e.inputs.trafficSplit === undefined && e.inputs.dedicatedEndpointEnabled === false));
    // Vertex's endpoint ids are numeric, without a leading zero, 10 digits at most.
    assert.deepEqual(endpoints.map(e => e.inputs.name).sort(), [mockEndpointId("cloud-iris-endpoint-id"), mockEndpointId("cloud-other-endpoint-id")].sort());
    assert.ok(endpoints.every(e => /^[1-9]\d{0,9}$/.test(e.inputs.name)), endpoints.map(e => e.inputs.name).join(", "));
    assert.deepEqual(mocks.ofType("random:index/randomInteger:RandomInteger").map(r => [r.inputs.min, r.inputs.max]), [[1000000000, 9999999999], [1000000000, 9999999999]]);
    const deployments = mocks.ofType("pulumi-nodejs:dynamic:Resource").map(d => [d.inputs.model, d.inputs.endpointId]).sort();
    assert.deepEqual(deployments, [["iris", mockEndpointId("cloud-iris-endpoint-id")], ["other", mockEndpointId("cloud-other-endpoint-id")]]);
});

test("each version's model folder is copied to {model}/{version}/ in the bucket, file by file", async () => {
    const { mocks } = await deployGcpWith({ models: { iris } });
    const objects = mocks.ofType("gcp:storage/bucketObject:BucketObject").map(o => o.inputs);
    const sample = ["expected.csv", "model.json", "model.onnx", "validation.csv"];
    assert.deepEqual(objects.map(o => o.name).sort(), [...sample.map(f => `iris/1.0.0/${f}`), ...sample.map(f => `iris/2.0.0/${f}`)]);
    assert.ok(objects.every(o => o.bucket === "cloud-demo-project-models"));
});

test("the model's Vertex deployment takes its versions, aliases, split, machine, replicas and autoscaling targets from config", async () => {
    const { mocks } = await deployGcpWith({
        image: "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:1.2",
        operationTimeoutMinutes: 30,
        serving: { machineType: "g2-standard-8", acceleratorType: "NVIDIA_L4", acceleratorCount: 1, minReplicaCount: 2, maxReplicaCount: 8, cpuUtilizationTarget: 70, acceleratorDutyCycleTarget: 55 },
        models: { iris: { ...iris, serving: { maxReplicaCount: 12 } } },
    });
    const inputs = mocks.one("pulumi-nodejs:dynamic:Resource").inputs;
    assert.deepEqual({ ...inputs, __provider: undefined }, {
        __provider: undefined,
        apiEndpoint: "https://europe-west4-aiplatform.googleapis.com",
        project: "demo-project",
        region: "europe-west4",
        endpointId: mockEndpointId("cloud-iris-endpoint-id"),
        model: "iris",
        vertexModelId: "iris",
        versions: [
            { version: "1.0.0", artifactUri: "gs://cloud-demo-project-models/iris/1.0.0/" },
            { version: "2.0.0", artifactUri: "gs://cloud-demo-project-models/iris/2.0.0/" },
        ],
        labels: { stable: "1.0.0", canary: "2.0.0" },
        traffic: { stable: 90, canary: 10 },
        image: "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:1.2",
        servingAccount: "cloud-serving@demo-project.iam.gserviceaccount.com",
        serving: {
            machineType: "g2-standard-8", acceleratorType: "NVIDIA_L4", acceleratorCount: 1,
            minReplicaCount: 2, maxReplicaCount: 12, cpuUtilizationTarget: 70, acceleratorDutyCycleTarget: 55,
        },
        operationTimeoutSeconds: 1800,
    });
    assert.equal(typeof inputs.__provider, "string", "the provider's code is serialized for the engine");
});

test("without an image in config, models are served from cloud-host:latest in the stack's repository", async () => {
    const { mocks } = await deployGcpWith({ models: { iris } });
    assert.equal(mocks.one("pulumi-nodejs:dynamic:Resource").inputs.image, "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:latest");
});
