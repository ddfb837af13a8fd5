// A model: its card, the operator's actions (move a label, set the split, retire a version), its last hour per
// version from the host's own windows (requests, errors, p50/p99, batch sizes), each version's validation metrics
// against its thresholds, and its promotion history as a timeline.

import { enc, getJson, postJson, putJson } from "../api.js";
import { color, drawChart } from "../charts.js";
import { h, number, statusBadge, when } from "../format.js";
import { interval, poll } from "../poll.js";
import { flash } from "../app.js";
import { modelCard, updateRoutes } from "./modelCard.js";

export function modelView(name) {
  let stop = () => {};
  let view;

  async function render() {
    const detail = await getJson(`models/${enc(name)}`);
    const card = modelCard(detail, { link: false });
    const charts = h("section", { class: "card" }, h("h2", {}, "Last hour (this host)"),
      h("div", { class: "grid" },
        chartFigure("requests", "Requests per minute"),
        chartFigure("errors", "Error rate per minute (5xx solid, 4xx dashed), %"),
        chartFigure("latency", "Latency per minute (p50 solid, p99 dashed), ms")),
      h("h3", {}, "Batch sizes (since loaded)"),
      h("div", { class: "grid", id: "batches" }));
    const quality = h("section", { class: "card" }, h("h2", {}, "Validation metrics against thresholds"), h("div", { class: "grid", id: "metrics" }));
    const history = h("section", { class: "card" }, h("h2", {}, "Promotion history"), h("ol", { class: "timeline", id: "promotions" }));
    view.replaceChildren(h("h1", {}, name), card, actions(detail), charts, quality, history);
    await Promise.all([drawStats(view), drawMetrics(view, detail), drawPromotions(view, detail)]);
    return card;
  }

  // After an action: everything read again, the forms with the new ETags.
  async function reload(message) {
    stop();
    const card = await render();
    flash(message);
    startPolling(card);
  }

  function startPolling(card) {
    stop = poll(async () => {
      updateRoutes(card, await getJson(`models/${enc(name)}`));
      await drawStats(view);
    }, interval, flash);
  }

  function actions(detail) {
    const servable = detail.versions.filter(v => ["registered", "validating", "validated"].includes(v.status)).map(v => v.version);
    const labels = detail.labels;

    // Move a label: the ETag is the label's as this page read it, so a move made meanwhile elsewhere is a 412.
    const labelSelect = h("select", { name: "label" },
      labels.map(l => h("option", { value: l.label }, l.label)), h("option", { value: "" }, "new label…"));
    const newLabel = h("input", { name: "new-label", placeholder: "new label", hidden: labels.length > 0 });
    if (labels.length === 0) labelSelect.value = "";
    labelSelect.addEventListener("change", () => { newLabel.hidden = labelSelect.value !== ""; });
    const versionSelect = h("select", { name: "version" }, servable.map(v => h("option", { value: v }, v)));
    const moveForm = h("form", { class: "action", id: "move-label", onsubmit: async event => {
      event.preventDefault();
      const label = labelSelect.value || newLabel.value.trim();
      const read = labels.find(l => l.label === label);
      try {
        await putJson(`models/${enc(name)}/labels/${enc(label)}`, { version: versionSelect.value }, read?.eTag);
        await reload(`${label} now points at ${versionSelect.value}.`);
      } catch (error) {
        flash(error);
      }
    } }, h("h3", {}, "Move a label"), labelSelect, newLabel, " → ", versionSelect, h("button", { type: "submit" }, "Move"));

    // Set the split: a weight per label, sent with the policy's ETag as read.
    const weights = labels.map(l => h("label", {}, l.label, " ",
      h("input", { type: "number", min: 0, max: 100, step: 1, name: l.label, value: detail.policy?.traffic?.[l.label] ?? 0, class: "weight" })));
    const splitForm = h("form", { class: "action", id: "set-split", onsubmit: async event => {
      event.preventDefault();
      const traffic = {};
      for (const input of splitForm.querySelectorAll("input.weight")) {
        const weight = Number(input.value);
        if (weight > 0) traffic[input.name] = weight;
      }
      try {
        await putJson(`models/${enc(name)}/policy`, { traffic, requireValidation: detail.policy?.requireValidation ?? false }, detail.policy?.eTag);
        await reload(Object.keys(traffic).length ? `The split is now ${Object.entries(traffic).map(([l, w]) => `${l} ${w}%`).join(", ")}.` : "The split is cleared.");
      } catch (error) {
        flash(error);
      }
    } }, h("h3", {}, "Traffic split"), weights.length ? weights : h("span", { class: "muted" }, "Make a label first."),
      h("button", { type: "submit", disabled: weights.length === 0 }, "Set split"));

    // Retire a version: the registry refuses while a label points at it, and says so.
    const retireSelect = h("select", { name: "retire" }, servable.map(v => h("option", { value: v }, v)));
    const reason = h("input", { name: "reason", placeholder: "reason", value: "retired from the dashboard" });
    const retireForm = h("form", { class: "action", id: "retire", onsubmit: async event => {
      event.preventDefault();
      try {
        await postJson(`models/${enc(name)}/versions/${enc(retireSelect.value)}/retire`, { reason: reason.value });
        await reload(`${name} ${retireSelect.value} is retired.`);
      } catch (error) {
        flash(error);
      }
    } }, h("h3", {}, "Retire a version"), retireSelect, reason, h("button", { type: "submit", class: "danger" }, "Retire"));

    return h("section", { class: "card actions" }, h("h2", {}, "Actions (need the admin key)"), h("div", { class: "row" }, moveForm, splitForm, retireForm));
  }

  async function drawStats(root) {
    const stats = await getJson(`models/${enc(name)}/stats`);
    const x = stats.versions[0]?.perMinute.map(m => Date.parse(m.at) / 1000) ?? [];
    const series = (pick, options = {}) => stats.versions.map((v, i) => ({ label: `${v.version}${options.suffix ?? ""}`, values: v.perMinute.map(pick), color: color(i), dash: options.dash }));
    const percent = (count, m) => (m.requests ? (100 * count) / m.requests : null);
    drawChart(root.querySelector('[data-chart="requests"]'), { x, time: true, yLabel: "requests", series: series(m => m.requests) });
    drawChart(root.querySelector('[data-chart="errors"]'), { x, time: true, yLabel: "%",
      series: [...series(m => percent(m.serverErrors, m), { suffix: " 5xx" }), ...series(m => percent(m.clientErrors, m), { suffix: " 4xx", dash: [6, 4] })] });
    drawChart(root.querySelector('[data-chart="latency"]'), { x, time: true, yLabel: "ms",
      series: [...series(m => m.p50Ms, { suffix: " p50" }), ...series(m => m.p99Ms, { suffix: " p99", dash: [6, 4] })] });

    const batches = root.querySelector("#batches");
    const loaded = stats.versions.filter(v => v.batching);
    if (loaded.length === 0) {
      batches.replaceChildren(h("p", { class: "muted" }, "No version is loaded."));
    }
    for (const v of loaded) {
      let box = batches.querySelector(`[data-chart="batches-${CSS.escape(v.version)}"]`);
      if (!box) {
        batches.querySelector("p.muted")?.remove();
        const figure = chartFigure(`batches-${v.version}`, `${v.version}: batches by real rows`);
        batches.append(figure);
        box = figure.querySelector(".chart");
      }
      const buckets = v.batching.batchSizes;
      const names = buckets.map(b => (b.minRows === b.maxRows ? `${b.minRows}` : `${b.minRows}-${b.maxRows}`));
      drawChart(box, { x: buckets.map((_, i) => i), bars: true, xLabel: "rows", yLabel: "batches", xNames: names,
        series: [{ label: v.version, values: buckets.map(b => b.batches), color: color(stats.versions.indexOf(v)) }] });
    }
  }

  return {
    async start(root) {
      view = root;
      startPolling(await render());
    },
    stop: () => stop(),
  };
}

