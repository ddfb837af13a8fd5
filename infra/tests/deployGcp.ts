import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readSettings } from "../config";
import { deployGcp } from "../gcp";
import { settle, useMocks } from "./mocks";

/** The repository's iris sample (compiled into bin/tests/: three folders up is the repository). */
export const irisFolder = join(__dirname, "..", "..", "..", "samples", "models", "iris");

/** The project, the region and the smallest config the program accepts; tests add what they look at. */
export const baseGcp = { project: "demo-project", region: "europe-west4" };

/**
 * Runs the GCP part of the program under mocks with `gcp` as the stack's `cloud:gcp` config (JSON, as `pulumi config
 * set --path` writes it), and waits until every resource is declared.
 */
export async function deployGcpWith(gcp: Record<string, unknown> = {}) {
    const mocks = await useMocks();
    pulumi.runtime.setAllConfig({ "cloud:targets": "gcp", "cloud:gcp": JSON.stringify({ ...baseGcp, ...gcp }) });
    const settings = readSettings(new pulumi.Config("cloud"));
    const deployment = deployGcp(settings.namePrefix, settings.gcp!);
    await settle(deployment);
    return { mocks, deployment, settings };
}

/** An iris model with two versions (both from the sample folder), stable 90 / canary 10. */
export const iris = {
    labels: { stable: "1.0.0", canary: "2.0.0" },
    traffic: { stable: 90, canary: 10 },
    folders: { "1.0.0": irisFolder, "2.0.0": irisFolder },
};
