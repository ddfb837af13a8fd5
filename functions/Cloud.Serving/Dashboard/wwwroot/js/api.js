// The management API from the browser. Every call carries the admin key the operator typed (kept in sessionStorage,
// so it leaves with the tab) and, on the Functions app, its function key. A refusal is thrown as ApiError with the
// server's own sentence, which the pages show as it is.

const adminKeyName = "cloud.adminKey";
const functionKeyName = "cloud.functionKey";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const keys = {
  get admin() { return sessionStorage.getItem(adminKeyName) ?? ""; },
  set admin(value) { store(adminKeyName, value); },
  get function() { return sessionStorage.getItem(functionKeyName) ?? ""; },
  set function(value) { store(functionKeyName, value); },
};

function store(name, value) {
  if (value) {
    sessionStorage.setItem(name, value);
  } else {
    sessionStorage.removeItem(name);
  }
}

function headers(extra) {
  const h = { Accept: "application/json", ...extra };
  if (keys.admin) h["X-Cloud-Admin-Key"] = keys.admin;
  if (keys.function) h["x-functions-key"] = keys.function;
  return h;
}

// The page is served at <base>/ui/; the API is <base>/api/, whatever <base> a proxy puts in front.
const apiRoot = new URL("../api/", document.baseURI);

async function send(method, path, { body, ifMatch, accept } = {}) {
  const extra = {};
  if (body !== undefined) extra["Content-Type"] = "application/json";
  if (ifMatch) extra["If-Match"] = ifMatch;
  if (accept) extra.Accept = accept;
  const response = await fetch(new URL(path, apiRoot), {
    method,
    headers: headers(extra),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (!response.ok) {
    throw new ApiError(response.status, await errorOf(response));
  }
  return response;
}

// The host answers every refusal as {"error": "..."}; anything else (a proxy's page) is shown by its status.
async function errorOf(response) {
  const text = await response.text();
  try {
    const error = JSON.parse(text).error;
    if (typeof error === "string") return error;
  } catch {
    // not JSON
  }
  return `${response.status} ${response.statusText}`.trim();
}

export async function getJson(path) {
  return (await send("GET", path)).json();
}

export async function getText(path) {
  return (await send("GET", path, { accept: "text/plain" })).text();
}

// JSON Lines (a curve, a tune job's trials); null while there are none (404).
export async function getLines(path) {
  try {
    const text = await (await send("GET", path, { accept: "application/x-ndjson" })).text();
    return text.split("\n").filter(line => line.trim()).map(line => JSON.parse(line));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export async function putJson(path, body, ifMatch) {
  return (await send("PUT", path, { body, ifMatch })).json();
}

export async function postJson(path, body) {
  return (await send("POST", path, { body })).json();
}

export const enc = encodeURIComponent;