// A titled figure for a chart; the chart is drawn into its box (.chart), whose data attributes tell what it holds.
function chartFigure(name, title) {
  return h("figure", {}, h("figcaption", {}, title), h("div", { class: "chart", dataset: { chart: name } }));
}

// Each metric a version was validated on: the version's latest value (points) and the threshold its manifest set (line).
async function drawMetrics(root, detail) {
  // Oldest version first, left to right.
  const versions = [...detail.versions].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const histories = await Promise.all(versions.map(v => getJson(`models/${enc(detail.name)}/versions/${enc(v.version)}/metrics`)));
  const measured = histories.filter(hst => hst.metrics.length > 0);
  const names = [...new Set(measured.flatMap(hst => Object.keys(hst.metrics.at(-1).metrics)))].sort();
  const grid = root.querySelector("#metrics");
  if (names.length === 0) {
    grid.append(h("p", { class: "muted" }, "No version has been validated yet."));
    return;
  }
  for (const metric of names) {
    const rows = measured.filter(hst => metric in hst.metrics.at(-1).metrics);
    const figure = chartFigure(`metric-${metric}`, `${metric}: latest validation per version`);
    grid.append(figure);
    const box = figure.querySelector(".chart");
    const hasThreshold = rows.some(r => typeof r.thresholds?.[metric] === "number");
    drawChart(box, { x: rows.map((_, i) => i), xLabel: "version", yLabel: metric, xNames: rows.map(r => r.version),
      series: [
        { label: metric, values: rows.map(r => r.metrics.at(-1).metrics[metric]), points: true, color: color(0) },
        { label: hasThreshold ? "threshold" : "threshold (none set)", values: rows.map(r => r.thresholds?.[metric] ?? null), color: color(1), dash: [6, 4] },
      ] });
    figure.append(h("table", { class: "small", dataset: { metricTable: metric } },
      h("tr", {}, h("th", {}, "version"), h("th", {}, metric), h("th", {}, "threshold"), h("th", {}, "outcome")),
      rows.map(r => h("tr", {}, h("td", {}, r.version), h("td", {}, number(r.metrics.at(-1).metrics[metric])),
        h("td", {}, number(r.thresholds?.[metric])), h("td", {}, statusBadge(r.metrics.at(-1).outcome))))));
  }
}

// Every version's promotion attempts, newest first, as one timeline.
async function drawPromotions(root, detail) {
  const histories = await Promise.all(detail.versions.map(v => getJson(`models/${enc(detail.name)}/versions/${enc(v.version)}/promotions`)));
  const entries = histories.flatMap(hst => hst.promotions.map(p => ({ ...p, version: hst.version }))).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const list = root.querySelector("#promotions");
  list.dataset.count = String(entries.length);
  if (entries.length === 0) {
    list.append(h("li", { class: "muted" }, "No promotion yet."));
  }
  for (const p of entries) {
    list.append(h("li", { class: `outcome-${p.outcome}` },
      h("time", {}, when(p.at)), " ", h("strong", {}, p.version), " ", statusBadge(p.outcome), " ", h("span", { class: "muted" }, p.trigger),
      p.steps?.length ? h("div", {}, p.steps.join("; ")) : null,
      p.reason ? h("div", { class: "muted" }, p.reason) : null));
  }
}
