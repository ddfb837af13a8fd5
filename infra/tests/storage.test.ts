import assert from "node:assert/strict";
import { test } from "node:test";
import { deployWith } from "./deploy";

test("the storage account allows no public blob access, no shared keys, HTTPS only, TLS 1.2 or later", async () => {
    const { mocks } = await deployWith();
    const account = mocks.one("azure-native:storage:StorageAccount").inputs;
    assert.equal(account.allowBlobPublicAccess, false);
    assert.equal(account.allowSharedKeyAccess, false);
    assert.equal(account.enableHttpsTrafficOnly, true);
    assert.equal(account.minimumTlsVersion, "TLS1_2");
    assert.equal(account.location, "swedencentral");
});

test("the containers and tables are the app's StorageOptions defaults, and no container is public", async () => {
    const { mocks } = await deployWith();
    const containers = mocks.ofType("azure-native:storage:BlobContainer").map(c => c.inputs);
    assert.deepEqual(containers.map(c => c.containerName).sort(),
        ["app-package", "azure-webjobs-hosts", "azure-webjobs-secrets", "jobs", "models", "models-registered"]);
    for (const c of containers) {
        assert.equal(c.publicAccess, "None", `container ${c.containerName}`);
    }
    assert.deepEqual(mocks.ofType("azure-native:storage:Table").map(t => t.inputs.tableName).sort(), ["Jobs", "ModelRegistry"]);
});
