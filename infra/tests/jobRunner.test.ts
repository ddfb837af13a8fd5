import assert from "node:assert/strict";
import { test } from "node:test";
import { deployWith } from "./deploy";
import { unwrapSecret } from "./mocks";

const envOf = (job: any) => Object.fromEntries(job.template.containers[0].env.map((e: any) => [e.name, e.value]));

test("with GPU on, the environment has the serverless GPU profile and the job runs on it with CUDA", async () => {
    const { mocks } = await deployWith({ jobs: { gpu: true, gpuProfileType: "Consumption-GPU-NC24-A100" } });
    const environment = mocks.one("azure-native:app:ManagedEnvironment").inputs;
    assert.deepEqual(environment.workloadProfiles, [
        { name: "Consumption", workloadProfileType: "Consumption" },
        { name: "gpu", workloadProfileType: "Consumption-GPU-NC24-A100" },
    ]);
    const job = mocks.one("azure-native:app:Job").inputs;
    assert.equal(job.workloadProfileName, "gpu");
    assert.equal(envOf(job).Cloud__Cache__ExecutionProvider, "cuda");
});

test("with GPU off, there is no GPU profile and the job runs CPU-only on Consumption", async () => {
    const { mocks } = await deployWith({ jobs: { gpu: false } });
    const environment = mocks.one("azure-native:app:ManagedEnvironment").inputs;
    assert.deepEqual(environment.workloadProfiles, [{ name: "Consumption", workloadProfileType: "Consumption" }]);
    const job = mocks.one("azure-native:app:Job").inputs;
    assert.equal(job.workloadProfileName, "Consumption");
    assert.equal(envOf(job).Cloud__Cache__ExecutionProvider, "cpu");
    assert.deepEqual(job.template.containers[0].resources, { cpu: 2, memory: "4Gi" });
});

test("the job is started by the queue's length and runs the worker until the queue is empty", async () => {
    const { mocks } = await deployWith({ jobs: { maxExecutions: 6, messagesPerExecution: 3, pollingIntervalSeconds: 15, replicaTimeoutSeconds: 7200 } });
    const job = mocks.one("azure-native:app:Job").inputs;
    const scaler = "/mock/azure-native:managedidentity:UserAssignedIdentity/cloud-jobs-scaler";
    assert.equal(job.configuration.triggerType, "Event");
    assert.equal(job.configuration.replicaTimeout, 7200);
    assert.equal(job.configuration.replicaRetryLimit, 0);
    assert.deepEqual(job.configuration.eventTriggerConfig, {
        parallelism: 1,
        replicaCompletionCount: 1,
        scale: {
            minExecutions: 0,
            maxExecutions: 6,
            pollingInterval: 15,
            rules: [{
                name: "jobs-queue-length",
                type: "azure-servicebus",
                metadata: { namespace: "cloud-bus", queueName: "jobs", messageCount: "3" },
                identity: scaler,
            }],
        },
    });
    // The scaler's identity is the platform's only; the worker's code runs as the system identity.
    assert.deepEqual(job.configuration.identitySettings, [
        { identity: scaler, lifecycle: "None" },
        { identity: "system", lifecycle: "All" },
    ]);
    assert.deepEqual(job.identity, { type: "SystemAssigned,UserAssigned", userAssignedIdentities: [scaler] });
    assert.deepEqual(job.configuration.registries, [{ server: "cloudacr.azurecr.io", identity: "system" }]);

    const container = job.template.containers[0];
    assert.equal(container.image, "cloudacr.azurecr.io/cloud-host:latest");
    assert.deepEqual(container.args, ["worker", "--until-empty"]);
    assert.deepEqual(envOf(job), {
        Cloud__Storage__BlobServiceUri: "https://cloudst.blob.core.windows.net",
        Cloud__Storage__TableServiceUri: "https://cloudst.table.core.windows.net",
        Cloud__Jobs__Backend: "servicebus",
        Cloud__Jobs__FullyQualifiedNamespace: "cloud-bus.servicebus.windows.net",
        Cloud__Jobs__QueueName: "jobs",
        Cloud__Jobs__MaxDeliveryCount: "5",
        Cloud__Jobs__LockDuration: "00:01:00",
        Cloud__Jobs__JobTimeout: "01:55:00",
        Cloud__Cache__ExecutionProvider: "cuda",
        APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=insights",
    });
});

test("the registry has no admin user, and an image from config replaces the default", async () => {
    const { mocks } = await deployWith({ jobs: { image: "example.azurecr.io/cloud-host:1.2.3" } });
    assert.equal(mocks.one("azure-native:containerregistry:Registry").inputs.adminUserEnabled, false);
    assert.equal(mocks.one("azure-native:app:Job").inputs.template.containers[0].image, "example.azurecr.io/cloud-host:1.2.3");
});

test("the job environment and the app write to one Log Analytics workspace", async () => {
    const { mocks } = await deployWith();
    const environment = mocks.one("azure-native:app:ManagedEnvironment").inputs;
    // The workspace's shared key makes the whole setting secret in the stack's state.
    assert.deepEqual(unwrapSecret(environment.appLogsConfiguration), {
        destination: "log-analytics",
        logAnalyticsConfiguration: { customerId: "workspace-customer", sharedKey: "workspace-key" },
    });
    const insights = mocks.one("azure-native:applicationinsights:Component").inputs;
    assert.equal(insights.workspaceResourceId, "/mock/azure-native:operationalinsights:Workspace/cloud-logs");
});
