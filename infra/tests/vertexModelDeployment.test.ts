import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { VertexModelDeploymentInputs, vertexDeploymentProvider } from "../gcp/vertexModelDeployment";
import { VertexFake } from "./vertexFake";

// The provider's functions called directly (Pulumi's mocks do not run dynamic providers) against a loopback Vertex.
const provider = vertexDeploymentProvider({ token: async () => "test-token", pollIntervalMs: 5, maxPollIntervalMs: 20 });
const loc = "projects/demo-project/locations/europe-west4";
const endpoint = `${loc}/endpoints/4242`;
const modelName = `${loc}/models/iris`;

let fake: VertexFake;
beforeEach(async () => {
    fake = await new VertexFake().start();
    fake.addEndpoint("4242");
});
afterEach(() => fake.stop());

function target(overrides: Partial<VertexModelDeploymentInputs> = {}): VertexModelDeploymentInputs {
    return {
        apiEndpoint: fake.url,
        project: "demo-project",
        region: "europe-west4",
        endpointId: "4242",
        model: "iris",
        vertexModelId: "iris",
        versions: [
            { version: "1.0.0", artifactUri: "gs://cloud-models/iris/1.0.0/" },
            { version: "2.0.0", artifactUri: "gs://cloud-models/iris/2.0.0/" },
        ],
        labels: { stable: "1.0.0", canary: "2.0.0" },
        traffic: { stable: 90, canary: 10 },
        image: "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:1.0",
        servingAccount: "cloud-serving@demo-project.iam.gserviceaccount.com",
        serving: {
            machineType: "n1-standard-8", acceleratorType: "NVIDIA_TESLA_T4", acceleratorCount: 1,
            minReplicaCount: 2, maxReplicaCount: 6, cpuUtilizationTarget: 70, acceleratorDutyCycleTarget: 50,
        },
        operationTimeoutSeconds: 5,
        ...overrides,
    };
}

const resources = {
    machineSpec: { machineType: "n1-standard-8", acceleratorType: "NVIDIA_TESLA_T4", acceleratorCount: 1 },
    minReplicaCount: 2,
    maxReplicaCount: 6,
    autoscalingMetricSpecs: [
        { metricName: "aiplatform.googleapis.com/prediction/online/cpu/utilization", target: 70 },
        { metricName: "aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle", target: 50 },
    ],
};

const container = {
    imageUri: "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:1.0",
    predictRoute: "/predict",
    healthRoute: "/health",
    ports: [{ containerPort: 8080 }],
};

/** "METHOD path" of each request that changes something, with the location prefix cut for reading. */
const changed = () => fake.changes().map(r => `${r.method} ${r.path.replace(`${loc}/`, "")}`);

test("creating a model's deployment uploads each version with its aliases, deploys it with its machine, replicas and autoscaling targets, and sets the split", async () => {
    const result = await provider.create!(target());

    assert.deepEqual(changed(), [
        "POST models:upload",
        "POST models:upload",
        "POST endpoints/4242:deployModel",
        "POST endpoints/4242:deployModel",
    ]);
    const [first, second, deployStable, deployCanary] = fake.changes();
    assert.deepEqual(first.body, {
        modelId: "iris",
        model: { displayName: "iris", versionDescription: "iris 1.0.0", versionAliases: ["stable"], artifactUri: "gs://cloud-models/iris/1.0.0/", containerSpec: container },
        serviceAccount: "cloud-serving@demo-project.iam.gserviceaccount.com",
    });
    assert.deepEqual(second.body, {
        parentModel: modelName,
        model: { displayName: "iris", versionDescription: "iris 2.0.0", versionAliases: ["canary"], artifactUri: "gs://cloud-models/iris/2.0.0/", containerSpec: container },
        serviceAccount: "cloud-serving@demo-project.iam.gserviceaccount.com",
    });
    // The larger share first; until canary is deployed, stable holds its share too, so the split always sums to 100.
    assert.deepEqual(deployStable.body, {
        deployedModel: { model: `${modelName}@1`, displayName: "iris 1.0.0", dedicatedResources: resources, serviceAccount: "cloud-serving@demo-project.iam.gserviceaccount.com" },
        trafficSplit: { "0": 100 },
    });
    assert.deepEqual(deployCanary.body, {
        deployedModel: { model: `${modelName}@2`, displayName: "iris 2.0.0", dedicatedResources: resources, serviceAccount: "cloud-serving@demo-project.iam.gserviceaccount.com" },
        trafficSplit: { "7001": 90, "0": 10 },
    });
    assert.deepEqual(fake.endpoints.get("4242")!.trafficSplit, { "7001": 90, "7002": 10 });
    assert.deepEqual(fake.models.get("iris")!.map(v => v.versionAliases), [["default", "stable"], ["canary"]]);
    assert.ok(fake.received.every(r => r.authorization === "Bearer test-token"), "every request carries the token");
    // Operations were polled to the end: one GET per operation.
    assert.equal(fake.received.filter(r => r.method === "GET" && r.path.includes("/operations/")).length, 4);

    assert.equal(result.id, "4242/iris");
    assert.deepEqual(result.outs!.vertexVersions, { "1.0.0": "1", "2.0.0": "2" });
    assert.deepEqual(result.outs!.deployedModels, { "1.0.0": "7001", "2.0.0": "7002" });
    assert.equal("operationTimeoutSeconds" in result.outs!, false);
});

