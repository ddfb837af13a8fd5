import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";

export interface Monitoring {
    workspace: operationalinsights.Workspace;
    insights: applicationinsights.Component;
    /** The job environment's log destination key: read from the workspace, kept secret. */
    workspaceSharedKey: pulumi.Output<string>;
}

/** One Log Analytics workspace behind one Application Insights: the Function App and the job runner write to both. */
export function createMonitoring(prefix: string, group: resources.ResourceGroup, location: string): Monitoring {
    const workspace = new operationalinsights.Workspace(`${prefix}-logs`, {
        resourceGroupName: group.name,
        location,
        sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
        retentionInDays: 30,
    });
    const insights = new applicationinsights.Component(`${prefix}-insights`, {
        resourceGroupName: group.name,
        location,
        kind: "web",
        applicationType: applicationinsights.ApplicationType.Web,
        // Workspace-based: telemetry lands in the same workspace as the job runner's container logs.
        workspaceResourceId: workspace.id,
        ingestionMode: applicationinsights.IngestionMode.LogAnalytics,
    });
    const keys = operationalinsights.getSharedKeysOutput({ resourceGroupName: group.name, workspaceName: workspace.name });
    return { workspace, insights, workspaceSharedKey: pulumi.secret(keys.apply(k => k.primarySharedKey ?? "")) };
}
