// One job: its record, the log tail live, a train job's curve drawn as it grows, a tune job's trials as a scatter of
// each hyper-parameter against the metric, and cancel.

import { enc, getJson, getLines, getText, postJson } from "../api.js";
import { color, drawChart } from "../charts.js";
import { h, statusBadge, when } from "../format.js";
import { interval, poll } from "../poll.js";
import { flash } from "../app.js";

const finished = ["succeeded", "failed", "dead-lettered", "cancelled"];

// The x of a curve point: the trainer's own step or epoch when it writes one, else the line's number.
const stepKeys = ["step", "epoch", "iteration"];

export function jobView(id) {
  let stop = () => {};
  return {
    async start(view) {
      const record = h("dl", { class: "job" });
      const log = h("pre", { class: "log", id: "log" });
      const cancel = h("button", { type: "button", class: "danger", id: "cancel", onclick: async () => {
        try {
          const job = await postJson(`jobs/${enc(id)}/cancel`);
          flash(job.status === "cancelled" ? `${id} is cancelled.` : `${id}: cancel requested; it stops within a heartbeat.`);
          await read();
        } catch (error) {
          flash(error);
        }
      } }, "Cancel job");
      const curve = h("section", { class: "card", hidden: true }, h("h2", {}, "Training curve"), h("div", { class: "grid", id: "curve" }));
      const trials = h("section", { class: "card", hidden: true }, h("h2", {}, "Trials: each hyper-parameter against the metric"), h("div", { class: "grid", id: "trials" }));
      view.append(h("h1", {}, id), h("section", { class: "card" }, record, cancel), h("section", { class: "card" }, h("h2", {}, "Log"), log), curve, trials);
      let fullLog = false;

      const read = async () => {
        const job = await getJson(`jobs/${enc(id)}`);
        const done = finished.includes(job.status);
        cancel.hidden = done;
        record.replaceChildren(...[
          ["kind", job.kind], ["model", job.model ?? "—"], ["version", job.version ?? "—"], ["status", statusBadge(job.status)],
          ["attempts", job.attempts], ["created", when(job.createdAt)], ["started", when(job.startedAt)], ["finished", when(job.finishedAt)],
          ["worker", job.worker ?? "—"], ["summary", job.summary ?? "—"], ["error", job.error ?? "—"],
        ].flatMap(([k, v]) => [h("dt", {}, k), h("dd", { dataset: { field: k } }, v)]));
        // Running: the tail the runner's heartbeat keeps on the row; ended: the full log, stored once per run.
        if (done && job.attempts > 0 && !fullLog) {
          log.textContent = await getText(`jobs/${enc(id)}/log`);
          fullLog = true;
        } else if (!done) {
          log.textContent = job.logTail ?? "(no output yet)";
        }
        log.scrollTop = log.scrollHeight;
        if (job.kind === "train") {
          const points = await getLines(`jobs/${enc(id)}/curve`);
          if (points) {
            curve.hidden = false;
            drawCurve(curve.querySelector("#curve"), points);
          }
        }
        if (job.kind === "tune") {
          const records = await getLines(`jobs/${enc(id)}/trials`);
          if (records) {
            trials.hidden = false;
            drawTrials(trials.querySelector("#trials"), records, job.spec?.metric ?? "metric");
          }
        }
      };
      await read();
      stop = poll(read, interval, flash);
    },
    stop: () => stop(),
  };
}

function drawCurve(grid, points) {
  const step = stepKeys.find(k => points.some(p => typeof p[k] === "number"));
  const x = points.map((p, i) => (step && typeof p[step] === "number" ? p[step] : i + 1));
  const names = [...new Set(points.flatMap(p => Object.keys(p).filter(k => k !== step && typeof p[k] === "number")))];
  // Losses and scores differ in scale: one chart per quantity, each growing as the trainer writes.
  names.forEach((name, i) => {
    let box = grid.querySelector(`[data-chart="curve-${CSS.escape(name)}"]`);
    if (!box) {
      const figure = h("figure", {}, h("figcaption", {}, name), h("div", { class: "chart", dataset: { chart: `curve-${name}` } }));
      grid.append(figure);
      box = figure.querySelector(".chart");
    }
    drawChart(box, { x, xLabel: step ?? "line", yLabel: name,
      series: [{ label: name, values: points.map(p => (typeof p[name] === "number" ? p[name] : null)), color: color(i) }] });
  });
}

function drawTrials(grid, records, metric) {
  const measured = records.filter(r => typeof r.metric === "number");
  const names = [...new Set(measured.flatMap(r => Object.keys(r.hyperParameters ?? {}).filter(k => typeof r.hyperParameters[k] === "number")))].sort();
  names.forEach((name, i) => {
    let box = grid.querySelector(`[data-chart="trials-${CSS.escape(name)}"]`);
    if (!box) {
      const figure = h("figure", {}, h("figcaption", {}, `${metric} by ${name}`), h("div", { class: "chart", dataset: { chart: `trials-${name}` } }));
      grid.append(figure);
      box = figure.querySelector(".chart");
    }
    // uPlot wants x ascending: the trials sorted by this hyper-parameter.
    const pairs = measured.filter(r => typeof r.hyperParameters[name] === "number")
      .map(r => [r.hyperParameters[name], r.metric]).sort((a, b) => a[0] - b[0]);
    drawChart(box, { x: pairs.map(p => p[0]), xLabel: name, yLabel: metric, scatter: true,
      series: [{ label: metric, values: pairs.map(p => p[1]), color: color(i) }] });
  });
}
