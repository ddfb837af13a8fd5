import assert from "node:assert/strict";
import { test } from "node:test";
import { deployWith } from "./deploy";
import { Declared, subscriptionId } from "./mocks";

// Built-in role ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles), written out here on purpose.
const role = {
    blobContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    blobReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    queueContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    tableContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    busSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    busReceiver: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    busOwner: "090c5cfd-751d-490a-894a-3ce6f1109419",
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
};
const container = (name: string) => `/mock/azure-native:storage:BlobContainer/cloud-${name}`;
const table = (name: string) => `/mock/azure-native:storage:Table/cloud-${name}`;
const queue = "/mock/azure-native:servicebus:Queue/cloud-jobs-queue";
const account = "/mock/azure-native:storage:StorageAccount/cloudst";
const registry = "/mock/azure-native:containerregistry:Registry/cloudacr";

function grantsOf(assignments: Declared[], principalId: string): string[] {
    return assignments
        .filter(a => a.inputs.principalId === principalId)
        .map(a => `${a.inputs.roleDefinitionId.split("/").pop()} on ${a.inputs.scope}`)
        .sort();
}

test("the Function App's identity holds exactly the data roles it uses, each on its own container, table or queue", async () => {
    const { mocks } = await deployWith();
    const assignments = mocks.ofType("azure-native:authorization:RoleAssignment");
    assert.deepEqual(grantsOf(assignments, "cloud-app-principal"), [
        `${role.blobContributor} on ${container("app-package")}`,
        `${role.blobContributor} on ${container("azure-webjobs-hosts")}`,
        `${role.blobContributor} on ${container("azure-webjobs-secrets")}`,
        `${role.blobContributor} on ${container("jobs")}`,
        `${role.blobContributor} on ${container("models")}`,
        `${role.blobContributor} on ${container("models-registered")}`,
        `${role.tableContributor} on ${table("Jobs")}`,
        `${role.tableContributor} on ${table("ModelRegistry")}`,
        `${role.busSender} on ${queue}`,
        `${role.queueContributor} on ${account}`,
    ].sort());
});

test("the job's identity receives and sends on the queue, reads registered copies and pulls its image; nothing more", async () => {
    const { mocks } = await deployWith();
    const assignments = mocks.ofType("azure-native:authorization:RoleAssignment");
    assert.deepEqual(grantsOf(assignments, "cloud-worker-principal"), [
        `${role.blobContributor} on ${container("jobs")}`,
        `${role.blobContributor} on ${container("models")}`,
        `${role.blobReader} on ${container("models-registered")}`,
        `${role.tableContributor} on ${table("Jobs")}`,
        `${role.tableContributor} on ${table("ModelRegistry")}`,
        `${role.busReceiver} on ${queue}`,
        `${role.busSender} on ${queue}`,
        `${role.acrPull} on ${registry}`,
    ].sort());
    // The Manage right KEDA needs sits on the scaler's identity alone, on the queue alone.
    assert.deepEqual(grantsOf(assignments, "cloud-jobs-scaler-principal"), [`${role.busOwner} on ${queue}`]);
});

test("no assignment is broader than one resource, and each says why and who", async () => {
    const { mocks } = await deployWith({ uploaders: ["11111111-2222-3333-4444-555555555555", { principalId: "group-1", principalType: "Group" }] });
    const assignments = mocks.ofType("azure-native:authorization:RoleAssignment");
    assert.equal(assignments.length, 10 + 9 + 2);
    for (const a of assignments) {
        assert.match(a.inputs.scope, /^\/mock\/azure-native:(storage|servicebus|containerregistry):/, `${a.name} is scoped to ${a.inputs.scope}`);
        assert.ok(a.inputs.description.length > 20, `${a.name} has a reason`);
        assert.ok(a.inputs.roleDefinitionId.startsWith(`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/`));
    }
    const uploaders = assignments.filter(a => ["11111111-2222-3333-4444-555555555555", "group-1"].includes(a.inputs.principalId));
    assert.deepEqual(uploaders.map(a => [a.inputs.principalType, a.inputs.roleDefinitionId.split("/").pop(), a.inputs.scope]),
        [["User", role.blobContributor, container("models")], ["Group", role.blobContributor, container("models")]]);
    assert.ok(assignments.filter(a => !uploaders.includes(a)).every(a => a.inputs.principalType === "ServicePrincipal"));
});
