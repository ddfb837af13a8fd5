// The dashboard's shell: the keys form, the flash line where every refusal is shown as the server worded it, and a
// hash router (#/models, #/models/{name}, #/jobs, #/jobs/{id}) whose views poll while they are shown.

import { ApiError, keys } from "./api.js";
import { modelsView } from "./views/models.js";
import { modelView } from "./views/model.js";
import { jobsView } from "./views/jobs.js";
import { jobView } from "./views/job.js";

const view = document.getElementById("view");
const flashLine = document.getElementById("flash");
let current = null;

// Shows an outcome: a refusal's status and the server's sentence, or what was done.
export function flash(outcome) {
  if (outcome instanceof ApiError) {
    flashLine.className = outcome.status === 409 || outcome.status === 412 ? "conflict" : "error";
    flashLine.dataset.status = String(outcome.status);
    const title = outcome.status === 412
      ? "Conflict: it changed since this page read it (412). Reload to see the current state."
      : outcome.status === 409 ? "Refused (409)." : `Refused (${outcome.status}).`;
    flashLine.replaceChildren(strong(title), " ", outcome.message);
  } else if (outcome instanceof Error) {
    flashLine.className = "error";
    flashLine.dataset.status = "";
    flashLine.replaceChildren(strong("Error."), " ", outcome.message);
  } else {
    flashLine.className = "done";
    flashLine.dataset.status = "";
    flashLine.textContent = outcome;
  }
  flashLine.hidden = false;
}

export function clearFlash() {
  flashLine.hidden = true;
  flashLine.replaceChildren();
}

function strong(text) {
  const b = document.createElement("strong");
  b.textContent = text;
  return b;
}

const routes = [
  [/^#\/models\/([^/]+)$/, m => modelView(decodeURIComponent(m[1]))],
  [/^#\/jobs\/([^/]+)$/, m => jobView(decodeURIComponent(m[1]))],
  [/^#\/jobs$/, () => jobsView()],
  [/^#\/models$/, () => modelsView()],
];

async function route() {
  current?.stop?.();
  clearFlash();
  const hash = location.hash || "#/models";
  let make = routes[3][1];
  let match = null;
  for (const [pattern, view] of routes) {
    match = hash.match(pattern);
    if (match) {
      make = view;
      break;
    }
  }
  document.querySelectorAll("[data-nav]").forEach(a => a.classList.toggle("active", hash.startsWith(`#/${a.dataset.nav}`)));
  view.replaceChildren();
  view.dataset.ready = "false";
  current = make(match);
  try {
    await current.start(view);
  } catch (error) {
    flash(error);
  } finally {
    view.dataset.ready = "true";
  }
}

const adminInput = document.getElementById("admin-key");
const functionInput = document.getElementById("function-key");
adminInput.value = keys.admin;
functionInput.value = keys.function;
document.getElementById("keys").addEventListener("submit", event => {
  event.preventDefault();
  keys.admin = adminInput.value.trim();
  keys.function = functionInput.value.trim();
  route();
});

window.addEventListener("hashchange", route);
route();
