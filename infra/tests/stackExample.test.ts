import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { readSettings } from "../config";

// Compiled into bin/tests/: the stack file is two folders up.
const stackFile = join(__dirname, "..", "..", "Pulumi.dev.yaml");

test("Pulumi.dev.yaml is a valid stack whose values are the program's defaults", () => {
    const stack = load(readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> };
    // As the engine hands config to a program: objects as JSON text.
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(stack.config)
        .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])));
    const example = readSettings(new pulumi.Config("cloud"));

    pulumi.runtime.setAllConfig({ "cloud:azure": JSON.stringify({ location: "swedencentral" }) });
    const defaults = readSettings(new pulumi.Config("cloud"));

    assert.deepEqual(example, defaults);
});

test("Pulumi.dev.yaml's GCP section is valid and holds the program's GCP defaults", () => {
    const stack = load(readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> };
    const gcp = stack.config["cloud:gcp"] as Record<string, unknown>;
    pulumi.runtime.setAllConfig({ "cloud:targets": "gcp", "cloud:gcp": JSON.stringify(gcp) });
    const example = readSettings(new pulumi.Config("cloud")).gcp;

    pulumi.runtime.setAllConfig({ "cloud:targets": "gcp", "cloud:gcp": JSON.stringify({ project: gcp.project, region: gcp.region }) });
    const defaults = readSettings(new pulumi.Config("cloud")).gcp;

    assert.deepEqual(example, defaults);
});
