/**
 * The containers and tables the app's stores use: functions/Cloud.Registry/Stores/StorageOptions.cs's defaults, so the
 * apps need no Cloud__Storage__*Container or *Table settings. Change both together.
 */
export const containers = {
    /** Uploads land here; the blob trigger watches it. */
    models: "models",
    /** Registration's content-addressed copies of registered versions: what serving and evaluation read. */
    registered: "models-registered",
    /** Job logs, metric histories and traffic statistics. */
    jobs: "jobs",
    /** The Flex Consumption deployment container: the published package (artifacts/cloud-functions.zip). */
    deployment: "app-package",
    /** The Functions host's own containers (locks, keys) in AzureWebJobsStorage, created here so that the app's role can be scoped to them. */
    hostLocks: "azure-webjobs-hosts",
    hostSecrets: "azure-webjobs-secrets",
} as const;

export const tables = {
    registry: "ModelRegistry",
    jobs: "Jobs",
} as const;

/** Cloud:Jobs:QueueName's default. */
export const jobsQueue = "jobs";

/** The Event Grid subject prefix of blobs in the models container (the blob trigger's path is models/{name}/{version}/{file}). */
export const modelsSubjectPrefix = `/blobServices/default/containers/${containers.models}/`;

/** The blob-triggered function (functions/Cloud.Functions): the webhook's functionName is Host.Functions.{name}. */
export const registerFunction = "RegisterModel";
