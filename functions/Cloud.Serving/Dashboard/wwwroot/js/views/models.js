// Every model: its versions, labels, the split and the routes, read again every few seconds.

import { enc, getJson } from "../api.js";
import { h } from "../format.js";
import { interval, poll } from "../poll.js";
import { flash } from "../app.js";
import { modelCard, updateRoutes } from "./modelCard.js";

export function modelsView() {
  let stop = () => {};
  return {
    async start(view) {
      const { models } = await getJson("models");
      const list = h("div", { class: "models", dataset: { count: String(models.length) } });
      view.append(h("h1", {}, "Models"), list);
      if (models.length === 0) {
        list.append(h("p", { class: "muted" }, "No models are registered yet."));
      }
      const details = await Promise.all(models.map(m => getJson(`models/${enc(m.name)}`)));
      details.forEach(detail => list.append(modelCard(detail)));
      stop = poll(async () => {
        for (const card of list.querySelectorAll("section[data-model]")) {
          updateRoutes(card, await getJson(`models/${enc(card.dataset.model)}`));
        }
      }, interval, flash);
    },
    stop: () => stop(),
  };
}
