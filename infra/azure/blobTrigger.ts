import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as resources from "@pulumi/azure-native/resources";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import { modelsSubjectPrefix, registerFunction } from "./names";

export interface BlobTrigger {
    topic: eventgrid.SystemTopic;
    /** Absent until `cloud:azure.blobTriggerSubscription` is true (the second step of a first deployment). */
    subscription?: eventgrid.SystemTopicEventSubscription;
}

/** The system key the blob extension's webhook checks; the host creates it when the app with a blob trigger first runs. */
export const blobsExtensionKey = "blobs_extension";

/**
 * Flex Consumption runs blob triggers only from Event Grid (docs/functions.md, "Registration by blob trigger"): the
 * account's system topic, and a subscription to BlobCreated under models/ that calls the blob extension's webhook.
 * The webhook's key is read from the running app (host keys), so the subscription depends on the app through its
 * URL; it is created only when asked, because the key does not exist before the published package has started once.
 */
export function createBlobTrigger(
    prefix: string, group: resources.ResourceGroup, location: string, accountId: pulumi.Input<string>,
    app: web.WebApp, subscribe: boolean): BlobTrigger {
    const topic = new eventgrid.SystemTopic(`${prefix}-storage-events`, {
        resourceGroupName: group.name,
        location,
        source: accountId,
        topicType: "Microsoft.Storage.StorageAccounts",
    });
    if (!subscribe) {
        return { topic };
    }

    const keys = web.listWebAppHostKeysOutput({ resourceGroupName: group.name, name: app.name });
    const endpointUrl = pulumi.all([app.defaultHostName, keys]).apply(([host, k]) => webhookUrl(host, k.systemKeys ?? {}));

    const subscription = new eventgrid.SystemTopicEventSubscription(`${prefix}-models-uploaded`, {
        resourceGroupName: group.name,
        systemTopicName: topic.name,
        eventDeliverySchema: eventgrid.EventDeliverySchema.EventGridSchema,
        destination: {
            endpointType: "WebHook",
            // The URL carries the key: kept secret in the stack's state.
            endpointUrl: pulumi.secret(endpointUrl),
        },
        filter: {
            includedEventTypes: ["Microsoft.Storage.BlobCreated"],
            subjectBeginsWith: modelsSubjectPrefix,
        },
        // Event Grid's own defaults, stated: a day of retries covers an app that is restarting or scaling from zero.
        retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
    }, { dependsOn: [app] });
    return { topic, subscription };
}

/** The blob extension's webhook for RegisterModel (../shared/reference/functions-isolated-worker.md §3). */
export function webhookUrl(host: string, systemKeys: Record<string, string>): string {
    const key = systemKeys[blobsExtensionKey];
    if (!key) {
        throw new Error(
            `The Function App has no '${blobsExtensionKey}' system key yet: it is created when the published app first starts. ` +
            "Deploy artifacts/cloud-functions.zip (the stack output 'deployCommand'), call the app once, then run `pulumi up` again; " +
            "or set cloud:azure.blobTriggerSubscription to false until then.");
    }
    return `https://${host}/runtime/webhooks/blobs?functionName=Host.Functions.${registerFunction}&code=${encodeURIComponent(key)}`;
}
