import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { bucketName } from "./names";

/**
 * The models bucket: uniform bucket-level access (IAM only, no object ACLs that could open one file) and public access
 * prevention enforced (no grant to allUsers can make it public). Not force-destroyed: model folders outlive a stack.
 */
export function createBucket(prefix: string, project: string, region: string, opts: pulumi.CustomResourceOptions): gcp.storage.Bucket {
    return new gcp.storage.Bucket(`${prefix}-models`, {
        name: bucketName(prefix, project),
        project,
        location: region.toUpperCase(),
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: false,
    }, opts);
}

/**
 * Copies one version's model folder to `{model}/{version}/` in the bucket, one object per file (subfolders kept), so
 * that `pulumi up` uploads exactly the folder config names. `key` is the config key that names the folder, for errors.
 */
export function copyModelFolder(bucket: gcp.storage.Bucket, model: string, version: string, folder: string, key: string): gcp.storage.BucketObject[] {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
        throw new Error(`cloud:${key}: ${model} ${version}'s model folder '${folder}' does not exist (set cloud:${key}, or put the folder under cloud:gcp.modelsRoot as {model}/{version}).`);
    }
    const files = filesUnder(folder);
    if (!files.some(f => relative(folder, f) === "model.json")) {
        throw new Error(`cloud:${key}: '${folder}' has no model.json, so it is not a model folder (docs/model-folder.md).`);
    }
    return files.map(file => {
        const path = relative(folder, file).split(sep).join("/");
        return new gcp.storage.BucketObject(`${model}/${version}/${path}`, {
            bucket: bucket.name,
            name: `${model}/${version}/${path}`,
            source: new pulumi.asset.FileAsset(file),
        });
    });
}

function filesUnder(folder: string): string[] {
    return readdirSync(folder, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap(entry => entry.isDirectory() ? filesUnder(join(folder, entry.name)) : entry.isFile() ? [join(folder, entry.name)] : []);
}
