import * as pulumi from "@pulumi/pulumi";
import { VertexApi } from "./vertexApi";
import { ModelTarget, RolloutState, canonical, rollOut, tearDown } from "./vertexRollout";

export interface VertexModelDeploymentInputs extends ModelTarget {
    /** `https://{region}-aiplatform.googleapis.com`. */
    apiEndpoint: string;
    /** Longest wait for one operation; not part of the diff (changing it changes nothing on Vertex). */
    operationTimeoutSeconds: number;
}

export type VertexModelDeploymentOutputs = ModelTarget & { apiEndpoint: string } & RolloutState;

/** How the provider signs in and polls; tests give a fixed token and short intervals. */
export interface ProviderOptions {
    token?: () => Promise<string>;
    pollIntervalMs?: number;
    maxPollIntervalMs?: number;
}

/** What the diff compares: the target, not how long to wait for it nor what Vertex numbered things. */
function targetOf(v: Partial<VertexModelDeploymentOutputs & VertexModelDeploymentInputs>) {
    const { project, region, endpointId, model, vertexModelId, versions, labels, traffic, image, servingAccount, serving, apiEndpoint } = v;
    return { project, region, endpointId, model, vertexModelId, versions, labels, traffic, image, servingAccount, serving, apiEndpoint };
}

/** Changing any of these points at another model or endpoint: the old one is torn down, the new one rolled out. */
const identity = ["project", "region", "endpointId", "vertexModelId", "apiEndpoint"] as const;

/**
 * The dynamic provider over Vertex's REST API. Create and update are the same idempotent rollout from what Vertex has
 * (vertexRollout.ts); delete undeploys the model and deletes it. Signs in with Application Default Credentials
 * (google-auth-library), as `gcloud auth application-default login` or a workload's service account provide them.
 */
export function vertexDeploymentProvider(options: ProviderOptions = {}): pulumi.dynamic.ResourceProvider<VertexModelDeploymentInputs, VertexModelDeploymentOutputs> {
    const api = (apiEndpoint: string, operationTimeoutSeconds: number) => new VertexApi({
        apiEndpoint,
        token: options.token ?? applicationDefaultToken,
        operationTimeoutMs: operationTimeoutSeconds * 1000,
        pollIntervalMs: options.pollIntervalMs ?? 5000,
        maxPollIntervalMs: options.maxPollIntervalMs ?? 60000,
    });
    const apply = async (inputs: VertexModelDeploymentInputs): Promise<VertexModelDeploymentOutputs> => {
        const state = await rollOut(api(inputs.apiEndpoint, inputs.operationTimeoutSeconds), inputs);
        return { ...targetOf(inputs), ...state } as VertexModelDeploymentOutputs;
    };
    return {
        async create(inputs) {
            const outs = await apply(inputs);
            return { id: `${inputs.endpointId}/${inputs.vertexModelId}`, outs };
        },
        async diff(_id, olds, news) {
            const changed = canonical(targetOf(olds)) !== canonical(targetOf(news));
            const replaces = identity.filter(k => olds[k] !== news[k]);
            // Torn down first: the old deployment's teardown deletes the Vertex model, which the new one may reuse.
            return { changes: changed, replaces, deleteBeforeReplace: replaces.length > 0 };
        },
        async update(_id, _olds, news) {
            return { outs: await apply(news) };
        },
        async delete(_id, olds) {
            // Outputs do not hold the timeout; a teardown waits as long as a deployment may.
            await tearDown(api(olds.apiEndpoint, 45 * 60), olds);
        },
    };
}

async function applicationDefaultToken(): Promise<string> {
    // Loaded here, not at the top: Pulumi serializes this provider's code, and the module is required where it runs.
    const { GoogleAuth } = require("google-auth-library") as typeof import("google-auth-library");
    const token = await new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] }).getAccessToken();
    if (!token) {
        throw new Error("No Google credentials: run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS) before `pulumi up`.");
    }
    return token;
}

type Args = { [K in keyof VertexModelDeploymentInputs]: pulumi.Input<VertexModelDeploymentInputs[K]> };

/** One model's versions, aliases, deployments and split on its Vertex endpoint, kept as config says. */
export class VertexModelDeployment extends pulumi.dynamic.Resource {
    declare readonly deployedModels: pulumi.Output<Record<string, string>>;
    declare readonly vertexVersions: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
        super(vertexDeploymentProvider(), name, { ...args, deployedModels: undefined, vertexVersions: undefined }, opts);
    }
}
