import * as gcp from "@pulumi/gcp";
import { services } from "./names";

/**
 * The project's APIs, enabled before anything that needs them. Destroying the stack leaves them on: other things in the
 * project may use them, and turning an API off deletes what it holds.
 */
export function enableServices(prefix: string, project: string): gcp.projects.Service[] {
    return services.map(service => new gcp.projects.Service(`${prefix}-${service.split(".")[0]}`, {
        project,
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
    }));
}
