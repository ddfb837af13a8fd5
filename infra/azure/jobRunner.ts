import * as app from "@pulumi/azure-native/app";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { JobsSettings, QueueSettings } from "../config";
import { timeSpan } from "./durations";
import { jobsQueue } from "./names";
import { Monitoring } from "./monitoring";
import { ServiceBus } from "./serviceBus";
import { Storage } from "./storage";

export interface JobRunner {
    registry: containerregistry.Registry;
    environment: app.ManagedEnvironment;
    job: app.Job;
    /** The job's system-assigned identity: what `Cloud.Host worker` runs as. */
    principalId: pulumi.Output<string>;
    /** A user-assigned identity only the platform uses (lifecycle None): KEDA's queue-length reads. */
    scaler: managedidentity.UserAssignedIdentity;
    image: pulumi.Output<string>;
}

export interface JobRunnerArgs {
    group: resources.ResourceGroup;
    location: string;
    settings: JobsSettings;
    queue: QueueSettings;
    storage: Storage;
    bus: ServiceBus;
    monitoring: Monitoring;
}

/** The workload profile every environment with profiles has; CPU-only jobs run on it. */
export const consumptionProfile = "Consumption";
/** The serverless GPU profile's name in the environment, present only when `cloud:azure.jobs.gpu` is true. */
export const gpuProfile = "gpu";

/**
 * `Cloud.Host worker --until-empty` as an event-triggered Container Apps job (docs/jobs.md, "Worker"): KEDA's
 * azure-servicebus rule starts executions while messages wait; each drains the queue and exits. Retries belong to
 * the queue (the runner schedules them), so a failed execution is not retried by Container Apps.
 */
export function createJobRunner(prefix: string, args: JobRunnerArgs): JobRunner {
    const { group, location, settings, queue, storage, bus, monitoring } = args;

    const registry = new containerregistry.Registry(`${prefix}acr`, {
        resourceGroupName: group.name,
        location,
        sku: { name: containerregistry.SkuName.Basic },
        // Pulls by identity (AcrPull); no admin password exists to leak.
        adminUserEnabled: false,
    });

    const environment = new app.ManagedEnvironment(`${prefix}-jobs-env`, {
        resourceGroupName: group.name,
        location,
        appLogsConfiguration: {
            destination: "log-analytics",
            logAnalyticsConfiguration: { customerId: monitoring.workspace.customerId, sharedKey: monitoring.workspaceSharedKey },
        },
        workloadProfiles: [
            { name: consumptionProfile, workloadProfileType: "Consumption" },
            ...(settings.gpu ? [{ name: gpuProfile, workloadProfileType: settings.gpuProfileType }] : []),
        ],
    });

    // KEDA reads the queue's message count through Service Bus's management endpoint, which only the Manage right
    // (Azure Service Bus Data Owner) allows. That right is kept away from the worker's code: it belongs to this
    // identity, which Container Apps gives to the scaler alone (lifecycle None).
    const scaler = new managedidentity.UserAssignedIdentity(`${prefix}-jobs-scaler`, { resourceGroupName: group.name, location });

    const image = settings.image !== undefined
        ? pulumi.output(settings.image)
        : pulumi.interpolate`${registry.loginServer}/cloud-host:latest`;

    const env: Record<string, pulumi.Input<string>> = {
        Cloud__Storage__BlobServiceUri: storage.blobEndpoint,
        Cloud__Storage__TableServiceUri: storage.tableEndpoint,
        Cloud__Jobs__Backend: "servicebus",
        Cloud__Jobs__FullyQualifiedNamespace: bus.fullyQualifiedNamespace,
        Cloud__Jobs__QueueName: jobsQueue,
        Cloud__Jobs__MaxDeliveryCount: String(queue.maxDeliveryCount),
        Cloud__Jobs__LockDuration: timeSpan(queue.lockDurationSeconds),
        // Jobs may not outlive the execution that runs them: the runner fails a job before Container Apps kills it.
        Cloud__Jobs__JobTimeout: timeSpan(Math.max(60, settings.replicaTimeoutSeconds - 5 * 60)),
        // On a GPU profile a job must run on the GPU or fail loudly; a silent CPU fallback would cost GPU prices for nothing.
        Cloud__Cache__ExecutionProvider: settings.gpu ? "cuda" : "cpu",
        APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.insights.connectionString,
    };

    const job = new app.Job(`${prefix}-worker`, {
        resourceGroupName: group.name,
        location,
        environmentId: environment.id,
        workloadProfileName: settings.gpu ? gpuProfile : consumptionProfile,
        identity: {
            type: app.ManagedServiceIdentityType.SystemAssigned_UserAssigned,
            userAssignedIdentities: [scaler.id],
        },
        configuration: {
            triggerType: app.TriggerType.Event,
            replicaTimeout: settings.replicaTimeoutSeconds,
            replicaRetryLimit: 0,
            registries: [{ server: registry.loginServer, identity: "system" }],
            identitySettings: [
                { identity: scaler.id, lifecycle: app.IdentitySettingsLifeCycle.None },
                { identity: "system", lifecycle: app.IdentitySettingsLifeCycle.All },
            ],
            eventTriggerConfig: {
                parallelism: 1,
                replicaCompletionCount: 1,
                scale: {
                    minExecutions: 0,
                    maxExecutions: settings.maxExecutions,
                    pollingInterval: settings.pollingIntervalSeconds,
                    rules: [{
                        name: "jobs-queue-length",
                        type: "azure-servicebus",
                        metadata: {
                            namespace: bus.namespace.name,
                            queueName: jobsQueue,
                            messageCount: String(settings.messagesPerExecution),
                        },
                        identity: scaler.id,
                    }],
                },
            },
        },
        template: {
            containers: [{
                name: "worker",
                image,
                args: settings.args,
                env: Object.entries(env).map(([name, value]) => ({ name, value })),
                resources: { cpu: settings.cpu, memory: settings.memory },
            }],
        },
    });

    return {
        registry,
        environment,
        job,
        principalId: job.identity.apply(i => i!.principalId!),
        scaler,
        image,
    };
}
