import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { deployAzure } from "./azure";
import { readSettings } from "./config";
import { deployGcp } from "./gcp";

const settings = readSettings();

// The management API's second key (X-Cloud-Admin-Key, docs/functions.md); generated unless the stack sets cloud:adminKey.
// Marked secret here too, so that no path (app setting, output, routing) can show it in plain text.
const adminKey = pulumi.secret(settings.adminKey ?? new random.RandomPassword("admin-key", { length: 48, special: false }).result);

export const azure = settings.azure ? deployAzure(settings.namePrefix, settings.azure, adminKey).outputs : undefined;
export const managementAdminKey = adminKey;
export const gcp = settings.gcp ? deployGcp(settings.namePrefix, settings.gcp).outputs : undefined;