test("a diff of an unchanged config reports no change, and an update with it changes nothing on Vertex", async () => {
    const { outs } = await provider.create!(target());
    const before = fake.received.length;

    // The timeout is not part of the target; key order is not a change either.
    const same = target({ operationTimeoutSeconds: 60, labels: { canary: "2.0.0", stable: "1.0.0" } });
    const diff = await provider.diff!("4242/iris", outs!, same);
    assert.equal(diff.changes, false);
    assert.deepEqual(diff.replaces, []);

    await provider.update!("4242/iris", outs!, same);
    const during = fake.received.slice(before);
    assert.ok(during.length > 0, "the update read Vertex");
    assert.deepEqual(during.filter(r => r.method !== "GET"), [], "and changed nothing");
});

test("another endpoint or model id replaces the deployment, the old one torn down first", async () => {
    const { outs } = await provider.create!(target());
    const diff = await provider.diff!("4242/iris", outs!, target({ endpointId: "4343" }));
    assert.deepEqual([diff.changes, diff.replaces, diff.deleteBeforeReplace], [true, ["endpointId"], true]);
    const labelsOnly = await provider.diff!("4242/iris", outs!, target({ labels: { stable: "2.0.0", canary: "2.0.0" } }));
    assert.deepEqual([labelsOnly.changes, labelsOnly.replaces, labelsOnly.deleteBeforeReplace], [true, [], false]);
});

test("moving canary and the traffic split is one deployModel carrying the new split, then the undeploy of the version it no longer names", async () => {
    const { outs } = await provider.create!(target());
    const before = fake.changes().length;
    const moved = target({
        versions: [...target().versions, { version: "3.0.0", artifactUri: "gs://cloud-models/iris/3.0.0/" }],
        labels: { stable: "1.0.0", canary: "3.0.0" },
        traffic: { stable: 80, canary: 20 },
    });
    assert.equal((await provider.diff!("4242/iris", outs!, moved)).changes, true);

    const result = await provider.update!("4242/iris", outs!, moved);

    const sequence = fake.changes().slice(before);
    assert.deepEqual(sequence.map(r => `${r.method} ${r.path.replace(`${loc}/`, "")}`), [
        "POST models/iris@2:mergeVersionAliases",   // canary leaves 2.0.0 ...
        "POST models:upload",                        // ... and arrives with 3.0.0
        "POST endpoints/4242:deployModel",
        "POST endpoints/4242:undeployModel",
    ]);
    assert.deepEqual(sequence[0].body, { versionAliases: ["-canary"] });
    assert.deepEqual(sequence[1].body.model.versionAliases, ["canary"]);
    assert.deepEqual(sequence[2].body.trafficSplit, { "7001": 80, "0": 20 });
    assert.deepEqual(sequence[3].body, { deployedModelId: "7002" });

    // No moment leaves a version of ours deployed without traffic: the one the new split drops is the next thing undeployed.
    const states = fake.snapshots.slice(-sequence.length);
    const afterDeploy = states[2];
    assert.deepEqual(afterDeploy.split, { "7001": 80, "7003": 20 });
    assert.deepEqual(afterDeploy.deployed.filter(id => !(id in afterDeploy.split)), ["7002"]);
    assert.deepEqual(states[3], { after: `POST ${endpoint}:undeployModel`, deployed: ["7001", "7003"], split: { "7001": 80, "7003": 20 } });
    assert.deepEqual(result.outs!.deployedModels, { "1.0.0": "7001", "3.0.0": "7003" });
    // 2.0.0 stays uploaded (listed in config), without an alias and without a deployment.
    assert.deepEqual(fake.models.get("iris")!.map(v => v.versionAliases), [["default", "stable"], [], ["canary"]]);
});

