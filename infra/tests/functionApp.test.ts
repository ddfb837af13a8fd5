import assert from "node:assert/strict";
import { test } from "node:test";
import { deployWith } from "./deploy";

const scale = { maximumInstanceCount: 120, instanceMemoryMB: 4096, alwaysReadyHttp: 2, httpPerInstanceConcurrency: 24 };

test("the Function App's scale settings equal config", async () => {
    const { mocks } = await deployWith({ functions: scale });
    const config = mocks.one("azure-native:web:WebApp").inputs.functionAppConfig;
    assert.deepEqual(config.scaleAndConcurrency, {
        maximumInstanceCount: 120,
        instanceMemoryMB: 4096,
        alwaysReady: [{ name: "http", instanceCount: 2 }],
        triggers: { http: { perInstanceConcurrency: 24 } },
    });
});

test("without always-ready instances the app scales from zero", async () => {
    const { mocks } = await deployWith({ functions: { ...scale, alwaysReadyHttp: 0 } });
    assert.deepEqual(mocks.one("azure-native:web:WebApp").inputs.functionAppConfig.scaleAndConcurrency.alwaysReady, []);
});

test("the app is .NET isolated on a Flex Consumption plan and deploys from its container by its own identity", async () => {
    const { mocks } = await deployWith();
    const plan = mocks.one("azure-native:web:AppServicePlan").inputs;
    assert.deepEqual(plan.sku, { name: "FC1", tier: "FlexConsumption" });
    assert.equal(plan.reserved, true);

    const app = mocks.one("azure-native:web:WebApp").inputs;
    assert.equal(app.kind, "functionapp,linux");
    assert.equal(app.serverFarmId, "/mock/azure-native:web:AppServicePlan/cloud-plan");
    assert.equal(app.httpsOnly, true);
    assert.deepEqual(app.identity, { type: "SystemAssigned" });
    assert.deepEqual(app.functionAppConfig.runtime, { name: "dotnet-isolated", version: "10.0" });
    assert.deepEqual(app.functionAppConfig.deployment, {
        storage: {
            type: "blobContainer",
            value: "https://cloudst.blob.core.windows.net/app-package",
            authentication: { type: "SystemAssignedIdentity" },
        },
    });
    // Defaults when config says nothing (docs/functions.md's instance size for the cache budget).
    assert.equal(app.functionAppConfig.scaleAndConcurrency.maximumInstanceCount, 40);
    assert.equal(app.functionAppConfig.scaleAndConcurrency.instanceMemoryMB, 2048);
});

test("the app settings are docs/functions.md's, identity-based, with no storage or Service Bus secret", async () => {
    const { mocks } = await deployWith();
    const settings = mocks.one("azure-native:web:WebApp").inputs.siteConfig.appSettings;
    assert.deepEqual(Object.fromEntries(settings.map((s: any) => [s.name, s.value])), {
        AzureWebJobsStorage__accountName: "cloudst",
        ModelStore__blobServiceUri: "https://cloudst.blob.core.windows.net",
        ModelStore__queueServiceUri: "https://cloudst.queue.core.windows.net",
        ModelStore__credential: "managedidentity",
        Cloud__Storage__BlobServiceUri: "https://cloudst.blob.core.windows.net",
        Cloud__Storage__TableServiceUri: "https://cloudst.table.core.windows.net",
        Cloud__Jobs__Backend: "servicebus",
        Cloud__Jobs__FullyQualifiedNamespace: "cloud-bus.servicebus.windows.net",
        Cloud__Jobs__QueueName: "jobs",
        Cloud__Jobs__MaxDeliveryCount: "5",
        Cloud__Jobs__LockDuration: "00:01:00",
        Cloud__Management__AdminKey: "admin-secret",
        APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=insights",
    });
});
