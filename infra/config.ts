import * as pulumi from "@pulumi/pulumi";
import type { ModelRoutingSpec } from "./azure/modelRouting";
import { boolean, integer, weights } from "./checks";
import { GcpSettings, readGcp } from "./gcp/settings";

/** The clouds one stack provisions: `cloud:targets` is `azure`, `gcp` or `both`. */
export type Target = "azure" | "gcp";

/** Everything the program reads from stack config (namespace `cloud`), checked once, with defaults filled in. */
export interface Settings {
    targets: Target[];
    /** Lower-case letters and digits, the start of every name that has to be globally unique (storage, registry). */
    namePrefix: string;
    /** `cloud:adminKey` when the stack sets one (a secret); otherwise the program generates it. */
    adminKey?: pulumi.Output<string>;
    azure?: AzureSettings;
    gcp?: GcpSettings;
}

export interface AzureSettings {
    location: string;
    functions: FunctionsSettings;
    queue: QueueSettings;
    jobs: JobsSettings;
    /**
     * Whether to create the Event Grid subscription that feeds the blob trigger. Its webhook needs the app's
     * `blobs_extension` system key, which exists only once the published app has run: false on the first `pulumi up`.
     */
    blobTriggerSubscription: boolean;
    /** Who may upload model folders: Storage Blob Data Contributor on the models container. */
    uploaders: Uploader[];
    /** Labels and traffic splits set through the deployed app's management API, by model name. */
    models: Record<string, ModelRoutingSpec>;
}

/** A user, group or service principal by object id; config may give a bare id for a user. */
export interface Uploader {
    principalId: string;
    principalType: "User" | "Group" | "ServicePrincipal";
}

/** Flex Consumption's scale settings (functionAppConfig.scaleAndConcurrency) and runtime. */
export interface FunctionsSettings {
    maximumInstanceCount: number;
    instanceMemoryMB: number;
    /** Always-ready instances of the `http` scale group (prediction and management routes). */
    alwaysReadyHttp: number;
    /** Concurrent HTTP invocations per instance: what the micro-batcher can batch across. */
    httpPerInstanceConcurrency: number;
    runtimeVersion: string;
}

/** The Service Bus `jobs` queue; the runner's own Cloud:Jobs settings are set from the same values. */
export interface QueueSettings {
    maxDeliveryCount: number;
    lockDurationSeconds: number;
    duplicateDetectionWindowMinutes: number;
    messageTimeToLiveDays: number;
}

export interface JobsSettings {
    /** The worker's image; defaults to `cloud-host:latest` in the stack's own registry. */
    image?: string;
    /** The container's arguments: the image's entry point is `Cloud.Host` (issue #20's Dockerfile). */
    args: string[];
    gpu: boolean;
    /** The serverless GPU workload profile type used when `gpu` is true. */
    gpuProfileType: string;
    cpu: number;
    memory: string;
    /** Most executions at once (each runs one worker until the queue is empty). */
    maxExecutions: number;
    /** Messages waiting per execution started: KEDA's `messageCount`. */
    messagesPerExecution: number;
    pollingIntervalSeconds: number;
    /** Longest one execution may run; the queue's lock renewal keeps long jobs alive inside it. */
    replicaTimeoutSeconds: number;
}

/** Flex Consumption's instance sizes (docs/functions.md, ../shared/reference/functions-isolated-worker.md §5). */
export const instanceMemorySizes = [512, 2048, 4096] as const;

/** Container Apps' serverless GPU profile types. */
export const gpuProfileTypes = ["Consumption-GPU-NC8as-T4", "Consumption-GPU-NC24-A100"] as const;

/** Service Bus caps a message lock at 5 minutes; long jobs live on renewal (docs/jobs.md). */
export const maxLockDurationSeconds = 300;

/**
 * The runner's longest retry wait: RetryBackoff (10 s by default) doubled up to 32 times. Duplicate detection must
 * remember a message id longer than that (docs/jobs.md, "Azure Service Bus").
 */
export const longestRetryWaitSeconds = 10 * 32;

