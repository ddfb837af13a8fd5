import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AzureSettings } from "../config";
import { functionAppGrants, jobRunnerGrants, uploaderGrants } from "./access";
import { BlobTrigger, createBlobTrigger } from "./blobTrigger";
import { FunctionApp, createFunctionApp } from "./functionApp";
import { JobRunner, createJobRunner } from "./jobRunner";
import { Monitoring, createMonitoring } from "./monitoring";
import { assignRoles } from "./roles";
import { ServiceBus, createServiceBus } from "./serviceBus";
import { Storage, createStorage } from "./storage";
import { AzureOutputs, azureOutputs } from "./outputs";

export interface AzureDeployment {
    group: resources.ResourceGroup;
    storage: Storage;
    monitoring: Monitoring;
    bus: ServiceBus;
    functionApp: FunctionApp;
    blobTrigger: BlobTrigger;
    jobRunner: JobRunner;
    roleAssignments: authorization.RoleAssignment[];
    outputs: AzureOutputs;
}

/** Everything Cloud needs on Azure, in one resource group. */
export function deployAzure(prefix: string, settings: AzureSettings, adminKey: pulumi.Input<string>): AzureDeployment {
    const location = settings.location;
    const group = new resources.ResourceGroup(`${prefix}-rg`, { location });
    const storage = createStorage(prefix, group, location);
    const monitoring = createMonitoring(prefix, group, location);
    const bus = createServiceBus(prefix, group, location, settings.queue);
    const functionApp = createFunctionApp(prefix, {
        group, location, settings: settings.functions, queue: settings.queue, storage, bus, monitoring, adminKey,
    });
    const blobTrigger = createBlobTrigger(prefix, group, location, storage.account.id, functionApp.app, settings.blobTriggerSubscription);
    const jobRunner = createJobRunner(prefix, {
        group, location, settings: settings.jobs, queue: settings.queue, storage, bus, monitoring,
    });

    const roleAssignments = [
        ...assignRoles("app", functionAppGrants(functionApp, storage, bus)),
        ...assignRoles("job", jobRunnerGrants(jobRunner, storage, bus)),
        ...assignRoles("uploader", uploaderGrants(settings.uploaders, storage)),
    ];

    return {
        group, storage, monitoring, bus, functionApp, blobTrigger, jobRunner, roleAssignments,
        outputs: azureOutputs({ group, storage, bus, functionApp, jobRunner, subscribed: blobTrigger.subscription !== undefined }),
    };
}
