// Charts over uPlot (vendor/uplot-*/uPlot.iife.min.js, loaded by index.html as the global uPlot). Each chart's box
// says what it draws in data attributes — points (x values) and sum (of every y value drawn) — so an operator's
// browser tools and the tests read the same numbers the chart was given.

const palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];

export const color = i => palette[i % palette.length];

// A chart in `box`: x values and series [{label, values, color?, dash?, points?, paths?}]. Drawn again in place when
// called again with the same box, so polling pages do not stack charts.
// xNames: a name for each x (0, 1, …), drawn instead of the numbers (versions, batch-size buckets).
export function drawChart(box, { x, series, time = false, xLabel = "", yLabel = "", bars = false, scatter = false, xNames = null, height = 220 }) {
  const sum = series.reduce((total, s) => total + s.values.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0), 0);
  box.dataset.points = String(x.length);
  box.dataset.series = String(series.length);
  box.dataset.sum = String(Math.round(sum * 1e6) / 1e6);
  const data = [x, ...series.map(s => s.values)];
  box.names = xNames;
  const existing = box.uplot;
  if (existing && existing.series.length === series.length + 1 && box.dataset.shape === shapeOf(series, bars, scatter)) {
    existing.setData(data);
    return existing;
  }

  existing?.destroy();
  box.replaceChildren();
  box.dataset.shape = shapeOf(series, bars, scatter);
  const width = Math.max(320, box.clientWidth || box.parentElement?.clientWidth || 600);
  const options = {
    width,
    height,
    scales: { x: xNames ? { time: false, range: u => [-0.5, Math.max(0.5, u.data[0].length - 0.5)] } : { time } },
    // Times need room: "10:40pm" every 40 px runs together.
    axes: [xNames ? { label: xLabel, splits: u => u.data[0], values: (u, splits) => splits.map(i => box.names?.[i] ?? "") } : { label: xLabel, space: time ? 90 : 50 },
      { label: yLabel, size: 60 }],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    series: [{ label: xLabel || "x" }, ...series.map((s, i) => seriesOptions(s, i, bars, scatter))],
  };
  const chart = new uPlot(options, data, box);
  box.uplot = chart;
  return chart;
}

function shapeOf(series, bars, scatter) {
  return `${bars}|${scatter}|${series.map(s => s.label).join("|")}`;
}

function seriesOptions(s, i, bars, scatter) {
  const stroke = s.color ?? color(i);
  const options = { label: s.label, stroke, width: 2, spanGaps: false };
  if (s.dash) options.dash = s.dash;
  if (bars) {
    // One series per bar chart here (a distribution per version), so bars never hide one another.
    options.paths = uPlot.paths.bars({ size: [0.7, 80] });
    options.fill = stroke + "99";
    options.points = { show: false };
  } else if (scatter || s.points) {
    options.paths = () => null;
    options.points = { show: true, size: 9, fill: stroke, stroke };
  } else {
    options.points = { show: true, size: 5 };
  }
  return options;
}

// A bar of the traffic split: each label's share, its width its weight.
export function splitBar(traffic) {
  const bar = document.createElement("div");
  bar.className = "split";
  const entries = Object.entries(traffic ?? {}).filter(([, weight]) => weight > 0);
  bar.dataset.segments = String(entries.length);
  if (entries.length === 0) {
    bar.classList.add("split-none");
    bar.textContent = "no split: stable, else the newest version";
    return bar;
  }
  entries.forEach(([label, weight], i) => {
    const part = document.createElement("span");
    part.style.width = `${weight}%`;
    part.style.background = color(i);
    part.dataset.label = label;
    part.textContent = `${label} ${weight}%`;
    part.title = `${label}: ${weight}%`;
    bar.append(part);
  });
  return bar;
}
