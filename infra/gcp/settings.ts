import { readFileSync } from "node:fs";
import { boolean, integer, weights } from "../checks";
import { modelFromApiFile } from "./modelsFile";

/** `cloud:gcp`: the project, the region, the serving image and machines, and the models to deploy. */
export interface GcpSettings {
    project: string;
    region: string;
    /** The serving image (Cloud.Host in Vertex mode); defaults to `cloud-host:latest` in the stack's repository. */
    image?: string;
    /** Where model folders are found by default: `{modelsRoot}/{model}/{version}/` (the local host's upload store). */
    modelsRoot: string;
    /** Machines and autoscaling for every model that does not set its own. */
    serving: ServingSettings;
    /** Longest wait for one Vertex operation (an upload, a deployment); deployments take 10 to 30 minutes. */
    operationTimeoutMinutes: number;
    /** Whether each model's endpoint gets a dedicated DNS name (Vertex then refuses the shared one). */
    dedicatedEndpoints: boolean;
    /** IAM members (`user:...`, `group:...`) who may act as the deployer service account (CI, release managers). */
    deployers: string[];
    models: Record<string, GcpModelSpec>;
}

/** One deployed model's machine (immutable once deployed) and its replica autoscaling (mutable in place). */
export interface ServingSettings {
    machineType: string;
    /** e.g. NVIDIA_TESLA_T4, NVIDIA_L4; absent for CPU-only machines. */
    acceleratorType?: string;
    acceleratorCount: number;
    minReplicaCount: number;
    maxReplicaCount: number;
    /** Target CPU utilization (%) of aiplatform.googleapis.com/prediction/online/cpu/utilization. */
    cpuUtilizationTarget: number;
    /** Target accelerator duty cycle (%); only with an accelerator. */
    acceleratorDutyCycleTarget?: number;
}

/** A model as the stack wants it on Vertex: which versions exist there, their labels (version aliases) and the split. */
export interface GcpModelSpec {
    /** Every version uploaded to Vertex: those the labels name, then any listed besides. */
    versions: string[];
    /** label → version; on Vertex each label is a version alias. */
    labels: Record<string, string>;
    /** label → weight, summing to 100. Only versions with a share are deployed. */
    traffic: Record<string, number>;
    /** version → local model folder, copied to gs://{bucket}/{model}/{version}/. */
    folders: Record<string, string>;
    serving: ServingSettings;
}

/**
 * Vertex's rule for a version alias ([a-z][a-zA-Z0-9-]{0,126}[a-z-0-9], models.mergeVersionAliases); our labels become
 * aliases, so a label Vertex would refuse is refused here.
 */
const aliasPattern = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9-]$/;

/** Vertex gives `default` to a model's first version and manages it; a label of that name would fight it. */
const vertexOwnedAlias = "default";

export function readGcp(raw: Record<string, any>): GcpSettings {
    if (typeof raw.project !== "string" || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(raw.project)) {
        throw new Error(`cloud:gcp.project must be a Google Cloud project id (6-30 lower-case letters, digits and hyphens); got '${raw.project ?? ""}'.`);
    }
    if (typeof raw.region !== "string" || !/^[a-z]+-[a-z]+\d+$/.test(raw.region)) {
        throw new Error(`cloud:gcp.region must name a Vertex AI region such as europe-west4; got '${raw.region ?? ""}'.`);
    }
    const modelsRoot = String(raw.modelsRoot ?? "../.cloud/models");
    const deployers = raw.deployers ?? [];
    if (!Array.isArray(deployers) || deployers.some(d => typeof d !== "string" || !/^(user|group|serviceAccount|domain):.+/.test(d))) {
        throw new Error(`cloud:gcp.deployers must be a list of IAM members such as 'user:me@example.com' or 'group:ml@example.com'; got '${JSON.stringify(deployers)}'.`);
    }
    const serving = readServing("gcp.serving", raw.serving ?? {}, defaultServing);
    const rawModels = raw.models ?? {};
    if (rawModels === null || typeof rawModels !== "object" || Array.isArray(rawModels)) {
        throw new Error("cloud:gcp.models must map model names to { labels, traffic, versions?, folders?, serving? } or { from: <file> }.");
    }
    return {
        project: raw.project,
        region: raw.region,
        image: raw.image === undefined ? undefined : String(raw.image),
        modelsRoot,
        serving,
        operationTimeoutMinutes: integer("gcp.operationTimeoutMinutes", raw.operationTimeoutMinutes ?? 45, 1, 24 * 60),
        dedicatedEndpoints: raw.dedicatedEndpoints === undefined ? false : boolean("gcp.dedicatedEndpoints", raw.dedicatedEndpoints),
        deployers,
        models: Object.fromEntries(Object.entries(rawModels as Record<string, any>)
            .map(([model, spec]) => [model, readModel(model, spec ?? {}, modelsRoot, serving)])),
    };
}

/** A CPU machine, one replica always up, up to two under load: a small model's default. */
export const defaultServing: ServingSettings = {
    machineType: "n1-standard-4",
    acceleratorCount: 0,
    minReplicaCount: 1,
    maxReplicaCount: 2,
    cpuUtilizationTarget: 60,
};

