import * as resources from "@pulumi/azure-native/resources";
import * as servicebus from "@pulumi/azure-native/servicebus";
import * as pulumi from "@pulumi/pulumi";
import { QueueSettings } from "../config";
import { isoDuration } from "./durations";
import { jobsQueue } from "./names";

export interface ServiceBus {
    namespace: servicebus.Namespace;
    queue: servicebus.Queue;
    /** name.servicebus.windows.net: Cloud:Jobs:FullyQualifiedNamespace. */
    fullyQualifiedNamespace: pulumi.Output<string>;
}

/**
 * The jobs queue with the rules the runner relies on (docs/jobs.md, "Azure Service Bus"): duplicate detection by
 * message id ({job id}:{attempt}) over a window longer than the longest retry wait, a MaxDeliveryCount equal to the
 * runner's so it dead-letters first with the job's own error, the runner's lock duration, and dead-lettering of
 * messages that expire unread. Standard tier: Basic has neither duplicate detection nor scheduled messages.
 */
export function createServiceBus(prefix: string, group: resources.ResourceGroup, location: string, settings: QueueSettings): ServiceBus {
    const namespace = new servicebus.Namespace(`${prefix}-bus`, {
        resourceGroupName: group.name,
        location,
        sku: { name: servicebus.SkuName.Standard, tier: servicebus.SkuTier.Standard },
        // Entra ID only, like storage: no SAS key can bypass the roles.
        disableLocalAuth: true,
        minimumTlsVersion: servicebus.TlsVersion.TlsVersion_1_2,
    });
    const queue = new servicebus.Queue(`${prefix}-jobs-queue`, {
        resourceGroupName: group.name,
        namespaceName: namespace.name,
        queueName: jobsQueue,
        maxDeliveryCount: settings.maxDeliveryCount,
        lockDuration: isoDuration(settings.lockDurationSeconds),
        // Fixed at creation: Service Bus cannot turn duplicate detection on for an existing queue.
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindow: isoDuration(settings.duplicateDetectionWindowMinutes * 60),
        deadLetteringOnMessageExpiration: true,
        defaultMessageTimeToLive: isoDuration(settings.messageTimeToLiveDays * 86400),
        requiresSession: false,
        enablePartitioning: false,
    });
    return {
        namespace,
        queue,
        fullyQualifiedNamespace: pulumi.interpolate`${namespace.name}.servicebus.windows.net`,
    };
}
