import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { containers, tables } from "./names";

export interface Storage {
    account: storage.StorageAccount;
    containers: Record<keyof typeof containers, storage.BlobContainer>;
    tables: Record<keyof typeof tables, storage.Table>;
    blobEndpoint: pulumi.Output<string>;
    queueEndpoint: pulumi.Output<string>;
    tableEndpoint: pulumi.Output<string>;
}

/**
 * One account for everything: model uploads, registered copies, job files, the registry and jobs tables, the Functions
 * host's storage and the app's package. Every reader and writer is a managed identity, so shared keys are off.
 */
export function createStorage(prefix: string, group: resources.ResourceGroup, location: string): Storage {
    const account = new storage.StorageAccount(`${prefix}st`, {
        resourceGroupName: group.name,
        location,
        kind: storage.Kind.StorageV2,
        sku: { name: storage.SkuName.Standard_LRS },
        minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
        enableHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
        // Entra ID only: the apps, the job runner and uploaders hold roles; an account key would bypass all of them.
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
    });

    const container = (name: string) => new storage.BlobContainer(`${prefix}-${name}`, {
        resourceGroupName: group.name,
        accountName: account.name,
        containerName: name,
        publicAccess: storage.PublicAccess.None,
    });
    const table = (name: string) => new storage.Table(`${prefix}-${name}`, {
        resourceGroupName: group.name,
        accountName: account.name,
        tableName: name,
    });

    const endpoints = account.primaryEndpoints;
    return {
        account,
        containers: {
            models: container(containers.models),
            registered: container(containers.registered),
            jobs: container(containers.jobs),
            deployment: container(containers.deployment),
            hostLocks: container(containers.hostLocks),
            hostSecrets: container(containers.hostSecrets),
        },
        tables: { registry: table(tables.registry), jobs: table(tables.jobs) },
        // The endpoints end with '/'; the apps' settings take them without it.
        blobEndpoint: endpoints.apply(e => e.blob.replace(/\/$/, "")),
        queueEndpoint: endpoints.apply(e => e.queue.replace(/\/$/, "")),
        tableEndpoint: endpoints.apply(e => e.table.replace(/\/$/, "")),
    };
}