function readServing(key: string, raw: Record<string, any>, base: ServingSettings): ServingSettings {
    const acceleratorType = raw.acceleratorType === undefined ? base.acceleratorType : String(raw.acceleratorType);
    if (acceleratorType !== undefined && !/^[A-Z][A-Z0-9_]+$/.test(acceleratorType)) {
        throw new Error(`cloud:${key}.acceleratorType must be a Vertex accelerator type such as NVIDIA_TESLA_T4 or NVIDIA_L4; got '${acceleratorType}'.`);
    }
    const acceleratorCount = integer(`${key}.acceleratorCount`, raw.acceleratorCount ?? (acceleratorType === undefined ? 0 : Math.max(base.acceleratorCount, 1)), 0, 16);
    if ((acceleratorType === undefined) !== (acceleratorCount === 0)) {
        throw new Error(`cloud:${key}: acceleratorType and acceleratorCount go together (a type needs a count of 1 or more); got '${acceleratorType ?? ""}' and ${acceleratorCount}.`);
    }
    const minReplicaCount = integer(`${key}.minReplicaCount`, raw.minReplicaCount ?? base.minReplicaCount, 1, 1000);
    const maxReplicaCount = integer(`${key}.maxReplicaCount`, raw.maxReplicaCount ?? base.maxReplicaCount, 1, 1000);
    if (maxReplicaCount < minReplicaCount) {
        throw new Error(`cloud:${key}.maxReplicaCount (${maxReplicaCount}) cannot be less than minReplicaCount (${minReplicaCount}).`);
    }
    const serving: ServingSettings = {
        machineType: String(raw.machineType ?? base.machineType),
        acceleratorCount,
        minReplicaCount,
        maxReplicaCount,
        cpuUtilizationTarget: integer(`${key}.cpuUtilizationTarget`, raw.cpuUtilizationTarget ?? base.cpuUtilizationTarget, 1, 100),
    };
    if (acceleratorType !== undefined) {
        serving.acceleratorType = acceleratorType;
        serving.acceleratorDutyCycleTarget = integer(`${key}.acceleratorDutyCycleTarget`, raw.acceleratorDutyCycleTarget ?? base.acceleratorDutyCycleTarget ?? 60, 1, 100);
    } else if (raw.acceleratorDutyCycleTarget !== undefined) {
        throw new Error(`cloud:${key}.acceleratorDutyCycleTarget needs an accelerator (acceleratorType).`);
    }
    return serving;
}

function readModel(model: string, raw: Record<string, any>, modelsRoot: string, serving: ServingSettings): GcpModelSpec {
    const key = `gcp.models.${model}`;
    let labels: Record<string, string>;
    let traffic: unknown;
    let extra: string[];
    if (raw.from !== undefined) {
        if (raw.labels !== undefined || raw.traffic !== undefined) {
            throw new Error(`cloud:${key} takes labels and traffic either from its file (from) or inline, not both.`);
        }
        let text: string;
        try {
            text = readFileSync(String(raw.from), "utf8");
        } catch (e) {
            throw new Error(`cloud:${key}.from names '${raw.from}', which cannot be read: ${(e as Error).message}`);
        }
        // The versions are those the labels name: only they can have a share of traffic.
        ({ labels, traffic } = modelFromApiFile(`cloud:${key}.from (${raw.from})`, model, text));
        extra = [];
    } else {
        const rawLabels = raw.labels ?? {};
        if (typeof rawLabels !== "object" || Object.values(rawLabels).some(v => typeof v !== "string" && typeof v !== "number")) {
            throw new Error(`cloud:${key}.labels must map label names to versions; got '${JSON.stringify(rawLabels)}'.`);
        }
        labels = Object.fromEntries(Object.entries(rawLabels).map(([l, v]) => [l, String(v)]));
        traffic = raw.traffic;
        extra = raw.versions === undefined ? [] : (Array.isArray(raw.versions) ? raw.versions.map(String) : [String(raw.versions)]);
    }

    for (const label of Object.keys(labels)) {
        if (!aliasPattern.test(label) || label === vertexOwnedAlias) {
            throw new Error(`cloud:${key}.labels.${label}: a label is a Vertex version alias, which must match ${aliasPattern.source} and may not be '${vertexOwnedAlias}' (Vertex manages it).`);
        }
    }
    const split = traffic === undefined || (typeof traffic === "object" && traffic !== null && Object.keys(traffic).length === 0)
        ? implicitSplit(key, labels)
        : weights(`${key}.traffic`, traffic);
    for (const label of Object.keys(split)) {
        if (!(label in labels)) {
            throw new Error(`cloud:${key}.traffic names label '${label}', which ${key}.labels does not define.`);
        }
    }

    const versions = [...new Set([...Object.values(labels), ...extra])];
    const rawFolders = raw.folders ?? {};
    const folders = Object.fromEntries(versions.map(v => [v, String(rawFolders[v] ?? `${modelsRoot}/${model}/${v}`)]));
    return { versions, labels, traffic: split, folders, serving: readServing(`${key}.serving`, raw.serving ?? {}, serving) };
}

/**
 * Our routing without a split sends traffic to `stable`, else to the newest version (docs/api.md). Vertex has no such
 * rule, so a model without a split must have a `stable` label, which then takes all of it.
 */
function implicitSplit(key: string, labels: Record<string, string>): Record<string, number> {
    if (!("stable" in labels)) {
        throw new Error(`cloud:${key} has no traffic split and no 'stable' label: name the split (traffic) or a stable version.`);
    }
    return { stable: 100 };
}
