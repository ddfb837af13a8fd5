import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

/** One request the fake received: the path after /v1/ (query included) and the parsed body. */
export interface Received { method: string; path: string; body?: any; authorization?: string }

/** The endpoint's deployed models and split after a request that changed them. */
export interface Snapshot { after: string; deployed: string[]; split: Record<string, number> }

interface Version { versionId: string; artifactUri: string; versionAliases: string[]; upload: any }
interface Deployed { id: string; model: string; modelVersionId: string; displayName: string; dedicatedResources: any; serviceAccount?: string }
interface Endpoint { deployedModels: Deployed[]; trafficSplit: Record<string, number> }
interface Op { polls: number; response?: any; error?: { code: number; message: string } }

/**
 * A loopback fake of the parts of Vertex AI's REST API (v1) that the rollout uses, keeping Vertex's rules that matter
 * to it: an alias is on one version at a time; a split sums to 100 (or is empty) and names only deployed models,
 * "0" standing for the one being deployed; a model with traffic cannot be undeployed; a model with deployments cannot
 * be deleted. Changes take effect when requested; their operations finish after `pollsPerOperation` polls.
 */
export class VertexFake {
    readonly received: Received[] = [];
    readonly snapshots: Snapshot[] = [];
    readonly models = new Map<string, Version[]>();
    readonly endpoints = new Map<string, Endpoint>();
    pollsPerOperation = 1;
    /** Operations started by a matching request never finish. */
    neverFinish: (r: Received) => boolean = () => false;
    /** A matching request starts an operation that ends with this error (google.rpc.Status) and changes nothing. */
    failWith: (r: Received) => { code: number; message: string } | undefined = () => undefined;
    /** A matching request is refused at once with this HTTP status, status name and message. */
    refuseWith: (r: Received) => [number, string, string] | undefined = () => undefined;
    private readonly operations = new Map<string, Op>();
    private server?: Server;
    private nextOperation = 1;
    private nextDeployed = 7001;

    /** Resource names the fake writes back use the project number, as Vertex does. */
    constructor(readonly project = "demo-project", readonly region = "europe-west4", readonly projectNumber = "123456789") { }

    get url(): string {
        return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    }

    async start(): Promise<this> {
        this.server = createServer((req, res) => void this.handle(req, res));
        await new Promise<void>(resolve => this.server!.listen(0, "127.0.0.1", resolve));
        return this;
    }

    async stop(): Promise<void> {
        await new Promise(resolve => this.server?.close(resolve));
    }

    addEndpoint(id: string): void {
        this.endpoints.set(id, { deployedModels: [], trafficSplit: {} });
    }

    /** Requests that change something (everything but GET). */
    changes(): Received[] {
        return this.received.filter(r => r.method !== "GET");
    }

    private get location() { return `projects/${this.project}/locations/${this.region}`; }

