import type { ServingSettings } from "./settings";
import { VertexApi } from "./vertexApi";

/** The serving container's contract (Cloud.Host in Vertex mode, docs/vertex.md): its routes and port. */
export const container = { predictRoute: "/predict", healthRoute: "/health", port: 8080 } as const;

/** Vertex's autoscaling metrics for online prediction (DedicatedResources.autoscalingMetricSpecs). */
export const metrics = {
    cpu: "aiplatform.googleapis.com/prediction/online/cpu/utilization",
    acceleratorDutyCycle: "aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle",
} as const;

/** Vertex gives a model's first version this alias and moves it itself; we never remove it. */
const vertexOwnedAlias = "default";

/** One model on Vertex as the stack wants it. */
export interface ModelTarget {
    project: string;
    region: string;
    /** The endpoint's id (its resource name's last part); one endpoint per model (see infra/README.md). */
    endpointId: string;
    /** Our model name (displayName on Vertex). */
    model: string;
    /** The Vertex model's id: our name within Vertex's [a-z0-9_-] alphabet. */
    vertexModelId: string;
    /** Every version to upload, with the gs:// folder the program copied it to. */
    versions: { version: string; artifactUri: string }[];
    labels: Record<string, string>;
    traffic: Record<string, number>;
    image: string;
    /** The serving identity: runs the container and reads its artifacts at upload. */
    servingAccount: string;
    serving: ServingSettings;
}

/** What the rollout found or made: Vertex's version id and the deployed model id of each of our versions. */
export interface RolloutState {
    vertexVersions: Record<string, string>;
    deployedModels: Record<string, string>;
}

interface LiveVersion { versionId: string; artifactUri?: string; versionAliases?: string[]; containerSpec?: { imageUri?: string } }
interface LiveDeployed { id: string; model: string; modelVersionId?: string; dedicatedResources?: any }

const names = (t: ModelTarget) => {
    const location = `projects/${t.project}/locations/${t.region}`;
    return { location, model: `${location}/models/${t.vertexModelId}`, endpoint: `${location}/endpoints/${t.endpointId}` };
};