test("new weights alone are one patch of the endpoint's split", async () => {
    const { outs } = await provider.create!(target());
    const before = fake.changes().length;
    await provider.update!("4242/iris", outs!, target({ traffic: { stable: 50, canary: 50 } }));
    const sequence = fake.changes().slice(before);
    assert.deepEqual(sequence.map(r => [r.method, r.path, r.body]), [
        ["PATCH", `${endpoint}?updateMask=trafficSplit`, { trafficSplit: { "7001": 50, "7002": 50 } }],
    ]);
});

test("new replica counts or metric targets mutate the deployed models in place; a new machine type redeploys", async () => {
    const { outs } = await provider.create!(target());
    let before = fake.changes().length;
    const scaled = { ...target().serving, minReplicaCount: 3, maxReplicaCount: 10, cpuUtilizationTarget: 55 };
    await provider.update!("4242/iris", outs!, target({ serving: scaled }));
    const mutations = fake.changes().slice(before);
    assert.deepEqual(mutations.map(r => r.body), ["7001", "7002"].map(id => ({
        deployedModel: {
            id,
            dedicatedResources: {
                minReplicaCount: 3, maxReplicaCount: 10,
                autoscalingMetricSpecs: [
                    { metricName: "aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle", target: 50 },
                    { metricName: "aiplatform.googleapis.com/prediction/online/cpu/utilization", target: 55 },
                ],
            },
        },
        updateMask: "dedicatedResources.minReplicaCount,dedicatedResources.maxReplicaCount,dedicatedResources.autoscalingMetricSpecs",
    })));
    assert.ok(mutations.every(r => r.path === `${endpoint}:mutateDeployedModel`));

    before = fake.changes().length;
    await provider.update!("4242/iris", outs!, target({ serving: { ...scaled, machineType: "g2-standard-8", acceleratorType: "NVIDIA_L4" } }));
    assert.deepEqual(fake.changes().slice(before).map(r => r.path.split(":").pop()),
        ["deployModel", "deployModel", "undeployModel", "undeployModel"]);
    assert.deepEqual(fake.endpoints.get("4242")!.deployedModels.map(d => d.dedicatedResources.machineSpec.machineType), ["g2-standard-8", "g2-standard-8"]);
});

test("a new serving image uploads every version again and moves the split to them before undeploying the old ones", async () => {
    const { outs } = await provider.create!(target());
    const before = fake.changes().length;
    await provider.update!("4242/iris", outs!, target({ image: "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:1.1" }));
    assert.deepEqual(fake.changes().slice(before).map(r => `${r.method} ${r.path.replace(`${loc}/`, "")}`), [
        "POST models/iris@1:mergeVersionAliases",
        "POST models/iris@2:mergeVersionAliases",
        "POST models:upload",
        "POST models:upload",
        "POST endpoints/4242:deployModel",
        "POST endpoints/4242:deployModel",
        "POST endpoints/4242:undeployModel",
        "POST endpoints/4242:undeployModel",
    ]);
    const versions = fake.models.get("iris")!;
    assert.deepEqual(versions.map(v => [v.upload.model.containerSpec.imageUri.split(":").pop(), v.versionAliases]),
        [["1.0", ["default"]], ["1.0", []], ["1.1", ["stable"]], ["1.1", ["canary"]]]);
    assert.deepEqual(fake.endpoints.get("4242")!.trafficSplit, { "7003": 90, "7004": 10 });
});

