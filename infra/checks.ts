/** Value checks shared by every part of config; each error names the key (`cloud:{key}`) and the bad value. */

export function integer(key: string, value: unknown, min: number, max: number): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw new Error(`cloud:${key} must be a whole number from ${min} to ${max}; got '${value}'.`);
    }
    return n;
}

export function boolean(key: string, value: unknown): boolean {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw new Error(`cloud:${key} must be true or false; got '${value}'.`);
}

/** A split's weights: whole numbers 0 to 100 that sum to 100 (the management API's rule, and Vertex's). */
export function weights(key: string, raw: unknown): Record<string, number> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new Error(`cloud:${key} must map label names to weights; got '${JSON.stringify(raw)}'.`);
    }
    const entries = Object.entries(raw as Record<string, unknown>).map(([l, w]) => [l, integer(`${key}.${l}`, w, 0, 100)] as const);
    const sum = entries.reduce((total, [, w]) => total + w, 0);
    if (sum !== 100) {
        throw new Error(`cloud:${key} weights must sum to 100; these sum to ${sum}.`);
    }
    return Object.fromEntries(entries);
}
