import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** The Docker repository for the serving image, in the region Vertex serves from (no cross-region pulls). */
export function createRepository(prefix: string, project: string, region: string, opts: pulumi.CustomResourceOptions): gcp.artifactregistry.Repository {
    return new gcp.artifactregistry.Repository(`${prefix}-images`, {
        project,
        location: region,
        repositoryId: prefix,
        format: "DOCKER",
        description: "Cloud's serving image (Cloud.Host in Vertex mode).",
    }, opts);
}
