import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { FunctionApp } from "./functionApp";
import { JobRunner } from "./jobRunner";
import { containers, jobsQueue } from "./names";
import { ServiceBus } from "./serviceBus";
import { Storage } from "./storage";

/** What `pulumi stack output` shows: where things are and the exact commands to use them. */
export interface AzureOutputs {
    resourceGroup: pulumi.Output<string>;
    predictionBaseUrl: pulumi.Output<string>;
    functionAppName: pulumi.Output<string>;
    storageAccount: pulumi.Output<string>;
    modelsContainer: string;
    serviceBusNamespace: pulumi.Output<string>;
    jobsQueue: string;
    registry: pulumi.Output<string>;
    workerImage: pulumi.Output<string>;
    /** Publishes and deploys the Functions app (docs/functions.md, "Publish"). */
    deployCommand: pulumi.Output<string>;
    /** Builds the worker image in the stack's registry (the Dockerfile is issue #20's). */
    workerImageCommand: pulumi.Output<string>;
    /** Uploads the iris sample as version 1.0.0 of model `iris` (its model.json's version): the blob trigger registers it. */
    uploadCommand: pulumi.Output<string>;
    /** Calls it (TF Serving REST) with the TfServing function's key. */
    predictCommand: pulumi.Output<string>;
    nextStep: string;
}

export function azureOutputs(args: {
    group: resources.ResourceGroup; storage: Storage; bus: ServiceBus; functionApp: FunctionApp; jobRunner: JobRunner;
    subscribed: boolean;
}): AzureOutputs {
    const { group, storage, bus, functionApp, jobRunner } = args;
    const rg = group.name;
    const app = functionApp.app.name;
    return {
        resourceGroup: rg,
        predictionBaseUrl: functionApp.baseUrl,
        functionAppName: app,
        storageAccount: storage.account.name,
        modelsContainer: containers.models,
        serviceBusNamespace: bus.namespace.name,
        jobsQueue,
        registry: jobRunner.registry.loginServer,
        workerImage: jobRunner.image,
        // Run from infra/ (paths are relative to it).
        deployCommand: pulumi.interpolate`dotnet publish ../functions/Cloud.Functions -c Release -r linux-x64 --self-contained false && az functionapp deployment source config-zip -g ${rg} -n ${app} --src ../artifacts/cloud-functions.zip`,
        workerImageCommand: pulumi.interpolate`dotnet publish ../functions/Cloud.Host -c Release -r linux-x64 --self-contained -o ../artifacts/cloud-host && az acr build -r ${jobRunner.registry.name} -t ${jobRunner.image} -f ../functions/Cloud.Host/Dockerfile ../artifacts/cloud-host`,
        uploadCommand: pulumi.interpolate`az storage blob upload-batch --auth-mode login --account-name ${storage.account.name} -d ${containers.models} --destination-path iris/1.0.0 -s ../samples/models/iris`,
        predictCommand: pulumi.interpolate`curl -X POST "${functionApp.baseUrl}/v1/models/iris:predict" -H "x-functions-key: $(az functionapp function keys list -g ${rg} -n ${app} --function-name TfServing --query default -o tsv)" -d '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'`,
        nextStep: args.subscribed
            ? "Uploads to the models container are registered through Event Grid."
            : "Deploy the app (deployCommand), call it once, then `pulumi config set --path cloud:azure.blobTriggerSubscription true` and `pulumi up` to subscribe the blob trigger to uploads.",
    };
}