const folder = (uri: string | undefined) => (uri ?? "").replace(/\/*$/, "/");

/** The deployed model's resources: the machine is immutable once deployed; replicas and metric targets are not. */
export function dedicatedResources(s: ServingSettings) {
    return {
        machineSpec: {
            machineType: s.machineType,
            ...(s.acceleratorType === undefined ? {} : { acceleratorType: s.acceleratorType, acceleratorCount: s.acceleratorCount }),
        },
        minReplicaCount: s.minReplicaCount,
        maxReplicaCount: s.maxReplicaCount,
        autoscalingMetricSpecs: [
            { metricName: metrics.cpu, target: s.cpuUtilizationTarget },
            ...(s.acceleratorType === undefined ? [] : [{ metricName: metrics.acceleratorDutyCycle, target: s.acceleratorDutyCycleTarget }]),
        ],
    };
}

/** The fields mutateDeployedModel may change (its documented list), as a FieldMask in JSON form. */
const mutableMask = "dedicatedResources.minReplicaCount,dedicatedResources.maxReplicaCount,dedicatedResources.autoscalingMetricSpecs";

/** Each version's share of traffic: the weights of the labels that point at it (two labels may share a version). */
export function shares(t: ModelTarget): Map<string, number> {
    const byVersion = new Map<string, number>();
    for (const [label, weight] of Object.entries(t.traffic)) {
        const version = t.labels[label];
        if (weight > 0) byVersion.set(version, (byVersion.get(version) ?? 0) + weight);
    }
    return byVersion;
}

/**
 * Makes Vertex match the target, starting from what Vertex has (not from Pulumi's state), so a run that stopped half
 * way is finished by the next one and a run with nothing to change changes nothing. In order:
 *  1. aliases that config moves away from a version or no longer names are removed (an alias is on one version);
 *  2. versions Vertex lacks (matched by their gs:// folder and image) are uploaded with their aliases; others get missing aliases;
 *  3. deployed models whose replicas or metric targets differ are mutated in place;
 *  4. versions with a share but no deployment (or one on another machine) are deployed, each deployModel carrying the
 *     split; the largest share first, and until the last one is deployed it holds the shares still to come, so every
 *     deployed version of ours always has traffic and the split always sums to 100;
 *  5. the split is patched when only weights changed;
 *  6. what the split no longer names is undeployed (Vertex refuses to undeploy a model that still has traffic).
 * Versions without a share are uploaded but not deployed: Vertex routes only by the split, so they would serve nothing.
 */
export async function rollOut(api: VertexApi, t: ModelTarget): Promise<RolloutState> {
    const n = names(t);
    const live = await listVersions(api, n.model);
    // A Vertex version is ours when it holds our folder in our image: a new image uploads every version again (the
    // container of an uploaded version cannot change), and the split moves to them like any other rollout.
    const key = (artifactUri: string | undefined, image: string | undefined) => `${folder(artifactUri)} ${image ?? ""}`;
    const wanted = new Map(t.versions.map(v => [key(v.artifactUri, t.image), v.version]));
    const ourVersionOf = (v: LiveVersion) => wanted.get(key(v.artifactUri, v.containerSpec?.imageUri));
    const vertexVersions: Record<string, string> = {};
    for (const v of live) {
        const ours = ourVersionOf(v);
        if (ours !== undefined && vertexVersions[ours] === undefined) vertexVersions[ours] = v.versionId;
    }
    const aliasesOf = (version: string) => Object.entries(t.labels).filter(([, v]) => v === version).map(([l]) => l).sort();

    // 1. Removals first: adding an alias that another version still holds would be refused (or silently move it).
    for (const v of live) {
        const ours = ourVersionOf(v);
        const remove = (v.versionAliases ?? []).filter(a => a !== vertexOwnedAlias
            && (ours === undefined || vertexVersions[ours] !== v.versionId || t.labels[a] !== ours));
        if (remove.length > 0) {
            await api.call("POST", `${n.model}@${v.versionId}:mergeVersionAliases`, { versionAliases: remove.map(a => `-${a}`) });
        }
    }

    // 2. Uploads, then aliases on versions that were already there.
    for (const { version, artifactUri } of t.versions) {
        if (vertexVersions[version] !== undefined) continue;
        const first = Object.keys(vertexVersions).length === 0 && live.length === 0;
        const response = await api.run(`Uploading ${t.model} ${version} to Vertex`, "POST", `${n.location}/models:upload`, {
            ...(first ? { modelId: t.vertexModelId } : { parentModel: n.model }),
            model: {
                displayName: t.model,
                versionDescription: `${t.model} ${version}`,
                versionAliases: aliasesOf(version),
                artifactUri,
                containerSpec: {
                    imageUri: t.image,
                    predictRoute: container.predictRoute,
                    healthRoute: container.healthRoute,
                    ports: [{ containerPort: container.port }],
                },
            },
            serviceAccount: t.servingAccount,
        });
        if (typeof response.modelVersionId !== "string") {
            throw new Error(`Uploading ${t.model} ${version} to Vertex: the finished operation names no modelVersionId (${JSON.stringify(response)}).`);
        }
        vertexVersions[version] = response.modelVersionId;
        live.push({ versionId: response.modelVersionId, artifactUri, versionAliases: aliasesOf(version), containerSpec: { imageUri: t.image } });
    }
    for (const v of live) {
        const ours = ourVersionOf(v);
        if (ours === undefined || vertexVersions[ours] !== v.versionId) continue;
        const add = aliasesOf(ours).filter(a => !(v.versionAliases ?? []).includes(a));
        if (add.length > 0) {
            await api.call("POST", `${n.model}@${v.versionId}:mergeVersionAliases`, { versionAliases: add });
        }
    }

    // 3.-6. The endpoint: what is deployed there, and the split.
    const endpoint = await api.find(n.endpoint);
    if (endpoint === undefined) {
        throw new Error(`Vertex endpoint ${n.endpoint} does not exist; the program creates it before deploying ${t.model} to it.`);
    }
    const ours = ((endpoint.deployedModels ?? []) as LiveDeployed[]).filter(d => isOurs(d, t.vertexModelId));
    const want = dedicatedResources(t.serving);
    const wantShares = shares(t);
    const deployedModels: Record<string, string> = {};
    const kept = new Set<string>();
    for (const [version] of wantShares) {
        const found = ours.find(d => !kept.has(d.id) && d.modelVersionId === vertexVersions[version]
            && canonical(d.dedicatedResources?.machineSpec ?? {}) === canonical(want.machineSpec));
        if (found === undefined) continue;
        kept.add(found.id);
        deployedModels[version] = found.id;
        if (canonical(mutablePart(found.dedicatedResources)) !== canonical(mutablePart(want))) {
            await api.run(`Changing the replicas of ${t.model} ${version}`, "POST", `${n.endpoint}:mutateDeployedModel`, {
                deployedModel: { id: found.id, dedicatedResources: mutablePart(want) },
                updateMask: mutableMask,
            });
        }
    }

    const pending = [...wantShares].filter(([version]) => deployedModels[version] === undefined).sort((a, b) => b[1] - a[1]);
    let split: Record<string, number> = withoutZeros(endpoint.trafficSplit ?? {});
    for (let i = 0; i < pending.length; i++) {
        const [version, share] = pending[i];
        const later = pending.slice(i + 1).reduce((sum, [, s]) => sum + s, 0);
        const trafficSplit: Record<string, number> = { "0": share + later };
        for (const [v, id] of Object.entries(deployedModels)) trafficSplit[id] = wantShares.get(v)!;
        const response = await api.run(`Deploying ${t.model} ${version} to endpoint ${t.endpointId}`, "POST", `${n.endpoint}:deployModel`, {
            deployedModel: {
                model: `${n.model}@${vertexVersions[version]}`,
                displayName: `${t.model} ${version}`,
                dedicatedResources: want,
                serviceAccount: t.servingAccount,
            },
            trafficSplit,
        });
        const id = response?.deployedModel?.id;
        if (typeof id !== "string") {
            throw new Error(`Deploying ${t.model} ${version}: the finished operation names no deployed model id (${JSON.stringify(response)}).`);
        }
        deployedModels[version] = id;
        split = { ...trafficSplit, [id]: share + later };
        delete split["0"];
    }

    const finalSplit = Object.fromEntries(Object.entries(deployedModels).map(([v, id]) => [id, wantShares.get(v)!]));
    if (canonical(split) !== canonical(finalSplit)) {
        await api.call("PATCH", `${n.endpoint}?updateMask=trafficSplit`, { trafficSplit: finalSplit });
    }
    for (const stale of ours.filter(d => !kept.has(d.id))) {
        await api.run(`Undeploying ${t.model} (deployed model ${stale.id}) from endpoint ${t.endpointId}`, "POST", `${n.endpoint}:undeployModel`,
            { deployedModelId: stale.id });
    }
    return { vertexVersions, deployedModels };
}

/**
 * Takes the model off its endpoint (the split first, since Vertex refuses to undeploy a model with traffic) and
 * deletes the Vertex model with its versions. The model folders stay in the bucket.
 */
export async function tearDown(api: VertexApi, t: Pick<ModelTarget, "project" | "region" | "endpointId" | "model" | "vertexModelId">): Promise<void> {
    const n = names(t as ModelTarget);
    const endpoint = await api.find(n.endpoint);
    if (endpoint !== undefined) {
        const ours = ((endpoint.deployedModels ?? []) as LiveDeployed[]).filter(d => isOurs(d, t.vertexModelId));
        const split = withoutZeros(endpoint.trafficSplit ?? {});
        const rest = Object.fromEntries(Object.entries(split).filter(([id]) => !ours.some(d => d.id === id)));
        if (Object.keys(rest).length !== Object.keys(split).length) {
            // An endpoint holds one model; an empty split ("no traffic") is what Vertex accepts once none is left.
            const sum = Object.values(rest).reduce((a, b) => a + b, 0);
            await api.call("PATCH", `${n.endpoint}?updateMask=trafficSplit`, { trafficSplit: sum === 100 ? rest : {} });
        }
        for (const d of ours) {
            await api.run(`Undeploying ${t.model} (deployed model ${d.id}) from endpoint ${t.endpointId}`, "POST", `${n.endpoint}:undeployModel`,
                { deployedModelId: d.id });
        }
    }
    if (await api.find(n.model) !== undefined) {
        await api.run(`Deleting Vertex model ${t.vertexModelId}`, "DELETE", n.model);
    }
}

async function listVersions(api: VertexApi, model: string): Promise<LiveVersion[]> {
    const versions: LiveVersion[] = [];
    let pageToken = "";
    do {
        const page = await api.find(`${model}:listVersions?pageSize=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ""}`);
        if (page === undefined) return []; // no model yet: its first upload creates it
        versions.push(...(page.models ?? []));
        pageToken = page.nextPageToken ?? "";
    } while (pageToken !== "");
    return versions;
}

/** Vertex may name the model by project number rather than id; the model id at the end is what identifies it. */
function isOurs(d: LiveDeployed, vertexModelId: string): boolean {
    return (d.model ?? "").replace(/@.*$/, "").endsWith(`/models/${vertexModelId}`);
}

function mutablePart(r: any) {
    return {
        minReplicaCount: r?.minReplicaCount,
        maxReplicaCount: r?.maxReplicaCount,
        autoscalingMetricSpecs: [...(r?.autoscalingMetricSpecs ?? [])]
            .map((m: any) => ({ metricName: m.metricName, target: m.target }))
            .sort((a, b) => a.metricName.localeCompare(b.metricName)),
    };
}

function withoutZeros(split: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(split).filter(([, w]) => Number(w) > 0).map(([id, w]) => [id, Number(w)]));
}

/** JSON with sorted keys. */
export function canonical(value: unknown): string {
    const sort = (v: any): any => v === null || typeof v !== "object"
        ? v
        : Array.isArray(v) ? v.map(sort) : Object.fromEntries(Object.keys(v).sort().map(k => [k, sort(v[k])]));
    return JSON.stringify(sort(value));
}
