/** Names shared by the GCP program's rooms and its tests. */

/** The APIs the program uses; enabled by it so that a new project needs nothing done by hand first. */
export const services = ["aiplatform.googleapis.com", "artifactregistry.googleapis.com", "storage.googleapis.com", "iam.googleapis.com"] as const;

/** The serving image's name in the stack's repository (Cloud.Host; its Dockerfile is documented in docs/vertex.md). */
export const servingImage = "cloud-host:latest";

/** The models bucket: globally unique, so the project id is part of it. */
export const bucketName = (prefix: string, project: string) => `${prefix}-${project}-models`;

/** A model's folder in the bucket: what Vertex copies and the container reads from AIP_STORAGE_URI. */
export const modelFolder = (bucket: string, model: string, version: string) => `gs://${bucket}/${model}/${version}/`;

/** A Vertex model id: our model name within Vertex's alphabet ([a-z0-9_-], starting with a letter, 63 at most). */
export function vertexModelId(model: string): string {
    const id = model.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
    return (/^[a-z]/.test(id) ? id : `m-${id}`).slice(0, 63);
}

/** Vertex's regional REST endpoint. */
export const vertexApiEndpoint = (region: string) => `https://${region}-aiplatform.googleapis.com`;
