import * as pulumi from "@pulumi/pulumi";

/** One resource the program declared, with the inputs it gave. */
export interface Declared {
    type: string;
    name: string;
    id: string;
    inputs: any;
}

export const subscriptionId = "00000000-0000-0000-0000-00000000c10d";

/**
 * Pulumi's mocks: no engine, no cloud. Every resource is recorded with its inputs; ids are `/mock/{type}/{name}`, so a
 * test can name the exact scope it expects without asking the program. Outputs Azure would compute (endpoints, host
 * names, identities) get fixed values derived from the resource's logical name.
 */
export class AzureMocks implements pulumi.runtime.Mocks {
    readonly declared: Declared[] = [];
    /** The app's host keys as listWebAppHostKeys answers them; a test removes blobs_extension to play a first deployment. */
    systemKeys: Record<string, string> = { blobs_extension: "blobkey123" };

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: any } {
        const id = `/mock/${args.type}/${args.name}`;
        this.declared.push({ type: args.type, name: args.name, id, inputs: args.inputs });
        return { id, state: { ...args.inputs, ...computed(args) } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        switch (args.token) {
            case "azure-native:authorization:getClientConfig":
                return { subscriptionId, tenantId: "tenant", clientId: "client", objectId: "object" };
            case "azure-native:web:listWebAppHostKeys":
                return { masterKey: "master", functionKeys: { default: "fn" }, systemKeys: this.systemKeys };
            case "azure-native:web:listWebAppFunctionKeys":
                return { id: "keys", name: args.inputs.functionName, properties: { default: `${args.inputs.functionName}-key` } };
            case "azure-native:operationalinsights:getSharedKeys":
                return { primarySharedKey: "workspace-key" };
            default:
                throw new Error(`unexpected call ${args.token}`);
        }
    }

    ofType(type: string): Declared[] {
        return this.declared.filter(d => d.type === type);
    }

    one(type: string, name?: string): Declared {
        const found = this.ofType(type).filter(d => name === undefined || d.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map(d => d.name).join(", ")}`);
        }
        return found[0];
    }
}

function computed(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    const name = args.name;
    switch (args.type) {
        case "azure-native:storage:StorageAccount":
            return {
                name,
                primaryEndpoints: {
                    blob: `https://${name}.blob.core.windows.net/`,
                    queue: `https://${name}.queue.core.windows.net/`,
                    table: `https://${name}.table.core.windows.net/`,
                },
            };
        case "azure-native:web:WebApp":
            return { name, defaultHostName: `${name}.azurewebsites.net`, identity: { type: "SystemAssigned", principalId: `${name}-principal` } };
        case "azure-native:app:Job":
            return { name, identity: { type: "SystemAssigned,UserAssigned", principalId: `${name}-principal` } };
        case "azure-native:managedidentity:UserAssignedIdentity":
            return { name, principalId: `${name}-principal`, clientId: `${name}-client` };
        case "azure-native:containerregistry:Registry":
            return { name, loginServer: `${name}.azurecr.io` };
        case "azure-native:operationalinsights:Workspace":
            return { name, customerId: "workspace-customer" };
        case "random:index/randomPassword:RandomPassword":
            return { result: "generated-admin-key" };
        case "azure-native:applicationinsights:Component":
            return { name, connectionString: "InstrumentationKey=insights" };
        case "gcp:serviceaccount/account:Account": {
            const email = `${args.inputs.accountId}@${args.inputs.project}.iam.gserviceaccount.com`;
            return { email, member: `serviceAccount:${email}`, name: `projects/${args.inputs.project}/serviceAccounts/${email}` };
        }
        case "gcp:artifactregistry/repository:Repository":
            return { name: `projects/${args.inputs.project}/locations/${args.inputs.location}/repositories/${args.inputs.repositoryId}` };
        case "random:index/randomInteger:RandomInteger":
            return { result: Number(mockEndpointId(name)) };
        default:
            return { name: args.inputs.name ?? name };
    }
}

/** The number the mocks' RandomInteger gives, by its logical name: a Vertex endpoint id, numeric and 10 digits. */
export function mockEndpointId(logicalName: string): string {
    return String(1000000000 + [...logicalName].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1000000000, 7));
}

/** Installs the mocks; call before the program's modules declare anything. */
export async function useMocks(config: Record<string, string> = {}): Promise<AzureMocks> {
    const mocks = new AzureMocks();
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(mocks, "cloud", "test", false);
    return mocks;
}

/** An Output's value (mocks resolve every output, secrets included). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
    return new Promise(resolve => pulumi.output(output).apply(v => { resolve(v as T); return v; }));
}

/** Waits until every resource inside `value` (objects and arrays walked) is registered, so `declared` is complete. */
export async function settle(value: unknown): Promise<void> {
    const pending: Promise<unknown>[] = [];
    const walk = (v: unknown, seen: Set<unknown>) => {
        if (v === null || typeof v !== "object" || seen.has(v)) return;
        seen.add(v);
        if (pulumi.Resource.isInstance(v)) {
            pending.push(valueOf(v.urn));
            return;
        }
        if (pulumi.Output.isInstance(v)) {
            pending.push(valueOf(v));
            return;
        }
        for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child, seen);
    };
    walk(value, new Set());
    await Promise.all(pending);
}

/** Pulumi's wire marker for a secret value: mocks receive secrets wrapped in it. */
const secretSignature = "4dabf18193072939515e22adb298388d";

/** The value inside a secret input; fails when the input was not marked secret. */
export function unwrapSecret(input: any): any {
    if (input?.[secretSignature] !== "1b47061264138c4ac30d75fd1eb44270") {
        throw new Error(`expected a secret, got ${JSON.stringify(input)}`);
    }
    return input.value;
}
