// Small formatting helpers and an element builder, so views read as the page they make.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function bytes(n) {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function number(value, digits = 4) {
  return value === null || value === undefined ? "—" : Number(value).toFixed(digits).replace(/\.?0+$/, "") || "0";
}

export function shapeOf(tensor) {
  return `${tensor.name} ${tensor.type ?? tensor.elementType ?? ""}[${(tensor.shape ?? []).map(d => (d === null || d < 0 ? "?" : d)).join(", ")}]`;
}

// Who or what made a version: the manifest's lineage (trainer, source revision, the job that trained it).
export function madeBy(lineage) {
  if (!lineage) return "uploaded (no lineage)";
  try {
    const l = typeof lineage === "string" ? JSON.parse(lineage) : lineage;
    return [l.trainer, l.sourceRevision, l.jobId ?? l.job].filter(Boolean).join(" · ") || "uploaded (no lineage)";
  } catch {
    return String(lineage);
  }
}

export function statusBadge(status) {
  return h("span", { class: `badge badge-${status}` }, status);
}
