import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** What `pulumi stack output gcp` shows: where things are and the commands to use them. */
export interface GcpOutputs {
    project: string;
    region: string;
    bucket: pulumi.Output<string>;
    image: pulumi.Output<string>;
    servingAccount: pulumi.Output<string>;
    deployerAccount: pulumi.Output<string>;
    /** model → the endpoint's resource name. */
    endpoints: Record<string, pulumi.Output<string>>;
    /** model → the Vertex predict URL (`POST {"instances": [...]}` with a Google access token). */
    predictUrls: Record<string, pulumi.Output<string>>;
    /** Builds and pushes the serving image (the Dockerfile is docs/vertex.md's). */
    imageCommand: pulumi.Output<string>;
}

export function gcpOutputs(args: {
    project: string; region: string; bucket: gcp.storage.Bucket; image: pulumi.Output<string>;
    serving: gcp.serviceaccount.Account; deployer: gcp.serviceaccount.Account; endpoints: Record<string, gcp.vertex.AiEndpoint>;
}): GcpOutputs {
    const { project, region } = args;
    const endpointName = (e: gcp.vertex.AiEndpoint) => pulumi.interpolate`projects/${project}/locations/${region}/endpoints/${e.name}`;
    return {
        project,
        region,
        bucket: args.bucket.name,
        image: args.image,
        servingAccount: args.serving.email,
        deployerAccount: args.deployer.email,
        endpoints: Object.fromEntries(Object.entries(args.endpoints).map(([m, e]) => [m, endpointName(e)])),
        predictUrls: Object.fromEntries(Object.entries(args.endpoints).map(([m, e]) =>
            [m, pulumi.interpolate`https://${region}-aiplatform.googleapis.com/v1/${endpointName(e)}:predict`])),
        // Run from infra/; the registry's host must be known to docker once: gcloud auth configure-docker {region}-docker.pkg.dev
        imageCommand: pulumi.interpolate`docker build -t ${args.image} -f <Dockerfile of Cloud.Host (docs/vertex.md)> .. && docker push ${args.image}`,
    };
}
