import assert from "node:assert/strict";
import { test } from "node:test";
import { deployWith } from "./deploy";

test("the jobs queue dead-letters expired messages, detects duplicates and keeps the runner's defaults", async () => {
    const { mocks } = await deployWith();
    const queue = mocks.one("azure-native:servicebus:Queue").inputs;
    assert.equal(queue.queueName, "jobs");
    assert.equal(queue.maxDeliveryCount, 5);
    assert.equal(queue.lockDuration, "PT1M");
    assert.equal(queue.deadLetteringOnMessageExpiration, true);
    assert.equal(queue.requiresDuplicateDetection, true);
    // Longer than the runner's longest retry wait (10 s x 32 = 320 s).
    assert.equal(queue.duplicateDetectionHistoryTimeWindow, "PT10M");
    assert.equal(queue.defaultMessageTimeToLive, "P14D");
});

test("the queue's delivery count and lock follow config, and the app and worker are told the same values", async () => {
    const { mocks } = await deployWith({ queue: { maxDeliveryCount: 8, lockDurationSeconds: 300, duplicateDetectionWindowMinutes: 90 } });
    const queue = mocks.one("azure-native:servicebus:Queue").inputs;
    assert.equal(queue.maxDeliveryCount, 8);
    assert.equal(queue.lockDuration, "PT5M");
    assert.equal(queue.duplicateDetectionHistoryTimeWindow, "PT1H30M");

    const app = mocks.one("azure-native:web:WebApp").inputs;
    const appSettings = Object.fromEntries(app.siteConfig.appSettings.map((s: any) => [s.name, s.value]));
    const job = mocks.one("azure-native:app:Job").inputs;
    const env = Object.fromEntries(job.template.containers[0].env.map((e: any) => [e.name, e.value]));
    for (const settings of [appSettings, env]) {
        assert.equal(settings.Cloud__Jobs__MaxDeliveryCount, "8");
        assert.equal(settings.Cloud__Jobs__LockDuration, "00:05:00");
    }
});

test("the namespace is Standard (duplicate detection, scheduled messages) and takes Entra ID only", async () => {
    const { mocks } = await deployWith();
    const namespace = mocks.one("azure-native:servicebus:Namespace").inputs;
    assert.deepEqual(namespace.sku, { name: "Standard", tier: "Standard" });
    assert.equal(namespace.disableLocalAuth, true);
});
