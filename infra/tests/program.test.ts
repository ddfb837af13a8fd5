import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { irisFolder } from "./deployGcp";
import { mockEndpointId, settle, unwrapSecret, useMocks, valueOf } from "./mocks";

/** Loads index.ts afresh, as `pulumi up` does, with the given stack config. */
function loadProgram() {
    const path = require.resolve("../index");
    delete require.cache[path];
    return require(path);
}

test("targets: both builds Azure and GCP in one program, with each cloud's outputs", async () => {
    const mocks = await useMocks({
        "cloud:targets": "both",
        "cloud:azure": JSON.stringify({ location: "swedencentral" }),
        "cloud:gcp": JSON.stringify({ project: "demo-project", region: "europe-west4", models: { iris: { labels: { stable: "1" }, folders: { "1": irisFolder } } } }),
    });
    const program = loadProgram();
    await settle(program);
    assert.equal((await valueOf(program.azure) as Record<string, string>).storageAccount, "cloudst");
    const gcp = await valueOf(program.gcp) as Record<string, any>;
    const endpoint = `projects/demo-project/locations/europe-west4/endpoints/${mockEndpointId("cloud-iris-endpoint-id")}`;
    assert.deepEqual(gcp.endpoints, { iris: endpoint });
    assert.deepEqual(gcp.predictUrls, { iris: `https://europe-west4-aiplatform.googleapis.com/v1/${endpoint}:predict` });
    assert.equal(gcp.bucket, "cloud-demo-project-models");
    assert.equal(gcp.image, "europe-west4-docker.pkg.dev/demo-project/cloud/cloud-host:latest");
    assert.equal(gcp.servingAccount, "cloud-serving@demo-project.iam.gserviceaccount.com");
    assert.equal(gcp.deployerAccount, "cloud-deployer@demo-project.iam.gserviceaccount.com");
    assert.equal(mocks.ofType("azure-native:web:WebApp").length, 1);
    assert.equal(mocks.ofType("gcp:vertex/aiEndpoint:AiEndpoint").length, 1);
});

test("targets: azure declares nothing on GCP, and exports no GCP outputs", async () => {
    const mocks = await useMocks({ "cloud:azure": JSON.stringify({ location: "swedencentral" }) });
    const program = loadProgram();
    await settle(program);
    assert.equal(program.gcp, undefined);
    assert.deepEqual(mocks.declared.filter(d => d.type.startsWith("gcp:")), []);
});

test("the program's outputs: the prediction URL, names, and the commands to deploy, upload and call", async () => {
    const mocks = await useMocks({ "cloud:azure": JSON.stringify({ location: "swedencentral" }) });
    const program = loadProgram();
    await settle(program);
    const azure = await valueOf(program.azure) as Record<string, string>;
    assert.equal(azure.predictionBaseUrl, "https://cloud-app.azurewebsites.net");
    assert.equal(azure.storageAccount, "cloudst");
    assert.equal(azure.modelsContainer, "models");
    assert.equal(azure.jobsQueue, "jobs");
    assert.equal(azure.serviceBusNamespace, "cloud-bus");
    assert.equal(azure.uploadCommand,
        "az storage blob upload-batch --auth-mode login --account-name cloudst -d models --destination-path iris/1.0.0 -s ../samples/models/iris");
    assert.equal(azure.deployCommand,
        "dotnet publish ../functions/Cloud.Functions -c Release -r linux-x64 --self-contained false && " +
        "az functionapp deployment source config-zip -g cloud-rg -n cloud-app --src ../artifacts/cloud-functions.zip");
    assert.match(azure.predictCommand, /^curl -X POST "https:\/\/cloud-app.azurewebsites.net\/v1\/models\/iris:predict" -H "x-functions-key: \$\(az functionapp function keys list -g cloud-rg -n cloud-app --function-name TfServing --query default -o tsv\)"/);
    // No cloud:adminKey: one is generated, and it is secret.
    const password = mocks.one("random:index/randomPassword:RandomPassword").inputs;
    assert.equal(password.length, 48);
    assert.equal(await pulumi.isSecret(program.managementAdminKey), true);
    assert.equal(await valueOf(program.managementAdminKey), "generated-admin-key");
    const app = mocks.one("azure-native:web:WebApp").inputs;
    // The admin key makes the app's settings secret in the stack's state.
    const settings = unwrapSecret(app.siteConfig).appSettings;
    assert.equal(settings.find((s: any) => s.name === "Cloud__Management__AdminKey").value, "generated-admin-key");
});
