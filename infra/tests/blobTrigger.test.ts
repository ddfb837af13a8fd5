import assert from "node:assert/strict";
import { test } from "node:test";
import { deployWith } from "./deploy";
import { webhookUrl } from "../azure/blobTrigger";
import { unwrapSecret } from "./mocks";

test("the storage account's system topic exists from the first deployment", async () => {
    const { mocks } = await deployWith();
    const topic = mocks.one("azure-native:eventgrid:SystemTopic").inputs;
    assert.equal(topic.source, "/mock/azure-native:storage:StorageAccount/cloudst");
    assert.equal(topic.topicType, "Microsoft.Storage.StorageAccounts");
    // No subscription until asked: the webhook's key does not exist before the app has run.
    assert.equal(mocks.ofType("azure-native:eventgrid:SystemTopicEventSubscription").length, 0);
});

test("the subscription sends only blobs created under models/ to the blob extension's webhook with its key", async () => {
    const { mocks } = await deployWith({ blobTriggerSubscription: true });
    const subscription = mocks.one("azure-native:eventgrid:SystemTopicEventSubscription").inputs;
    assert.equal(subscription.systemTopicName, "cloud-storage-events");
    assert.deepEqual(subscription.filter, {
        includedEventTypes: ["Microsoft.Storage.BlobCreated"],
        subjectBeginsWith: "/blobServices/default/containers/models/",
        isSubjectCaseSensitive: false,
    });
    assert.equal(subscription.eventDeliverySchema, "EventGridSchema");
    // The URL carries the key: it must stay secret in the stack's state.
    assert.deepEqual(unwrapSecret(subscription.destination), {
        endpointType: "WebHook",
        endpointUrl: "https://cloud-app.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.RegisterModel&code=blobkey123",
    });
});

test("before the app has its blobs_extension key, the webhook cannot be built and the error says what to do", () => {
    assert.throws(() => webhookUrl("cloud-app.azurewebsites.net", { durabletask_extension: "x" }),
        /no 'blobs_extension' system key yet.*deployCommand.*pulumi up/s);
    assert.equal(webhookUrl("h.azurewebsites.net", { blobs_extension: "a+b/c==" }),
        "https://h.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.RegisterModel&code=a%2Bb%2Fc%3D%3D");
});
