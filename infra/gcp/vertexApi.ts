/** How the rollout reaches Vertex AI's REST API (v1): where, as whom, and how long it waits for operations. */
export interface VertexApiOptions {
    /** `https://{region}-aiplatform.googleapis.com`, or a loopback fake in tests. */
    apiEndpoint: string;
    /** An OAuth access token with the cloud-platform scope. */
    token: () => Promise<string>;
    /** Longest wait for one long-running operation. */
    operationTimeoutMs: number;
    /** First wait between polls of an operation; doubled after each poll up to maxPollIntervalMs. */
    pollIntervalMs: number;
    maxPollIntervalMs: number;
}

/** google.longrunning.Operation as Vertex's REST API returns it. */
export interface Operation {
    name: string;
    done?: boolean;
    error?: { code?: number; message?: string; status?: string };
    response?: any;
}

/** A request Vertex answered with an error status; `status` lets callers treat 404 as "not there". */
export class VertexError extends Error {
    constructor(message: string, readonly status: number) {
        super(message);
        this.name = "VertexError";
    }
}

/**
 * A thin client over Vertex's REST API: JSON in and out, Vertex's own error message in every failure, and operations
 * polled to the end (done with a response, done with an error, or the timeout).
 */
export class VertexApi {
    constructor(private readonly options: VertexApiOptions) { }

    async call(method: string, path: string, body?: unknown): Promise<any> {
        const response = await fetch(`${this.options.apiEndpoint}/v1/${path}`, {
            method,
            headers: { authorization: `Bearer ${await this.options.token()}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) {
            // Google APIs answer { error: { code, message, status } }; the message is what a person needs to read.
            let message = text;
            try {
                const error = JSON.parse(text)?.error;
                message = error?.status ? `${error.status}: ${error.message}` : error?.message ?? text;
            } catch { /* not JSON: the text as it is */ }
            throw new VertexError(`Vertex AI refused ${method} ${path} (${response.status}): ${message}`, response.status);
        }
        return text === "" ? {} : JSON.parse(text);
    }

    /** A GET that answers undefined for 404 (a model or endpoint that does not exist yet). */
    async find(path: string): Promise<any | undefined> {
        try {
            return await this.call("GET", path);
        } catch (e) {
            if (e instanceof VertexError && e.status === 404) return undefined;
            throw e;
        }
    }

    /** Starts an operation and waits for its response; `what` names it in every error. */
    async run(what: string, method: string, path: string, body?: unknown): Promise<any> {
        const operation = await this.call(method, path, body) as Operation;
        return this.wait(what, operation);
    }

    async wait(what: string, operation: Operation): Promise<any> {
        const deadline = Date.now() + this.options.operationTimeoutMs;
        let delay = this.options.pollIntervalMs;
        let current = operation;
        while (!current.done) {
            if (Date.now() + delay > deadline) {
                throw new Error(`${what} did not finish within ${this.options.operationTimeoutMs / 1000} s: Vertex operation ${operation.name} is still running. ` +
                    "It may still finish; the next `pulumi up` starts from what Vertex then has (raise cloud:gcp.operationTimeoutMinutes for slow deployments).");
            }
            await new Promise(resolve => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, this.options.maxPollIntervalMs);
            current = await this.call("GET", operation.name) as Operation;
        }
        if (current.error) {
            const { code, status, message } = current.error;
            throw new Error(`${what} failed: Vertex operation ${operation.name} ended with error ${status ?? code ?? ""}: ${message ?? "(no message)"}`);
        }
        return current.response ?? {};
    }
}
