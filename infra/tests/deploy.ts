import * as pulumi from "@pulumi/pulumi";
import { deployAzure } from "../azure";
import { readSettings } from "../config";
import { settle, useMocks } from "./mocks";

/** The region and the smallest config the program accepts; tests add what they look at. */
export const baseAzure = { location: "swedencentral" };

/**
 * Runs the Azure part of the program under mocks with `azure` as the stack's `cloud:azure` config (JSON, as
 * `pulumi config set --path` writes it), and waits until every resource is declared.
 */
export async function deployWith(azure: Record<string, unknown> = {}) {
    const mocks = await useMocks();
    pulumi.runtime.setAllConfig({ "cloud:azure": JSON.stringify({ ...baseAzure, ...azure }) });
    const settings = readSettings(new pulumi.Config("cloud"));
    const deployment = deployAzure(settings.namePrefix, settings.azure!, "admin-secret");
    await settle(deployment);
    return { mocks, deployment, settings };
}
