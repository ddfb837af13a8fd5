import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { vertexModelId } from "./names";

/**
 * One Vertex endpoint per model: an endpoint's split spans every model deployed on it, so two models on one endpoint
 * would share one split. The split itself belongs to the model's VertexModelDeployment, hence ignoreChanges.
 */
export function createEndpoint(prefix: string, project: string, region: string, model: string, dedicated: boolean,
    opts: pulumi.CustomResourceOptions): gcp.vertex.AiEndpoint {
    return new gcp.vertex.AiEndpoint(`${prefix}-${model}`, {
        project,
        location: region,
        region,
        displayName: `${prefix} ${model}`,
        description: `Cloud: model ${model} (versions, aliases and split from the stack's cloud:gcp.models.${model}).`,
        labels: { "cloud-model": vertexModelId(model) },
        dedicatedEndpointEnabled: dedicated,
    }, { ...opts, ignoreChanges: ["trafficSplit"] });
}
