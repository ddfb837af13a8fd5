import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readSettings } from "../config";
import { deployGcpWith } from "./deployGcp";

function readGcp(gcp: Record<string, unknown>) {
    pulumi.runtime.setAllConfig({ "cloud:targets": "gcp", "cloud:gcp": JSON.stringify({ project: "demo-project", region: "europe-west4", ...gcp }) });
    return readSettings(new pulumi.Config("cloud")).gcp!;
}

/** A file as `GET /api/models/iris` answers it (docs/api.md): labels as records, policy.traffic, versions with status. */
function apiFile(body: unknown): string {
    const path = join(mkdtempSync(join(tmpdir(), "cloud-infra-")), "iris.json");
    writeFileSync(path, JSON.stringify(body));
    return path;
}

const irisDetail = {
    name: "iris",
    versions: [
        { model: "iris", version: "1.0.0", status: "validated" },
        { model: "iris", version: "2.0.0", status: "registered" },
        { model: "iris", version: "0.9.0", status: "retired" },
    ],
    labels: [
        { model: "iris", label: "stable", version: "1.0.0", updatedAt: "2026-11-30T10:00:00Z", eTag: "a" },
        { model: "iris", label: "canary", version: "2.0.0", updatedAt: "2026-12-01T10:00:00Z", eTag: "b" },
    ],
    policy: { model: "iris", traffic: { stable: 75, canary: 25 }, requireValidation: false, eTag: "c" },
    routing: null,
};

test("GCP defaults: a CPU machine, 1 to 2 replicas at 60 % CPU, folders under the local store, and stable takes all traffic when no split is named", () => {
    const gcp = readGcp({ models: { iris: { labels: { stable: "1.0.0" }, versions: ["0.9.0"] } } });
    assert.deepEqual(gcp.serving, { machineType: "n1-standard-4", acceleratorCount: 0, minReplicaCount: 1, maxReplicaCount: 2, cpuUtilizationTarget: 60 });
    assert.equal(gcp.operationTimeoutMinutes, 45);
    assert.equal(gcp.image, undefined);
    assert.deepEqual(gcp.deployers, []);
    assert.deepEqual(gcp.models.iris, {
        versions: ["1.0.0", "0.9.0"],
        labels: { stable: "1.0.0" },
        traffic: { stable: 100 },
        folders: { "1.0.0": "../.cloud/models/iris/1.0.0", "0.9.0": "../.cloud/models/iris/0.9.0" },
        serving: gcp.serving,
    });
});

test("a model's versions, labels and traffic are read from the file GET /api/models/{m} writes", () => {
    const gcp = readGcp({ models: { iris: { from: apiFile(irisDetail) } } });
    assert.deepEqual(gcp.models.iris.versions, ["1.0.0", "2.0.0"]);
    assert.deepEqual(gcp.models.iris.labels, { stable: "1.0.0", canary: "2.0.0" });
    assert.deepEqual(gcp.models.iris.traffic, { stable: 75, canary: 25 });
    // GET /api/models lists labels as a map; that form is read too. An empty policy means "stable takes all".
    const summary = readGcp({ models: { iris: { from: apiFile({ name: "iris", labels: { stable: "1.0.0" }, policy: { traffic: {} } }) } } });
    assert.deepEqual([summary.models.iris.labels, summary.models.iris.traffic], [{ stable: "1.0.0" }, { stable: 100 }]);
});