test("an operation that never finishes fails after the timeout with a message naming it and what it was doing", async () => {
    fake.neverFinish = r => r.path.endsWith(":deployModel");
    const started = Date.now();
    await assert.rejects(provider.create!(target({ operationTimeoutSeconds: 0.2 })),
        /^Error: Deploying iris 1\.0\.0 to endpoint 4242 did not finish within 0\.2 s: Vertex operation projects\/demo-project\/locations\/europe-west4\/operations\/\d+ is still running/);
    assert.ok(Date.now() - started < 2000, "it gave up at the timeout");
});

test("an operation that ends with an error fails with Vertex's own message", async () => {
    fake.failWith = r => r.path.endsWith(":deployModel")
        ? { code: 8, message: "The following quota metrics exceed quota limits: aiplatform.googleapis.com/custom_model_serving_nvidia_t4_gpus" }
        : undefined;
    await assert.rejects(provider.create!(target()),
        /Deploying iris 1\.0\.0 to endpoint 4242 failed: Vertex operation .*operations\/\d+ ended with error 8: The following quota metrics exceed quota limits: aiplatform\.googleapis\.com\/custom_model_serving_nvidia_t4_gpus/);
});

test("a request Vertex refuses fails with its status and message", async () => {
    fake.refuseWith = r => r.path.endsWith("models:upload")
        ? [403, "PERMISSION_DENIED", "Permission 'aiplatform.models.upload' denied on resource '//aiplatform.googleapis.com/projects/demo-project/locations/europe-west4' (or it may not exist)."]
        : undefined;
    await assert.rejects(provider.create!(target()),
        /^VertexError: Vertex AI refused POST projects\/demo-project\/locations\/europe-west4\/models:upload \(403\): PERMISSION_DENIED: Permission 'aiplatform\.models\.upload' denied/);
});

test("a missing endpoint is named before anything is deployed", async () => {
    fake.endpoints.delete("4242");
    await assert.rejects(provider.create!(target()), /Vertex endpoint projects\/demo-project\/locations\/europe-west4\/endpoints\/4242 does not exist/);
    assert.equal(fake.changes().some(r => r.path.includes("endpoints/")), false);
});

test("a rollout that stopped half way is finished by the next one, without uploading or deploying anything twice", async () => {
    fake.failWith = r => r.path.endsWith(":deployModel") && r.body.trafficSplit["0"] === 10 ? { code: 13, message: "internal" } : undefined;
    await assert.rejects(provider.create!(target()), /ended with error 13: internal/);
    assert.deepEqual(fake.endpoints.get("4242")!.trafficSplit, { "7001": 100 }, "stable was deployed, canary was not");

    fake.failWith = () => undefined;
    const before = fake.changes().length;
    const result = await provider.create!(target());
    assert.deepEqual(fake.changes().slice(before).map(r => [r.path.split(":").pop(), r.body.trafficSplit]), [["deployModel", { "7001": 90, "0": 10 }]]);
    assert.equal(fake.models.get("iris")!.length, 2);
    assert.deepEqual(fake.endpoints.get("4242")!.trafficSplit, { "7001": 90, "7002": 10 });
    assert.deepEqual(result.outs!.deployedModels, { "1.0.0": "7001", "2.0.0": "7002" });
});

test("deleting takes the split off the endpoint, undeploys every version and deletes the Vertex model", async () => {
    const { outs } = await provider.create!(target());
    const before = fake.changes().length;
    await provider.delete!("4242/iris", outs!);
    assert.deepEqual(fake.changes().slice(before).map(r => [r.method, r.path.replace(`${loc}/`, ""), r.body]), [
        ["PATCH", "endpoints/4242?updateMask=trafficSplit", { trafficSplit: {} }],
        ["POST", "endpoints/4242:undeployModel", { deployedModelId: "7001" }],
        ["POST", "endpoints/4242:undeployModel", { deployedModelId: "7002" }],
        ["DELETE", "models/iris", undefined],
    ]);
    assert.deepEqual(fake.endpoints.get("4242")!.deployedModels, []);
    assert.equal(fake.models.has("iris"), false);
    // Deleting what is already gone is not an error.
    await provider.delete!("4242/iris", outs!);
});
