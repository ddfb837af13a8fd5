// The jobs: newest first, with status, read again every few seconds.

import { enc, getJson } from "../api.js";
import { h, statusBadge, when } from "../format.js";
import { interval, poll } from "../poll.js";
import { flash } from "../app.js";

export function jobsView() {
  let stop = () => {};
  return {
    async start(view) {
      const body = h("tbody");
      const table = h("table", { class: "jobs" },
        h("thead", {}, h("tr", {}, ["job", "kind", "model", "version", "status", "attempts", "created", "summary"].map(t => h("th", {}, t)))), body);
      view.append(h("h1", {}, "Jobs"), table);
      const read = async () => {
        const { jobs } = await getJson("jobs");
        table.dataset.count = String(jobs.length);
        body.replaceChildren(...jobs.map(j => h("tr", { dataset: { job: j.id, status: j.status } },
          h("td", {}, h("a", { href: `#/jobs/${enc(j.id)}` }, j.id)),
          h("td", {}, j.kind), h("td", {}, j.model ?? ""), h("td", {}, j.version ?? ""),
          h("td", {}, statusBadge(j.status)), h("td", {}, j.attempts), h("td", { class: "small" }, when(j.createdAt)),
          h("td", { class: "small" }, j.error ?? j.summary ?? ""))));
        if (jobs.length === 0) body.append(h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No jobs yet.")));
      };
      await read();
      stop = poll(read, interval, flash);
    },
    stop: () => stop(),
  };
}
