import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as web from "@pulumi/azure-native/web";
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
import { ModelRouting } from "./modelRouting";
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
    routing: ModelRouting[];
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

    const routing = createRouting(prefix, settings, group, functionApp, adminKey);

    return {
        group, storage, monitoring, bus, functionApp, blobTrigger, jobRunner, roleAssignments, routing,
        outputs: azureOutputs({ group, storage, bus, functionApp, jobRunner, subscribed: blobTrigger.subscription !== undefined }),
    };
}

/**
 * Labels and splits from config, set through the running app (so, like the blob trigger's subscription, only once
 * the package is deployed and the model's versions are registered). The Management function's key is read from the app.
 */
function createRouting(prefix: string, settings: AzureSettings, group: resources.ResourceGroup, functionApp: FunctionApp,
    adminKey: pulumi.Input<string>): ModelRouting[] {
    const models = Object.entries(settings.models);
    if (models.length === 0) {
        return [];
    }
    const keys = web.listWebAppFunctionKeysOutput({ resourceGroupName: group.name, name: functionApp.app.name, functionName: "Management" });
    const functionKey = pulumi.secret(keys.apply(k => k.properties["default"] ?? ""));
    return models.map(([model, spec]) => new ModelRouting(`${prefix}-routing-${model}`, {
        baseUrl: functionApp.baseUrl,
        model,
        labels: spec.labels,
        ...(spec.traffic === undefined ? {} : { traffic: spec.traffic, requireValidation: spec.requireValidation }),
        functionKey,
        adminKey: pulumi.secret(adminKey),
    }, { dependsOn: [functionApp.app] }));
}