test("a models file that names a version that cannot serve, another model, or is not JSON is refused with the key", () => {
    const retired = { ...irisDetail, labels: [{ label: "stable", version: "0.9.0" }], policy: { traffic: {} } };
    assert.throws(() => readGcp({ models: { iris: { from: apiFile(retired) } } }),
        /cloud:gcp.models.iris.from \(.*iris.json\): label 'stable' names iris 0.9.0, which is retired; only a servable version can be deployed/);
    assert.throws(() => readGcp({ models: { wine: { from: apiFile(irisDetail) } } }), /describes model 'iris', not 'wine'/);
    const html = join(mkdtempSync(join(tmpdir(), "cloud-infra-")), "iris.json");
    writeFileSync(html, "<html>401</html>");
    assert.throws(() => readGcp({ models: { iris: { from: html } } }), /cloud:gcp.models.iris.from \(.*iris.json\) is not JSON/);
    assert.throws(() => readGcp({ models: { iris: { from: "/nonexistent/iris.json" } } }), /cloud:gcp.models.iris.from names '\/nonexistent\/iris.json', which cannot be read/);
    assert.throws(() => readGcp({ models: { iris: { from: apiFile(irisDetail), labels: { stable: "1" } } } }), /either from its file \(from\) or inline, not both/);
});

test("GCP config that Vertex would refuse is refused with the key that holds it", () => {
    const model = (extra: object) => ({ models: { iris: { labels: { stable: "1" }, ...extra } } });
    assert.throws(() => readGcp({ project: "Demo" }), /cloud:gcp.project must be a Google Cloud project id/);
    assert.throws(() => readGcp({ region: "" }), /cloud:gcp.region must name a Vertex AI region/);
    assert.throws(() => readGcp({ models: { iris: { labels: { Stable: "1" } } } }), /cloud:gcp.models.iris.labels.Stable: a label is a Vertex version alias/);
    assert.throws(() => readGcp({ models: { iris: { labels: { default: "1" } } } }), /may not be 'default' \(Vertex manages it\)/);
    assert.throws(() => readGcp(model({ traffic: { stable: 90, canary: 10 } })), /cloud:gcp.models.iris.traffic names label 'canary', which gcp.models.iris.labels does not define/);
    assert.throws(() => readGcp(model({ traffic: { stable: 90 } })), /cloud:gcp.models.iris.traffic weights must sum to 100; these sum to 90/);
    assert.throws(() => readGcp({ models: { iris: { labels: { canary: "2" } } } }), /no traffic split and no 'stable' label/);
    assert.throws(() => readGcp({ serving: { acceleratorCount: 1 } }), /acceleratorType and acceleratorCount go together/);
    assert.throws(() => readGcp({ serving: { acceleratorType: "nvidia-t4" } }), /acceleratorType must be a Vertex accelerator type/);
    assert.throws(() => readGcp({ serving: { minReplicaCount: 3, maxReplicaCount: 2 } }), /cloud:gcp.serving.maxReplicaCount \(2\) cannot be less than minReplicaCount \(3\)/);
    assert.throws(() => readGcp({ serving: { minReplicaCount: 0 } }), /cloud:gcp.serving.minReplicaCount must be a whole number from 1 to 1000/);
    assert.throws(() => readGcp({ serving: { acceleratorDutyCycleTarget: 50 } }), /acceleratorDutyCycleTarget needs an accelerator/);
    assert.throws(() => readGcp(model({ serving: { cpuUtilizationTarget: 101 } })), /cloud:gcp.models.iris.serving.cpuUtilizationTarget must be a whole number from 1 to 100/);
    assert.throws(() => readGcp({ deployers: ["me@example.com"] }), /cloud:gcp.deployers must be a list of IAM members/);
});

test("a version whose model folder is missing, or is not a model folder, stops the program with the key that names it", async () => {
    await assert.rejects(deployGcpWith({ models: { iris: { labels: { stable: "1" }, folders: { "1": "/nonexistent/iris" } } } }),
        /cloud:gcp.models.iris.folders.1: iris 1's model folder '\/nonexistent\/iris' does not exist/);
    const empty = mkdtempSync(join(tmpdir(), "cloud-infra-"));
    await assert.rejects(deployGcpWith({ models: { iris: { labels: { stable: "1" }, folders: { "1": empty } } } }), /has no model.json, so it is not a model folder/);
});
