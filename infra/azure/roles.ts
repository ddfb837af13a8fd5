import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/**
 * Built-in Azure role definitions by id (the same in every subscription). Only data-plane roles and AcrPull: no
 * identity here can change a resource's configuration.
 */
export const builtInRoles = {
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    serviceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    serviceBusDataReceiver: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    serviceBusDataOwner: "090c5cfd-751d-490a-894a-3ce6f1109419",
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
} as const;

export type RoleName = keyof typeof builtInRoles;

export interface Grant {
    /** Who: an identity's principal (object) id. */
    principalId: pulumi.Input<string>;
    principalType: "ServicePrincipal" | "User" | "Group";
    role: RoleName;
    /** The narrowest resource id that covers what the principal does. */
    scope: pulumi.Input<string>;
    /** Why it is needed; kept as the assignment's description, so the portal shows it too (and infra/README.md lists it). */
    reason: string;
}

/** Creates one role assignment per grant, each named `${name}-${role}-${scopeName}` in the stack. */
export function assignRoles(name: string, grants: (Grant & { scopeName: string })[], parent?: pulumi.Resource): authorization.RoleAssignment[] {
    const subscriptionId = authorization.getClientConfigOutput().subscriptionId;
    return grants.map(grant => new authorization.RoleAssignment(`${name}-${grant.role}-${grant.scopeName}`, {
        principalId: grant.principalId,
        // Stating the type lets Azure skip the directory lookup that fails for an identity created seconds ago.
        principalType: grant.principalType,
        roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[grant.role]}`,
        scope: grant.scope,
        description: grant.reason,
    }, { parent }));
}
