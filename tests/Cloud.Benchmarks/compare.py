#!/usr/bin/python3
"""Merge a BenchmarkDotNet run and node/bench.mjs runs into side-by-side Markdown tables.

Usage:
  /usr/bin/python3 compare.py --bdn ARTIFACTS_DIR --node node-1.jsonl [--node node-2.jsonl ...]

ARTIFACTS_DIR is BenchmarkDotNet's --artifacts folder run with `--exporters json`; every
results/*-report-full-compressed.json in it is read. Each --node file holds the JSON lines of one
round of bench.mjs; rounds are averaged, and their spread is shown as a noise indicator, since on a
shared machine the same code can differ by that much between two runs a few minutes apart.

Means are compared with means: BenchmarkDotNet's Mean (the mean over its timed iterations) and
bench.mjs's meanNs (the mean over its timed loops), both per call. Ratios are ours / node: below 1.00
means our binding is faster. Standard library only.
"""

import argparse
import glob
import json
import os
import sys

# BenchmarkDotNet type -> the model name bench.mjs uses.
MODELS = {"IrisRunBenchmark": "iris", "MlpRunBenchmark": "mlp", "OverheadBenchmark": "identity"}
NODE_APIS = ("session.run", "binding.run")


def load_bdn(folder):
    files = glob.glob(os.path.join(folder, "**", "*-report-full-compressed.json"), recursive=True)
    if not files:
        sys.exit("compare.py: no BenchmarkDotNet JSON report under %s (run it with --exporters json)" % folder)
    rows = {}
    host = None
    for path in files:
        with open(path) as f:
            report = json.load(f)
        host = host or report.get("HostEnvironmentInfo")
        for b in report["Benchmarks"]:
            model = MODELS.get(b["Type"])
            if model is None:
                continue
            params = dict(p.split("=", 1) for p in b["Parameters"].split("&") if p)
            batch = int(params.get("BatchSize", 1))
            threads = int(params.get("IntraOpThreads", 1))
            stats = b.get("Statistics")
            if not stats:
                print("compare.py: %s has no statistics (did it fail?)" % b["FullName"], file=sys.stderr)
                continue
            rows[(model, batch, threads, b["Method"])] = {
                "meanNs": stats["Mean"],
                "errorNs": stats["ConfidenceInterval"]["Margin"],
                "allocated": b["Memory"]["BytesAllocatedPerOperation"],
                "gen0": b["Memory"]["Gen0Collections"] * 1000.0 / max(1, b["Memory"]["TotalOperations"]),
            }
    return rows, host


def load_node(paths):
    runs = {}
    meta = None
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                o = json.loads(line)
                if o["kind"] == "meta":
                    meta = meta or o
                elif o["kind"] == "result":
                    runs.setdefault((o["model"], o["batch"], o["threads"], o["api"]), []).append(o)
    merged = {}
    for key, rs in runs.items():
        means = [r["meanNs"] for r in rs]
        mean = sum(means) / len(means)
        merged[key] = {
            "meanNs": mean,
            "spread": (max(means) - min(means)) / mean if len(means) > 1 else None,
            "p50Ns": sum(r["p50Ns"] for r in rs) / len(rs),
            "p99Ns": sum(r["p99Ns"] for r in rs) / len(rs),
            "rounds": len(rs),
        }
    return merged, meta


def us(ns):
    if not isinstance(ns, (int, float)) or ns != ns:
        return "n/a"  # BenchmarkDotNet writes "NaN" for a confidence interval of a single iteration.
    return "%.1f" % (ns / 1000.0) if ns < 100_000 else "%.0f" % (ns / 1000.0)


def rate(x):
    if x >= 1e6:
        return "%.2f M" % (x / 1e6)
    if x >= 1e3:
        return "%.1f k" % (x / 1e3)
    return "%.0f" % x


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "n/a"


def pct(x):
    return "n/a" if x is None else "%.0f%%" % (100 * x)