    private async handle(req: IncomingMessage, res: ServerResponse) {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const path = req.url!.replace(/^\/v1\//, "");
        const received: Received = { method: req.method!, path, body: text ? JSON.parse(text) : undefined, authorization: req.headers.authorization };
        this.received.push(received);
        const send = (status: number, body: unknown) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const refuse = (status: number, statusName: string, message: string) =>
            send(status, { error: { code: status, message, status: statusName } });
        try {
            const refusal = this.refuseWith(received);
            if (refusal) return refuse(...refusal);
            const error = received.method === "GET" ? undefined : this.failWith(received);
            if (error) return send(200, this.operation(received, {}, error));
            const answer = this.route(received, refuse);
            if (answer !== undefined) {
                if (received.method !== "GET") this.snapshot(received);
                send(200, answer);
            }
        } catch (e) {
            refuse(500, "INTERNAL", (e as Error).message);
        }
    }

    private route(r: Received, refuse: (status: number, statusName: string, message: string) => void): any {
        const loc = this.location;
        const [pathOnly, query = ""] = r.path.split("?");
        let m: RegExpMatchArray | null;

        if (r.method === "GET" && (m = pathOnly.match(/^projects\/[^/]+\/locations\/[^/]+\/operations\/(\d+)$/))) {
            const op = this.operations.get(pathOnly);
            if (op === undefined) return refuse(404, "NOT_FOUND", `Operation ${pathOnly} not found.`);
            if (op.polls > 0) op.polls--;
            const done = op.polls === 0;
            return { name: pathOnly, done, ...(done && op.error ? { error: op.error } : {}), ...(done && op.response ? { response: op.response } : {}) };
        }

        if (r.method === "POST" && pathOnly === `${loc}/models:upload`) {
            const id = r.body.modelId ?? String(r.body.parentModel ?? "").split("/").pop();
            if (r.body.modelId !== undefined && this.models.has(id)) return refuse(409, "ALREADY_EXISTS", `Model ${id} already exists.`);
            if (r.body.parentModel !== undefined && !this.models.has(id)) return refuse(404, "NOT_FOUND", `Model ${r.body.parentModel} not found.`);
            const versions = this.models.get(id) ?? [];
            const aliases: string[] = r.body.model.versionAliases ?? [];
            const taken = aliases.find(a => versions.some(v => v.versionAliases.includes(a)));
            if (taken) return refuse(400, "INVALID_ARGUMENT", `Alias ${taken} is already used by another version.`);
            const versionId = String(versions.length + 1);
            versions.push({ versionId, artifactUri: r.body.model.artifactUri, versionAliases: versions.length === 0 ? ["default", ...aliases] : aliases, upload: r.body });
            this.models.set(id, versions);
            return this.operation(r, { model: `projects/${this.projectNumber}/locations/${this.region}/models/${id}`, modelVersionId: versionId });
        }

        if ((m = pathOnly.match(/^projects\/[^/]+\/locations\/[^/]+\/models\/([^/@:]+)(?:@(\d+))?(:\w+)?$/))) {
            const [, id, versionId, verb] = m;
            const versions = this.models.get(id);
            if (versions === undefined) return refuse(404, "NOT_FOUND", `Model ${id} not found.`);
            if (r.method === "GET" && verb === ":listVersions") {
                return { models: versions.map(v => ({ name: `${loc}/models/${id}`, versionId: v.versionId, artifactUri: v.artifactUri, versionAliases: v.versionAliases, containerSpec: v.upload.model?.containerSpec })) };
            }
            if (r.method === "GET" && verb === undefined) return { name: `${loc}/models/${id}` };
            if (r.method === "POST" && verb === ":mergeVersionAliases") {
                const version = versions.find(v => v.versionId === versionId);
                if (version === undefined) return refuse(404, "NOT_FOUND", `Version ${versionId} not found.`);
                for (const alias of r.body.versionAliases as string[]) {
                    if (alias.startsWith("-")) {
                        version.versionAliases = version.versionAliases.filter(a => a !== alias.slice(1));
                    } else if (versions.some(v => v !== version && v.versionAliases.includes(alias))) {
                        return refuse(400, "INVALID_ARGUMENT", `Alias ${alias} is already used by another version.`);
                    } else if (!version.versionAliases.includes(alias)) {
                        version.versionAliases.push(alias);
                    }
                }
                return { name: `${loc}/models/${id}`, versionId, versionAliases: version.versionAliases };
            }
            if (r.method === "DELETE" && verb === undefined && versionId === undefined) {
                const deployed = [...this.endpoints.values()].some(e => e.deployedModels.some(d => d.model.endsWith(`/models/${id}`)));
                if (deployed) return refuse(400, "FAILED_PRECONDITION", `Model ${id} has deployed versions.`);
                this.models.delete(id);
                return this.operation(r, {});
            }
        }

        if ((m = pathOnly.match(/^projects\/[^/]+\/locations\/[^/]+\/endpoints\/(\d+)(:\w+)?$/))) {
            const [, id, verb] = m;
            const endpoint = this.endpoints.get(id);
            if (endpoint === undefined) return refuse(404, "NOT_FOUND", `Endpoint ${id} not found.`);
            if (r.method === "GET" && verb === undefined) {
                return { name: `${loc}/endpoints/${id}`, deployedModels: endpoint.deployedModels, trafficSplit: endpoint.trafficSplit };
            }
            if (r.method === "PATCH" && verb === undefined) {
                if (query !== "updateMask=trafficSplit") return refuse(400, "INVALID_ARGUMENT", `Unexpected update mask '${query}'.`);
                const problem = this.checkSplit(endpoint, r.body.trafficSplit, undefined);
                if (problem) return refuse(400, "INVALID_ARGUMENT", problem);
                endpoint.trafficSplit = r.body.trafficSplit;
                return { name: `${loc}/endpoints/${id}`, deployedModels: endpoint.deployedModels, trafficSplit: endpoint.trafficSplit };
            }
            if (r.method === "POST" && verb === ":deployModel") {
                const [, modelId, versionId] = String(r.body.deployedModel.model).match(/\/models\/([^@]+)@(\d+)$/) ?? [];
                if (!this.models.get(modelId)?.some(v => v.versionId === versionId)) return refuse(404, "NOT_FOUND", `Model ${r.body.deployedModel.model} not found.`);
                const deployedId = String(this.nextDeployed++);
                const problem = this.checkSplit(endpoint, r.body.trafficSplit, deployedId);
                if (problem) return refuse(400, "INVALID_ARGUMENT", problem);
                const { model: _, ...rest } = r.body.deployedModel;
                endpoint.deployedModels.push({ ...rest, id: deployedId, model: `projects/${this.projectNumber}/locations/${this.region}/models/${modelId}`, modelVersionId: versionId });
                if (r.body.trafficSplit && Object.keys(r.body.trafficSplit).length > 0) {
                    endpoint.trafficSplit = Object.fromEntries(Object.entries(r.body.trafficSplit as Record<string, number>).map(([k, w]) => [k === "0" ? deployedId : k, w]));
                }
                return this.operation(r, { deployedModel: { id: deployedId } });
            }
            if (r.method === "POST" && verb === ":mutateDeployedModel") {
                const deployed = endpoint.deployedModels.find(d => d.id === r.body.deployedModel.id);
                if (deployed === undefined) return refuse(404, "NOT_FOUND", `Deployed model ${r.body.deployedModel.id} not found.`);
                for (const path of String(r.body.updateMask).split(",")) {
                    const field = path.replace(/^dedicatedResources\./, "");
                    if (!["minReplicaCount", "maxReplicaCount", "autoscalingMetricSpecs"].includes(field)) {
                        return refuse(400, "INVALID_ARGUMENT", `Field ${path} cannot be mutated.`);
                    }
                    deployed.dedicatedResources = { ...deployed.dedicatedResources, [field]: r.body.deployedModel.dedicatedResources[field] };
                }
                return this.operation(r, { deployedModel: deployed });
            }
            if (r.method === "POST" && verb === ":undeployModel") {
                const deployedId = r.body.deployedModelId;
                if (!endpoint.deployedModels.some(d => d.id === deployedId)) return refuse(404, "NOT_FOUND", `Deployed model ${deployedId} not found.`);
                if ((endpoint.trafficSplit[deployedId] ?? 0) > 0) {
                    return refuse(400, "FAILED_PRECONDITION", `Deployed model ${deployedId} has traffic assigned (${endpoint.trafficSplit[deployedId]}%); change the split first.`);
                }
                endpoint.deployedModels = endpoint.deployedModels.filter(d => d.id !== deployedId);
                delete endpoint.trafficSplit[deployedId];
                return this.operation(r, {});
            }
        }
        return refuse(404, "NOT_FOUND", `The fake does not know ${r.method} ${r.path}.`);
    }

    /** Vertex's rules for a split: whole percentages summing to 100 (or none at all), naming deployed models only. */
    private checkSplit(endpoint: Endpoint, split: Record<string, number> | undefined, deploying: string | undefined): string | undefined {
        if (split === undefined || Object.keys(split).length === 0) return undefined;
        const sum = Object.values(split).reduce((a, b) => a + b, 0);
        if (sum !== 100) return `Traffic split must sum to 100; got ${sum}.`;
        for (const id of Object.keys(split)) {
            if (!(id === "0" && deploying !== undefined) && !endpoint.deployedModels.some(d => d.id === id)) {
                return `Traffic split names ${id}, which is not deployed on the endpoint.`;
            }
        }
        return undefined;
    }

    private operation(r: Received, response: any, error?: { code: number; message: string }) {
        const name = `${this.location}/operations/${this.nextOperation++}`;
        this.operations.set(name, {
            polls: this.neverFinish(r) ? Number.POSITIVE_INFINITY : this.pollsPerOperation,
            ...(error ? { error } : { response }),
        });
        return { name, done: false };
    }

    private snapshot(r: Received) {
        for (const [, e] of this.endpoints) {
            this.snapshots.push({ after: `${r.method} ${r.path}`, deployed: e.deployedModels.map(d => d.id), split: { ...e.trafficSplit } });
        }
    }
}
