/**
 * Reads what `GET /api/models/{m}` answers (docs/api.md; `cloud models show --json` writes the same): `labels` as a list
 * of `{ label, version, ... }` (a `GET /api/models` entry has them as a `{ label: version }` map: both are taken),
 * `policy.traffic`, and `versions` with their `status`. So a stack can deploy to Vertex what a running Cloud serves.
 */
export function modelFromApiFile(source: string, model: string, text: string): {
    labels: Record<string, string>;
    traffic: Record<string, unknown> | undefined;
} {
    let body: any;
    try {
        body = JSON.parse(text);
    } catch (e) {
        throw new Error(`${source} is not JSON: ${(e as Error).message}`);
    }
    if (body?.name !== undefined && body.name !== model) {
        throw new Error(`${source} describes model '${body.name}', not '${model}'.`);
    }

    const labels: Record<string, string> = Array.isArray(body?.labels)
        ? Object.fromEntries(body.labels.map((l: any) => [String(l.label), String(l.version)]))
        : Object.fromEntries(Object.entries(body?.labels ?? {}).map(([l, v]) => [l, String(v)]));

    // Only a servable version can take traffic (ModelVersionStatuses.IsServable); Vertex would serve anything uploaded.
    const statuses = new Map<string, string>((Array.isArray(body?.versions) ? body.versions : [])
        .map((v: any) => [String(v.version), String(v.status)]));
    for (const [label, version] of Object.entries(labels)) {
        const status = statuses.get(version);
        if (status !== undefined && !["registered", "validating", "validated"].includes(status)) {
            throw new Error(`${source}: label '${label}' names ${model} ${version}, which is ${status}; only a servable version can be deployed.`);
        }
    }

    const traffic = body?.policy?.traffic;
    return { labels, traffic: traffic === null ? undefined : traffic };
}
