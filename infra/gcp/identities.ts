import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface Identities {
    /** Runs the serving container on Vertex and reads its artifacts when a version is uploaded. */
    serving: gcp.serviceaccount.Account;
    /** Uploads model folders and images and rolls versions out on Vertex (CI, or a person acting as it). */
    deployer: gcp.serviceaccount.Account;
    grants: pulumi.CustomResource[];
}

/** Built-in roles, written out where they are granted and in infra/README.md's table. */
export const roles = {
    objectViewer: "roles/storage.objectViewer",
    objectAdmin: "roles/storage.objectAdmin",
    registryReader: "roles/artifactregistry.reader",
    registryWriter: "roles/artifactregistry.writer",
    vertexUser: "roles/aiplatform.user",
    serviceAccountUser: "roles/iam.serviceAccountUser",
    tokenCreator: "roles/iam.serviceAccountTokenCreator",
} as const;

/**
 * Two service accounts and what each may do, every grant on the one bucket, repository or account it concerns. The one
 * project-level grant is Vertex's: its IAM has no narrower resource for uploading models and deploying to endpoints.
 */
export function createIdentities(prefix: string, project: string, bucket: gcp.storage.Bucket, repository: gcp.artifactregistry.Repository,
    deployers: string[], opts: pulumi.CustomResourceOptions): Identities {
    const serving = new gcp.serviceaccount.Account(`${prefix}-serving`, {
        project,
        accountId: `${prefix}-serving`,
        displayName: "Cloud serving (Vertex)",
        description: "Runs Cloud.Host on Vertex endpoints; reads model folders from the models bucket and the image from the repository.",
    }, opts);
    const deployer = new gcp.serviceaccount.Account(`${prefix}-deployer`, {
        project,
        accountId: `${prefix}-deployer`,
        displayName: "Cloud deployer",
        description: "Uploads model folders and the serving image; uploads versions to Vertex and deploys them as the serving account.",
    }, opts);

    const onBucket = (name: string, role: string, member: pulumi.Input<string>) =>
        new gcp.storage.BucketIAMMember(`${prefix}-${name}`, { bucket: bucket.name, role, member }, opts);
    const onRepository = (name: string, role: string, member: pulumi.Input<string>) =>
        new gcp.artifactregistry.RepositoryIamMember(`${prefix}-${name}`, {
            project, location: repository.location, repository: repository.name, role, member,
        }, opts);

    const grants: pulumi.CustomResource[] = [
        // Vertex reads the artifacts at upload as the upload's serviceAccount (ours) and the container reads them
        // (AIP_STORAGE_URI) as the deployed model's; it writes nothing.
        onBucket("serving-reads-models", roles.objectViewer, serving.member),
        // The image, read as the upload's service account.
        onRepository("serving-reads-images", roles.registryReader, serving.member),
        // Model folders are copied in by `pulumi up`, and a failed copy is replaced: create and overwrite objects.
        onBucket("deployer-writes-models", roles.objectAdmin, deployer.member),
        onRepository("deployer-pushes-images", roles.registryWriter, deployer.member),
        // models.upload, mergeVersionAliases, endpoints.deployModel / mutateDeployedModel / undeployModel / patch.
        new gcp.projects.IAMMember(`${prefix}-deployer-uses-vertex`, { project, role: roles.vertexUser, member: deployer.member }, opts),
        // Uploads and deployments name the serving account; Vertex checks that the caller may act as it (actAs).
        new gcp.serviceaccount.IAMMember(`${prefix}-deployer-acts-as-serving`, {
            serviceAccountId: serving.name, role: roles.serviceAccountUser, member: deployer.member,
        }, opts),
        ...deployers.map((member, i) => new gcp.serviceaccount.IAMMember(`${prefix}-deployer-impersonated-${i}`, {
            serviceAccountId: deployer.name, role: roles.tokenCreator, member,
        }, opts)),
    ];
    return { serving, deployer, grants };
}
