import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { vertexModelId } from "./names";

/**
 * One Vertex endpoint per model: an endpoint's split spans every model deployed on it, so two models on one endpoint
 * would share one split. The split itself belongs to the model's VertexModelDeployment, hence ignoreChanges.
 */
export function createEndpoint(prefix: string, project: string, region: string, model: string, dedicated: boolean,
    opts: pulumi.CustomResourceOptions): gcp.vertex.AiEndpoint {
    // Vertex wants a numeric endpoint id (no leading zero, 10 digits at most). Chosen here, once, rather than left to the
    // provider, so the name is never derived from the logical name (which is not numeric).
    const id = new random.RandomInteger(`${prefix}-${model}-endpoint-id`, { min: 1_000_000_000, max: 9_999_999_999 });
    return new gcp.vertex.AiEndpoint(`${prefix}-${model}`, {
        name: id.result.apply(String),
        project,
        location: region,
        region,
        displayName: `${prefix} ${model}`,
        description: `Cloud: model ${model} (versions, aliases and split from the stack's cloud:gcp.models.${model}).`,
        labels: { "cloud-model": vertexModelId(model) },
        dedicatedEndpointEnabled: dedicated,
    }, { ...opts, ignoreChanges: ["trafficSplit"] });
}
