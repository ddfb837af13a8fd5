import * as pulumi from "@pulumi/pulumi";

/** A model's labels and traffic split as the stack wants them (`cloud:azure.models.{name}`). */
export interface ModelRoutingSpec {
    /** label → version, e.g. { stable: "1", canary: "2" }. */
    labels: Record<string, string>;
    /** label → weight (whole numbers summing to 100); absent leaves the model's policy alone. */
    traffic?: Record<string, number>;
    /** Sent with `traffic` (the policy is set whole); the API's own default is false. */
    requireValidation?: boolean;
}

export interface ModelRoutingInputs extends ModelRoutingSpec {
    baseUrl: string;
    model: string;
    /** The Management function's key and our admin key (docs/functions.md: the management API takes both). */
    functionKey: string;
    adminKey: string;
}

type Outs = ModelRoutingSpec & { baseUrl: string; model: string };

/**
 * Sets labels, then the split (which may only name labels that exist), then removes labels the stack no longer
 * names (the API refuses to remove a label the split still uses). One management call each; any refusal stops the
 * update with the API's own message (e.g. "iris 1.2.0 is rejected; only a servable version can take traffic.").
 */
export async function applyRouting(inputs: ModelRoutingInputs, previousLabels: string[]): Promise<void> {
    const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${inputs.baseUrl}/api/models/${encodeURIComponent(inputs.model)}/${path}`, {
            method,
            headers: { "x-functions-key": inputs.functionKey, "X-Cloud-Admin-Key": inputs.adminKey, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!response.ok) {
            throw new Error(`${method} /api/models/${inputs.model}/${path} answered ${response.status}: ${await response.text()}`);
        }
    };

    for (const [label, version] of Object.entries(inputs.labels)) {
        await call("PUT", `labels/${encodeURIComponent(label)}`, { version });
    }
    if (inputs.traffic !== undefined) {
        await call("PUT", "policy", { traffic: inputs.traffic, requireValidation: inputs.requireValidation ?? false });
    }
    for (const label of previousLabels.filter(l => !(l in inputs.labels))) {
        await call("DELETE", `labels/${encodeURIComponent(label)}`);
    }
}

/** What `pulumi preview` shows as the change: the keys are not part of it. */
function outputsOf(inputs: ModelRoutingInputs): Outs {
    const { baseUrl, model, labels, traffic, requireValidation } = inputs;
    return { baseUrl, model, labels, ...(traffic === undefined ? {} : { traffic }), ...(requireValidation === undefined ? {} : { requireValidation }) };
}

/** JSON with sorted keys: the engine need not keep the order in which outputs were written. */
function canonical(value: unknown): string {
    const sort = (v: any): any => v === null || typeof v !== "object" || Array.isArray(v)
        ? v
        : Object.fromEntries(Object.keys(v).sort().map(k => [k, sort(v[k])]));
    return JSON.stringify(sort(value));
}

export const routingProvider: pulumi.dynamic.ResourceProvider<ModelRoutingInputs, Outs> = {
    async create(inputs) {
        await applyRouting(inputs, []);
        return { id: inputs.model, outs: outputsOf(inputs) };
    },
    async diff(_id, olds, news) {
        const changed = canonical(outputsOf(news)) !== canonical(olds);
        return { changes: changed, replaces: olds.model !== news.model || olds.baseUrl !== news.baseUrl ? ["model"] : [] };
    },
    async update(_id, olds, news) {
        await applyRouting(news, Object.keys(olds.labels ?? {}));
        return { outs: outputsOf(news) };
    },
    // Leaving the stack's management does not move anything: routing keeps serving what it serves.
    async delete() { },
};

/** A model's labels and split, kept as config says through the deployed app's management API. */
export class ModelRouting extends pulumi.dynamic.Resource {
    constructor(name: string, args: { [K in keyof ModelRoutingInputs]: pulumi.Input<ModelRoutingInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
        super(routingProvider, name, args, opts);
    }
}
