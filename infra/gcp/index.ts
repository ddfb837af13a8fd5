import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GcpSettings } from "./settings";
import { createEndpoint } from "./endpoints";
import { Identities, createIdentities } from "./identities";
import { modelFolder, servingImage, vertexApiEndpoint, vertexModelId } from "./names";
import { GcpOutputs, gcpOutputs } from "./outputs";
import { createRepository } from "./registry";
import { enableServices } from "./services";
import { copyModelFolder, createBucket } from "./storage";
import { VertexModelDeployment } from "./vertexModelDeployment";

export interface GcpDeployment {
    services: gcp.projects.Service[];
    bucket: gcp.storage.Bucket;
    repository: gcp.artifactregistry.Repository;
    identities: Identities;
    endpoints: Record<string, gcp.vertex.AiEndpoint>;
    /** model → the files copied to the bucket, every version's. */
    folders: Record<string, gcp.storage.BucketObject[]>;
    deployments: Record<string, VertexModelDeployment>;
    outputs: GcpOutputs;
}

/**
 * Everything Cloud needs on Google Cloud: the models bucket, the image repository, the serving and deployer accounts,
 * and per model a Vertex endpoint with its versions deployed as config says.
 */
export function deployGcp(prefix: string, settings: GcpSettings): GcpDeployment {
    const { project, region } = settings;
    const services = enableServices(prefix, project);
    const afterServices: pulumi.CustomResourceOptions = { dependsOn: services };
    const bucket = createBucket(prefix, project, region, afterServices);
    const repository = createRepository(prefix, project, region, afterServices);
    const identities = createIdentities(prefix, project, bucket, repository, settings.deployers, afterServices);
    const image = settings.image === undefined
        ? pulumi.interpolate`${region}-docker.pkg.dev/${project}/${repository.repositoryId}/${servingImage}`
        : pulumi.output(settings.image);

    const endpoints: Record<string, gcp.vertex.AiEndpoint> = {};
    const folders: Record<string, gcp.storage.BucketObject[]> = {};
    const deployments: Record<string, VertexModelDeployment> = {};
    for (const [model, spec] of Object.entries(settings.models)) {
        endpoints[model] = createEndpoint(prefix, project, region, model, settings.dedicatedEndpoints, afterServices);
        folders[model] = spec.versions.flatMap(version =>
            copyModelFolder(bucket, model, version, spec.folders[version], `gcp.models.${model}.folders.${version}`));
        deployments[model] = new VertexModelDeployment(`${prefix}-${model}-vertex`, {
            apiEndpoint: vertexApiEndpoint(region),
            project,
            region,
            endpointId: endpoints[model].name,
            model,
            vertexModelId: vertexModelId(model),
            versions: bucket.name.apply(b => spec.versions.map(version => ({ version, artifactUri: modelFolder(b, model, version) }))),
            labels: spec.labels,
            traffic: spec.traffic,
            image,
            servingAccount: identities.serving.email,
            serving: spec.serving,
            operationTimeoutSeconds: settings.operationTimeoutMinutes * 60,
        }, {
            // The folders must be in the bucket and the serving account able to read them before Vertex copies them.
            dependsOn: [endpoints[model], ...folders[model], ...identities.grants],
        });
    }

    return {
        services, bucket, repository, identities, endpoints, folders, deployments,
        outputs: gcpOutputs({ project, region, bucket, image, serving: identities.serving, deployer: identities.deployer, endpoints }),
    };
}
