import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readSettings } from "../config";

function read(config: Record<string, unknown>) {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`cloud:${k}`, typeof v === "string" ? v : JSON.stringify(v)])));
    return readSettings(new pulumi.Config("cloud"));
}

test("defaults: Azure only, GPU jobs, a first deployment without the Event Grid subscription", () => {
    const settings = read({ azure: { location: "swedencentral" } });
    assert.deepEqual(settings.targets, ["azure"]);
    assert.equal(settings.namePrefix, "cloud");
    assert.equal(settings.adminKey, undefined);
    assert.deepEqual(settings.azure?.functions, {
        maximumInstanceCount: 40, instanceMemoryMB: 2048, alwaysReadyHttp: 0, httpPerInstanceConcurrency: 16, runtimeVersion: "10.0",
    });
    assert.deepEqual(settings.azure?.queue, {
        maxDeliveryCount: 5, lockDurationSeconds: 60, duplicateDetectionWindowMinutes: 10, messageTimeToLiveDays: 14,
    });
    assert.equal(settings.azure?.jobs.gpu, true);
    assert.equal(settings.azure?.jobs.gpuProfileType, "Consumption-GPU-NC8as-T4");
    assert.equal(settings.azure?.blobTriggerSubscription, false);
});

test("targets: both selects Azure and GCP, each read from its own config", () => {
    const both = read({ targets: "both", azure: { location: "swedencentral" }, gcp: { project: "demo-project", region: "europe-west4" } });
    assert.deepEqual(both.targets, ["azure", "gcp"]);
    assert.equal(both.azure?.location, "swedencentral");
    assert.equal(both.gcp?.project, "demo-project");
    const gcpOnly = read({ targets: "gcp", gcp: { project: "demo-project", region: "europe-west4" } });
    assert.equal(gcpOnly.azure, undefined);
    assert.equal(gcpOnly.gcp?.region, "europe-west4");
    assert.equal(read({ azure: { location: "swedencentral" } }).gcp, undefined, "azure alone reads no GCP config");
    assert.throws(() => read({ targets: "aws" }), /cloud:targets must be 'azure', 'gcp' or 'both'; got 'aws'/);
});

test("config that Azure would refuse, or that breaks the runner's rules, is refused with the key that holds it", () => {
    const azure = (extra: object) => ({ azure: { location: "swedencentral", ...extra } });
    assert.throws(() => read({ azure: {} }), /cloud:azure.location/);
    assert.throws(() => read(azure({ functions: { instanceMemoryMB: 1024 } })), /instanceMemoryMB must be one of 512, 2048, 4096; got 1024/);
    assert.throws(() => read(azure({ functions: { maximumInstanceCount: 1001 } })), /maximumInstanceCount must be a whole number from 1 to 1000/);
    assert.throws(() => read(azure({ functions: { maximumInstanceCount: 2, alwaysReadyHttp: 3 } })), /alwaysReadyHttp \(3\) cannot exceed maximumInstanceCount \(2\)/);
    assert.throws(() => read(azure({ queue: { lockDurationSeconds: 301 } })), /lockDurationSeconds must be a whole number from 10 to 300/);
    assert.throws(() => read(azure({ queue: { duplicateDetectionWindowMinutes: 5 } })), /longer than the runner's longest retry wait \(320 s\)/);
    assert.throws(() => read(azure({ jobs: { gpuProfileType: "Dedicated-D4" } })), /gpuProfileType must be one of/);
    assert.throws(() => read(azure({ jobs: { gpu: false, memory: "4GB" } })), /cloud:azure.jobs.cpu must be a positive number of cores and memory a size such as '4Gi'/);
    assert.throws(() => read({ ...azure({}), namePrefix: "Cloud-1" }), /cloud:namePrefix/);
    assert.throws(() => read(azure({ models: { iris: { labels: { stable: "1" }, traffic: { stable: 60, canary: 30 } } } })),
        /cloud:azure.models.iris.traffic weights must sum to 100; these sum to 90/);
    assert.throws(() => read(azure({ models: { iris: { labels: { stable: "1" }, traffic: { stable: 100.5 } } } })),
        /cloud:azure.models.iris.traffic.stable must be a whole number from 0 to 100/);
});

test("a secret admin key from config is used as it is", async () => {
    pulumi.runtime.setAllConfig({ "cloud:azure": JSON.stringify({ location: "x" }), "cloud:adminKey": "from-config" }, ["cloud:adminKey"]);
    const key = readSettings(new pulumi.Config("cloud")).adminKey!;
    assert.equal(await new Promise(resolve => key.apply(resolve)), "from-config");
    assert.equal(await pulumi.isSecret(key), true);
});
