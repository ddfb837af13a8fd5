import * as resources from "@pulumi/azure-native/resources";
import * as types from "@pulumi/azure-native/types";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import { FunctionsSettings, QueueSettings } from "../config";
import { timeSpan } from "./durations";
import { containers, jobsQueue } from "./names";
import { Monitoring } from "./monitoring";
import { ServiceBus } from "./serviceBus";
import { Storage } from "./storage";

export interface FunctionApp {
    plan: web.AppServicePlan;
    app: web.WebApp;
    principalId: pulumi.Output<string>;
    /** https://{default host name}: the prediction and management routes' base (host.json's routePrefix is ""). */
    baseUrl: pulumi.Output<string>;
}

export interface FunctionAppArgs {
    group: resources.ResourceGroup;
    location: string;
    settings: FunctionsSettings;
    queue: QueueSettings;
    storage: Storage;
    bus: ServiceBus;
    monitoring: Monitoring;
    adminKey: pulumi.Input<string>;
}

/**
 * functions/Cloud.Functions on Flex Consumption (docs/functions.md): .NET isolated, scale settings from config, the
 * package read from the deployment container by the app's own identity, every store reached by that identity.
 */
export function createFunctionApp(prefix: string, args: FunctionAppArgs): FunctionApp {
    const { group, location, settings, storage, bus } = args;
    const plan = new web.AppServicePlan(`${prefix}-plan`, {
        resourceGroupName: group.name,
        location,
        kind: "functionapp",
        sku: { name: "FC1", tier: "FlexConsumption" },
        // Linux: Flex Consumption has no Windows workers.
        reserved: true,
    });

    const app = new web.WebApp(`${prefix}-app`, {
        resourceGroupName: group.name,
        location,
        kind: "functionapp,linux",
        serverFarmId: plan.id,
        reserved: true,
        httpsOnly: true,
        identity: { type: web.ManagedServiceIdentityType.SystemAssigned },
        functionAppConfig: {
            runtime: { name: web.RuntimeName.Dotnet_isolated, version: settings.runtimeVersion },
            scaleAndConcurrency: {
                maximumInstanceCount: settings.maximumInstanceCount,
                instanceMemoryMB: settings.instanceMemoryMB,
                alwaysReady: settings.alwaysReadyHttp > 0 ? [{ name: "http", instanceCount: settings.alwaysReadyHttp }] : [],
                triggers: { http: { perInstanceConcurrency: settings.httpPerInstanceConcurrency } },
            },
            deployment: {
                storage: {
                    type: web.FunctionsDeploymentStorageType.BlobContainer,
                    value: pulumi.interpolate`${storage.blobEndpoint}/${containers.deployment}`,
                    authentication: { type: web.AuthenticationType.SystemAssignedIdentity },
                },
            },
        },
        siteConfig: {
            minTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
            ftpsState: web.FtpsState.Disabled,
            appSettings: appSettings(args),
        },
    });

    return {
        plan,
        app,
        principalId: app.identity.apply(i => i!.principalId),
        baseUrl: pulumi.interpolate`https://${app.defaultHostName}`,
    };
}

/** docs/functions.md, "Settings an app needs": identity-based connections only, no secret but our admin key. */
function appSettings(args: FunctionAppArgs): types.input.web.NameValuePairArgs[] {
    const { storage, bus, queue, monitoring, adminKey } = args;
    const settings: Record<string, pulumi.Input<string>> = {
        // The host's own storage (keys, locks, the blob trigger's queue), by identity.
        AzureWebJobsStorage__accountName: storage.account.name,
        // The blob trigger's connection (Connection = "ModelStore"): the worker builds BlobClients from it too.
        ModelStore__blobServiceUri: storage.blobEndpoint,
        ModelStore__queueServiceUri: storage.queueEndpoint,
        ModelStore__credential: "managedidentity",
        Cloud__Storage__BlobServiceUri: storage.blobEndpoint,
        Cloud__Storage__TableServiceUri: storage.tableEndpoint,
        Cloud__Jobs__Backend: "servicebus",
        Cloud__Jobs__FullyQualifiedNamespace: bus.fullyQualifiedNamespace,
        Cloud__Jobs__QueueName: jobsQueue,
        // The submitter and the runner must agree with the queue (docs/jobs.md): set from the same config.
        Cloud__Jobs__MaxDeliveryCount: String(queue.maxDeliveryCount),
        Cloud__Jobs__LockDuration: timeSpan(queue.lockDurationSeconds),
        Cloud__Management__AdminKey: adminKey,
        APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.insights.connectionString,
    };
    return Object.entries(settings).map(([name, value]) => ({ name, value }));
}