def threads_label(t):
    return "1" if t == 1 else "default"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bdn", required=True, help="BenchmarkDotNet --artifacts folder")
    ap.add_argument("--node", action="append", required=True, help="bench.mjs JSON lines (one file per round)")
    args = ap.parse_args()

    ours, host = load_bdn(args.bdn)
    node, meta = load_node(args.node)

    keys = sorted({k[:3] for k in ours if k[3] == "Run"},
                  key=lambda k: (["identity", "iris", "mlp"].index(k[0]), -k[2], k[1]))
    latency, throughput, spread = [], [], []
    for model, batch, threads in keys:
        o = ours[(model, batch, threads, "Run")]
        s = node.get((model, batch, threads, "session.run"))
        r = node.get((model, batch, threads, "binding.run"))
        latency.append([
            model, str(batch), threads_label(threads),
            us(o["meanNs"]) + " ± " + us(o["errorNs"]),
            us(s["meanNs"]) if s else "n/a",
            us(r["meanNs"]) if r else "n/a",
            "**" + ratio(o["meanNs"], s and s["meanNs"]) + "**",
            "**" + ratio(o["meanNs"], r and r["meanNs"]) + "**",
            "%d" % o["allocated"],
        ])
        throughput.append([
            model, str(batch), threads_label(threads),
            rate(1e9 / o["meanNs"]), rate(1e9 / s["meanNs"]) if s else "n/a", rate(1e9 / r["meanNs"]) if r else "n/a",
            rate(batch * 1e9 / o["meanNs"]), rate(batch * 1e9 / s["meanNs"]) if s else "n/a",
            rate(batch * 1e9 / r["meanNs"]) if r else "n/a",
        ])
        spread.append([
            model, str(batch), threads_label(threads),
            us(s["p50Ns"]) if s else "n/a", us(s["p99Ns"]) if s else "n/a",
            us(r["p50Ns"]) if r else "n/a", us(r["p99Ns"]) if r else "n/a",
            pct(s and s["spread"]), pct(r and r["spread"]),
        ])

    print("### Latency per call (mean, µs; ratio = ours / node, below 1.00 = ours faster)\n")
    print(table(["model", "batch", "intra-op threads", "ours (± 99.9% CI)", "node session.run", "node binding.run",
                 "ours / session.run", "ours / binding.run", "ours allocated B/call"], latency))
    print("\n### Throughput (calls/s and rows/s)\n")
    print(table(["model", "batch", "intra-op threads", "ours calls/s", "node session.run calls/s",
                 "node binding.run calls/s", "ours rows/s", "node session.run rows/s", "node binding.run rows/s"],
                throughput))

    floor = ours.get(("identity", 1, 1, "CApiFloor"))
    run = ours.get(("identity", 1, 1, "Run"))
    if floor and run:
        s = node.get(("identity", 1, 1, "session.run"))
        r = node.get(("identity", 1, 1, "binding.run"))
        rows = [["bare C API from .NET (the floor)", us(floor["meanNs"]), "0", "%d" % floor["allocated"]],
                ["ours: InferenceSession.Run", us(run["meanNs"]), us(run["meanNs"] - floor["meanNs"]), "%d" % run["allocated"]]]
        if r:
            rows.append(["node: napi binding.run (sync)", us(r["meanNs"]), us(r["meanNs"] - floor["meanNs"]), "n/a"])
        if s:
            rows.append(["node: await session.run", us(s["meanNs"]), us(s["meanNs"] - floor["meanNs"]), "n/a"])
        print("\n### Per-call overhead: Identity model, 1 × 3 floats, 1 intra-op thread (mean, µs)\n")
        print(table(["path", "µs per call", "µs above the C API floor", "managed B/call"], rows))

    print("\n### Node per-call distribution (µs) and round-to-round spread of the node means\n")
    print(table(["model", "batch", "intra-op threads", "session.run p50", "session.run p99", "binding.run p50",
                 "binding.run p99", "session.run spread", "binding.run spread"], spread))

    print()
    if host:
        print("BenchmarkDotNet %s, %s, %s; %s logical cores." % (
            host.get("BenchmarkDotNetVersion"), host.get("RuntimeVersion"), host.get("OsVersion"), host.get("LogicalCoreCount")))
    if meta:
        print("Node %s, onnxruntime-node %s, library %s; %d node round(s)." % (
            meta.get("node"), meta.get("onnxruntimeNode"), meta.get("library"), len(args.node)))


if __name__ == "__main__":
    main()