/** Reads and checks the `cloud` namespace of the stack's config; every problem is reported with the key that holds it. */
export function readSettings(config: pulumi.Config = new pulumi.Config("cloud")): Settings {
    const targets = readTargets(config.get("targets") ?? "azure");
    const namePrefix = config.get("namePrefix") ?? "cloud";
    if (!/^[a-z][a-z0-9]{1,11}$/.test(namePrefix)) {
        throw new Error(`cloud:namePrefix must be 2-12 lower-case letters and digits, starting with a letter (storage and registry names allow nothing else); got '${namePrefix}'.`);
    }

    return {
        targets,
        namePrefix,
        adminKey: config.getSecret("adminKey"),
        azure: targets.includes("azure") ? readAzure(config.getObject<Record<string, any>>("azure") ?? {}) : undefined,
        gcp: targets.includes("gcp") ? readGcp(config.getObject<Record<string, any>>("gcp") ?? {}) : undefined,
    };
}

function readTargets(value: string): Target[] {
    switch (value) {
        case "azure": return ["azure"];
        case "gcp": return ["gcp"];
        case "both": return ["azure", "gcp"];
        default: throw new Error(`cloud:targets must be 'azure', 'gcp' or 'both'; got '${value}'.`);
    }
}

function readAzure(raw: Record<string, any>): AzureSettings {
    if (typeof raw.location !== "string" || raw.location === "") {
        throw new Error("cloud:azure.location must name an Azure region with Flex Consumption (az functionapp list-flexconsumption-locations); it is not set.");
    }

    const f = raw.functions ?? {};
    const functions: FunctionsSettings = {
        maximumInstanceCount: integer("azure.functions.maximumInstanceCount", f.maximumInstanceCount ?? 40, 1, 1000),
        instanceMemoryMB: integer("azure.functions.instanceMemoryMB", f.instanceMemoryMB ?? 2048, 512, 4096),
        alwaysReadyHttp: integer("azure.functions.alwaysReadyHttp", f.alwaysReadyHttp ?? 0, 0, 1000),
        httpPerInstanceConcurrency: integer("azure.functions.httpPerInstanceConcurrency", f.httpPerInstanceConcurrency ?? 16, 1, 1000),
        runtimeVersion: String(f.runtimeVersion ?? "10.0"),
    };
    if (!(instanceMemorySizes as readonly number[]).includes(functions.instanceMemoryMB)) {
        throw new Error(`cloud:azure.functions.instanceMemoryMB must be one of ${instanceMemorySizes.join(", ")}; got ${functions.instanceMemoryMB}.`);
    }
    if (functions.alwaysReadyHttp > functions.maximumInstanceCount) {
        throw new Error(`cloud:azure.functions.alwaysReadyHttp (${functions.alwaysReadyHttp}) cannot exceed maximumInstanceCount (${functions.maximumInstanceCount}).`);
    }

    const q = raw.queue ?? {};
    const queue: QueueSettings = {
        maxDeliveryCount: integer("azure.queue.maxDeliveryCount", q.maxDeliveryCount ?? 5, 1, 2000),
        lockDurationSeconds: integer("azure.queue.lockDurationSeconds", q.lockDurationSeconds ?? 60, 10, maxLockDurationSeconds),
        duplicateDetectionWindowMinutes: integer("azure.queue.duplicateDetectionWindowMinutes", q.duplicateDetectionWindowMinutes ?? 10, 1, 7 * 24 * 60),
        messageTimeToLiveDays: integer("azure.queue.messageTimeToLiveDays", q.messageTimeToLiveDays ?? 14, 1, 3650),
    };
    if (queue.duplicateDetectionWindowMinutes * 60 <= longestRetryWaitSeconds) {
        throw new Error(`cloud:azure.queue.duplicateDetectionWindowMinutes must be longer than the runner's longest retry wait (${longestRetryWaitSeconds} s), or a resent message slips past duplicate detection; got ${queue.duplicateDetectionWindowMinutes}.`);
    }

    const j = raw.jobs ?? {};
    const gpu = j.gpu === undefined ? true : boolean("azure.jobs.gpu", j.gpu);
    const jobs: JobsSettings = {
        image: j.image === undefined ? undefined : String(j.image),
        args: Array.isArray(j.args) ? j.args.map(String) : ["worker", "--until-empty"],
        gpu,
        gpuProfileType: String(j.gpuProfileType ?? gpuProfileTypes[0]),
        // A T4 profile has 8 cores and 56 GiB; a CPU-only Consumption replica at most 4 cores and 8 GiB.
        cpu: Number(j.cpu ?? (gpu ? 8 : 2)),
        memory: String(j.memory ?? (gpu ? "56Gi" : "4Gi")),
        maxExecutions: integer("azure.jobs.maxExecutions", j.maxExecutions ?? 4, 1, 1000),
        messagesPerExecution: integer("azure.jobs.messagesPerExecution", j.messagesPerExecution ?? 1, 1, 1000),
        pollingIntervalSeconds: integer("azure.jobs.pollingIntervalSeconds", j.pollingIntervalSeconds ?? 30, 1, 3600),
        replicaTimeoutSeconds: integer("azure.jobs.replicaTimeoutSeconds", j.replicaTimeoutSeconds ?? 4 * 3600, 60, 24 * 3600),
    };
    if (!(jobs.cpu > 0) || !/^\d+(\.\d+)?Gi$/.test(jobs.memory)) {
        throw new Error(`cloud:azure.jobs.cpu must be a positive number of cores and memory a size such as '4Gi'; got ${j.cpu} and '${j.memory}'.`);
    }
    if (gpu && !(gpuProfileTypes as readonly string[]).includes(jobs.gpuProfileType)) {
        throw new Error(`cloud:azure.jobs.gpuProfileType must be one of ${gpuProfileTypes.join(", ")}; got '${jobs.gpuProfileType}'.`);
    }

    const rawUploaders = raw.uploaders ?? [];
    if (!Array.isArray(rawUploaders)) {
        throw new Error("cloud:azure.uploaders must be a list of object ids or { principalId, principalType } entries.");
    }
    const uploaders: Uploader[] = rawUploaders.map((u: any, i: number) => {
        const entry = typeof u === "string" ? { principalId: u, principalType: "User" } : u;
        if (typeof entry?.principalId !== "string" || !["User", "Group", "ServicePrincipal"].includes(entry.principalType ?? "User")) {
            throw new Error(`cloud:azure.uploaders[${i}] must be an object id or { principalId, principalType: User | Group | ServicePrincipal }; got '${JSON.stringify(u)}'.`);
        }
        return { principalId: entry.principalId, principalType: entry.principalType ?? "User" };
    });

    return {
        location: raw.location,
        models: readModels(raw.models ?? {}),
        functions,
        queue,
        jobs,
        blobTriggerSubscription: raw.blobTriggerSubscription === undefined ? false : boolean("azure.blobTriggerSubscription", raw.blobTriggerSubscription),
        uploaders,
    };
}

function readModels(raw: unknown): Record<string, ModelRoutingSpec> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new Error("cloud:azure.models must map model names to { labels, traffic?, requireValidation? }.");
    }
    return Object.fromEntries(Object.entries(raw as Record<string, any>).map(([model, spec]) => {
        const key = `azure.models.${model}`;
        const labels = spec?.labels ?? {};
        if (typeof labels !== "object" || Object.values(labels).some(v => typeof v !== "string" && typeof v !== "number")) {
            throw new Error(`cloud:${key}.labels must map label names to versions; got '${JSON.stringify(labels)}'.`);
        }
        const routing: ModelRoutingSpec = { labels: Object.fromEntries(Object.entries(labels).map(([l, v]) => [l, String(v)])) };
        if (spec.traffic !== undefined) {
            routing.traffic = weights(`${key}.traffic`, spec.traffic ?? {});
            routing.requireValidation = spec.requireValidation === undefined ? false : boolean(`${key}.requireValidation`, spec.requireValidation);
        }
        return [model, routing];
    }));
}
