import { Uploader } from "../config";
import { FunctionApp } from "./functionApp";
import { JobRunner } from "./jobRunner";
import { Grant } from "./roles";
import { ServiceBus } from "./serviceBus";
import { Storage } from "./storage";

type ScopedGrant = Grant & { scopeName: string };

/**
 * Who may do what, derived from what each identity does; every grant is scoped to the containers, tables, queue or
 * registry it needs, never to the resource group. infra/README.md lists the same table.
 */
export function functionAppGrants(app: FunctionApp, storage: Storage, bus: ServiceBus): ScopedGrant[] {
    const who = { principalId: app.principalId, principalType: "ServicePrincipal" as const };
    const c = storage.containers;
    return [
        { ...who, role: "storageBlobDataContributor", scope: c.models.id, scopeName: "models",
          reason: "Blob trigger reads uploads; the management API writes uploaded files (PUT .../files/{file})." },
        { ...who, role: "storageBlobDataContributor", scope: c.registered.id, scopeName: "models-registered",
          reason: "Registration writes the registered copies; serving reads them." },
        { ...who, role: "storageBlobDataContributor", scope: c.jobs.id, scopeName: "jobs",
          reason: "Serving publishes traffic statistics; the management API reads job logs and histories." },
        { ...who, role: "storageBlobDataContributor", scope: c.deployment.id, scopeName: "app-package",
          reason: "Flex Consumption stores and reads the app's package with the app's identity." },
        { ...who, role: "storageBlobDataContributor", scope: c.hostLocks.id, scopeName: "host-locks",
          reason: "The Functions host's locks and leases (AzureWebJobsStorage)." },
        { ...who, role: "storageBlobDataContributor", scope: c.hostSecrets.id, scopeName: "host-secrets",
          reason: "The Functions host's function and system keys (AzureWebJobsStorage)." },
        { ...who, role: "storageQueueDataContributor", scope: storage.account.id, scopeName: "account-queues",
          reason: "The blob trigger queues each Event Grid event and parks failures in webjobs-blobtrigger-poison; the host names those queues, so the scope is the account's queues (it holds no others)." },
        { ...who, role: "storageTableDataContributor", scope: storage.tables.registry.id, scopeName: "ModelRegistry",
          reason: "Registration and the management API write version, label and policy rows." },
        { ...who, role: "storageTableDataContributor", scope: storage.tables.jobs.id, scopeName: "Jobs",
          reason: "Submitting a job writes its row; the management API reads and cancels jobs." },
        { ...who, role: "serviceBusDataSender", scope: bus.queue.id, scopeName: "jobs-queue",
          reason: "Registration and POST /api/jobs submit jobs; the app runs none (Cloud:Jobs:RunJobs false)." },
    ];
}

export function jobRunnerGrants(runner: JobRunner, storage: Storage, bus: ServiceBus): ScopedGrant[] {
    const who = { principalId: runner.principalId, principalType: "ServicePrincipal" as const };
    const c = storage.containers;
    return [
        { ...who, role: "storageBlobDataContributor", scope: c.models.id, scopeName: "models",
          reason: "Jobs read model folders; train and tune jobs upload new ones, which the blob trigger registers." },
        { ...who, role: "storageBlobDataReader", scope: c.registered.id, scopeName: "models-registered",
          reason: "Evaluation reads a version's registered copies (never its upload folder); it writes none." },
        { ...who, role: "storageBlobDataContributor", scope: c.jobs.id, scopeName: "jobs",
          reason: "Job logs, metric histories; promote jobs read the traffic statistics." },
        { ...who, role: "storageTableDataContributor", scope: storage.tables.registry.id, scopeName: "ModelRegistry",
          reason: "Validation records metrics and verdicts; promotion moves labels and traffic splits." },
        { ...who, role: "storageTableDataContributor", scope: storage.tables.jobs.id, scopeName: "Jobs",
          reason: "The runner's ledger: attempts, heartbeats, log tails, results." },
        { ...who, role: "serviceBusDataReceiver", scope: bus.queue.id, scopeName: "jobs-queue",
          reason: "The runner receives jobs under a lock, renews, completes and dead-letters them." },
        { ...who, role: "serviceBusDataSender", scope: bus.queue.id, scopeName: "jobs-queue",
          reason: "Retries are sent as scheduled messages; promotion submits follow-up (promote) jobs." },
        { ...who, role: "acrPull", scope: runner.registry.id, scopeName: "registry",
          reason: "Container Apps pulls the worker's image by the job's identity (no registry password)." },
        { principalId: runner.scaler.principalId, principalType: "ServicePrincipal", role: "serviceBusDataOwner",
          scope: bus.queue.id, scopeName: "jobs-queue",
          reason: "KEDA's azure-servicebus rule reads the queue's length, which needs the Manage right; this identity is the scaler's alone (lifecycle None), the worker's code cannot use it." },
    ];
}

/** People or pipelines that upload model folders with `az storage blob upload-batch --auth-mode login` or the cloud CLI. */
export function uploaderGrants(uploaders: Uploader[], storage: Storage): ScopedGrant[] {
    return uploaders.map(({ principalId, principalType }) => ({
        principalId, principalType, role: "storageBlobDataContributor" as const,
        // Named by principal, so removing one uploader from the list leaves the others' assignments alone.
        scope: storage.containers.models.id, scopeName: `models-${principalId}`,
        reason: "Uploads model folders (shared keys are off, so uploads go by Entra ID).",
    }));
}


export type { ScopedGrant };
