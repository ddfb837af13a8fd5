/**
 * Google Cloud (Vertex AI endpoints, GCS, the job runner as Vertex custom jobs) is issue #20 and is not implemented:
 * selecting it stops the program with this message rather than provisioning half a deployment.
 */
export function deployGcp(): never {
    throw new Error("cloud:targets selects 'gcp', which is not implemented yet (issue #20). Set cloud:targets to 'azure' for now.");
}
