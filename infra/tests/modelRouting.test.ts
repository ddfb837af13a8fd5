import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { ModelRoutingInputs, routingProvider } from "../azure/modelRouting";
import { deployWith } from "./deploy";
import { unwrapSecret } from "./mocks";

interface Sent { method: string; url: string; headers: Record<string, string>; body?: unknown }

const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; });

/** Replaces fetch with one that records each request and answers from `answer` (200 when it returns nothing). */
function recordRequests(answer: (sent: Sent) => Response | undefined = () => undefined): Sent[] {
    const sent: Sent[] = [];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
        const request = { method: init.method!, url, headers: init.headers as Record<string, string>, body: init.body === undefined ? undefined : JSON.parse(init.body as string) };
        sent.push(request);
        return answer(request) ?? new Response("{}", { status: 200 });
    }) as typeof fetch;
    return sent;
}

const inputs: ModelRoutingInputs = {
    baseUrl: "https://app.azurewebsites.net", model: "iris", functionKey: "fk", adminKey: "ak",
    labels: { stable: "1", canary: "2" }, traffic: { stable: 90, canary: 10 }, requireValidation: true,
};

test("creating a model's routing sets its labels, then its split, with both keys", async () => {
    const sent = recordRequests();
    const result = await routingProvider.create!(inputs);
    assert.deepEqual(sent.map(s => [s.method, s.url, s.body]), [
        ["PUT", "https://app.azurewebsites.net/api/models/iris/labels/stable", { version: "1" }],
        ["PUT", "https://app.azurewebsites.net/api/models/iris/labels/canary", { version: "2" }],
        ["PUT", "https://app.azurewebsites.net/api/models/iris/policy", { traffic: { stable: 90, canary: 10 }, requireValidation: true }],
    ]);
    for (const s of sent) {
        assert.equal(s.headers["x-functions-key"], "fk");
        assert.equal(s.headers["X-Cloud-Admin-Key"], "ak");
    }
    assert.equal(result.id, "iris");
    assert.equal("adminKey" in result.outs!, false, "the keys are not outputs");
});

test("an update removes the labels config no longer names, after the split has stopped using them", async () => {
    const sent = recordRequests();
    const news = { ...inputs, labels: { stable: "2" }, traffic: { stable: 100 } };
    await routingProvider.update!("iris", { baseUrl: inputs.baseUrl, model: "iris", labels: { stable: "1", canary: "2" } }, news);
    assert.deepEqual(sent.map(s => `${s.method} ${s.url.replace("https://app.azurewebsites.net/api/models/iris/", "")}`),
        ["PUT labels/stable", "PUT policy", "DELETE labels/canary"]);
});

test("labels alone leave the model's policy untouched", async () => {
    const sent = recordRequests();
    await routingProvider.create!({ ...inputs, traffic: undefined, requireValidation: undefined });
    assert.deepEqual(sent.map(s => s.url.split("/").slice(-2).join("/")), ["labels/stable", "labels/canary"]);
});

test("a refusal stops with the management API's own message", async () => {
    recordRequests(s => s.url.endsWith("/policy")
        ? new Response('{"error":"iris 2 is rejected; only a servable version can take traffic."}', { status: 409 })
        : undefined);
    await assert.rejects(routingProvider.create!(inputs), /PUT \/api\/models\/iris\/policy answered 409: .*only a servable version can take traffic/);
});

test("a diff sees changed labels or weights, not key order or keys", async () => {
    const { functionKey, adminKey, ...olds } = inputs;
    const reordered = { ...inputs, functionKey: "rotated", labels: { canary: "2", stable: "1" } };
    assert.equal((await routingProvider.diff!("iris", olds, reordered)).changes, false);
    assert.equal((await routingProvider.diff!("iris", olds, { ...inputs, traffic: { stable: 50, canary: 50 } })).changes, true);
    assert.deepEqual((await routingProvider.diff!("iris", olds, { ...inputs, model: "other" })).replaces, ["model"]);
});

test("models in config become routing resources on the app's URL with its Management key, secret", async () => {
    const { mocks } = await deployWith({ models: { iris: { labels: { stable: 1 }, traffic: { stable: 100 } } } });
    const routing = mocks.one("pulumi-nodejs:dynamic:Resource").inputs;
    assert.equal(routing.baseUrl, "https://cloud-app.azurewebsites.net");
    assert.equal(routing.model, "iris");
    assert.deepEqual(routing.labels, { stable: "1" });
    assert.deepEqual(routing.traffic, { stable: 100 });
    assert.equal(routing.requireValidation, false);
    assert.equal(unwrapSecret(routing.functionKey), "Management-key");
    assert.equal(unwrapSecret(routing.adminKey), "admin-secret");
});

test("no models in config, no routing resources", async () => {
    const { mocks } = await deployWith();
    assert.equal(mocks.ofType("pulumi-nodejs:dynamic:Resource").length, 0);
});
