// One model as the models page and the model page both show it: versions (status, sha256, size, signature, who made
// it and when), labels with the route each takes now, and the traffic split as a bar.

import { enc } from "../api.js";
import { splitBar } from "../charts.js";
import { bytes, h, madeBy, shapeOf, statusBadge, when } from "../format.js";

export function modelCard(detail, { link = true } = {}) {
  return h("section", { class: "card model", dataset: { model: detail.name } },
    h("h2", {}, link ? h("a", { href: `#/models/${enc(detail.name)}` }, detail.name) : detail.name),
    h("div", { class: "row" },
      h("div", { class: "grow" }, h("h3", {}, "Labels"), labelsTable(detail)),
      h("div", { class: "grow" }, h("h3", {}, "Traffic split"), splitBar(detail.policy?.traffic),
        h("p", { class: "muted" }, detail.policy?.requireValidation ? "Labels need validated versions." : ""))),
    h("h3", {}, "Versions"),
    versionsTable(detail));
}

function labelsTable(detail) {
  const routed = detail.routing?.labels ?? {};
  const rows = detail.labels.map(label => h("tr", { dataset: { label: label.label } },
    h("td", {}, label.label),
    h("td", { dataset: { registry: "" } }, label.version),
    h("td", { dataset: { route: "" } }, routed[label.label] ?? "— (not loaded yet)"),
    h("td", { class: "muted" }, when(label.updatedAt))));
  if (rows.length === 0) {
    rows.push(h("tr", {}, h("td", { colspan: 4, class: "muted" }, `No labels: requests go to ${detail.routing?.newest ?? "the newest version"}.`)));
  }
  return h("table", { class: "labels" },
    h("thead", {}, h("tr", {}, h("th", {}, "label"), h("th", {}, "registry"), h("th", { title: "the version routing serves for this label now" }, "routes to now"), h("th", {}, "moved"))),
    h("tbody", {}, rows));
}

// Updates the "routes to now" cells from a fresh read, leaving the rest (and the ETags the forms hold) as they were.
export function updateRoutes(card, detail) {
  const routed = detail.routing?.labels ?? {};
  card.querySelectorAll("tr[data-label]").forEach(row => {
    const label = row.dataset.label;
    row.querySelector("[data-route]").textContent = routed[label] ?? "— (not loaded yet)";
    const registry = detail.labels.find(l => l.label === label);
    if (registry) row.querySelector("[data-registry]").textContent = registry.version;
  });
}

function versionsTable(detail) {
  // Newest first, as the registry lists them.
  const versions = detail.versions;
  return h("table", { class: "versions" },
    h("thead", {}, h("tr", {},
      ["version", "status", "sha256", "size", "signature", "made by", "registered"].map(t => h("th", {}, t)))),
    h("tbody", {}, versions.map(v => h("tr", { dataset: { version: v.version } },
      h("td", {}, v.version),
      h("td", {}, statusBadge(v.status), v.failureReason ? h("div", { class: "muted small" }, v.failureReason) : null),
      h("td", { class: "mono", title: v.sha256 ?? "" }, v.sha256 ? `${v.sha256.slice(0, 12)}…` : "—"),
      h("td", {}, bytes(v.size)),
      h("td", { class: "small" }, signature(v.signature)),
      h("td", { class: "small" }, madeBy(v.lineage)),
      h("td", { class: "small" }, when(v.createdAt))))));
}

function signature(sig) {
  if (!sig) return "—";
  return h("div", {},
    h("div", {}, "in: ", sig.inputs.map(shapeOf).join("; ")),
    h("div", {}, "out: ", sig.outputs.map(shapeOf).join("; ")));
}
