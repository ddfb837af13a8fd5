#!/usr/bin/env bash
# Reproduces the "ONNX Runtime binding (issue #2)" section of docs/performance.md, now over the NuGet package
# Microsoft.ML.OnnxRuntime: the BenchmarkDotNet suite and the same models through onnxruntime-node (same ORT version), on one
# machine in one invocation, then a side-by-side table with ratios.
#
# Usage: tests/Cloud.Benchmarks/run.sh [--quick]
#   --quick  a smoke run (seconds per case instead of the real job); its numbers are not for the docs.
#
# Everything lands in tests/Cloud.Benchmarks/BenchmarkDotNet.Artifacts/run-<UTC time>/ (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
quick=0
case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

fail() { echo "run.sh: $*" >&2; exit 1; }

out="$here/BenchmarkDotNet.Artifacts/run-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# 1. The MLP is generated, not committed (5 MB of random weights, fixed seed: the same bytes every time).
mlp="$repo/samples/models/bench/mlp/model.onnx"
if [[ ! -f "$mlp" ]]; then
  /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null ||
    fail "$mlp is missing and /usr/bin/python3 cannot import onnx and numpy to generate it: install the Debian packages python3-onnx and python3-numpy."
  /usr/bin/python3 "$repo/samples/models/bench/generate.py" --only mlp
fi

# 2. Build (NuGet brings ONNX Runtime's native library).
echo "== building (Release)"
# Other builds may hold the shared obj/ folders for a moment: retry a lock failure twice before giving up.
for attempt in 1 2 3; do
  if dotnet build -c Release "$here/Cloud.Benchmarks.csproj" --nologo -v quiet -clp:ErrorsOnly > "$out/build.log" 2>&1; then
    break
  fi
  if (( attempt == 3 )) || ! grep -qiE 'being used by another process|locked' "$out/build.log"; then
    cat "$out/build.log" >&2
    fail "the build failed; see above"
  fi
  echo "   a file was locked by another build; retrying in 20 s"
  sleep 20
done
bin="$here/bin/Release/net10.0"

# 3. Node's side: onnxruntime-node at the NuGet package's version, installed beside bench.mjs (scripts off: its
# install script only downloads CUDA files). The two packages ship separate builds of the same ORT version.
ort_version=1.32.0
if [[ ! -f "$here/node/node_modules/onnxruntime-node/package.json" ]]; then
  (cd "$here/node" && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "onnxruntime-node@$ort_version") ||
    fail "could not install onnxruntime-node@$ort_version into $here/node"
fi
case "$(uname -m)" in aarch64|arm64) arch=arm64 ;; *) arch=x64 ;; esac
node_lib="$here/node/node_modules/onnxruntime-node/bin/napi-v6/linux/$arch/libonnxruntime.so.1"

# 4. The machine, for the record.
{
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet: sdk $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')"
  echo "node: $(node --version)"
  echo "onnxruntime: $(node -p "require('$here/node/node_modules/onnxruntime-node/package.json').version") (libonnxruntime.so.1 sha256 $(sha256sum "$node_lib" | cut -c1-16)…)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

node_args=(--repo "$repo")
bdn_args=(--exporters json --launchCount 1 --warmupCount 3 --iterationCount 10)
if (( quick )); then
  node_args+=(--quick)
  bdn_args=(--exporters json --job dry)
fi

# 5. Per model: Node, BenchmarkDotNet, Node. Each .NET measurement is bracketed in time by two Node rounds of
# the same model a minute or so apart, so a change in the machine's background load shows up as the spread
# between those rounds instead of silently skewing a ratio.
for pair in identity:OverheadBenchmark iris:IrisRunBenchmark mlp:MlpRunBenchmark; do
  model="${pair%%:*}" class="${pair#*:}"
  echo "== $model: node round 1"
  node "$here/node/bench.mjs" "${node_args[@]}" --model "$model" --round 1 >> "$out/node-1.jsonl"
  echo "== $model: BenchmarkDotNet $class (log: $out/bdn-$model.log)"
  if ! dotnet "$bin/Cloud.Benchmarks.dll" --filter "*.$class.*" --artifacts "$out/bdn/$model" "${bdn_args[@]}" > "$out/bdn-$model.log" 2>&1; then
    tail -n 40 "$out/bdn-$model.log" >&2
    fail "BenchmarkDotNet failed; the full log is $out/bdn-$model.log"
  fi
  echo "== $model: node round 2"
  node "$here/node/bench.mjs" "${node_args[@]}" --model "$model" --round 2 >> "$out/node-2.jsonl"
done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

# 6. The side-by-side table.
echo
/usr/bin/python3 "$here/compare.py" --bdn "$out/bdn" --node "$out/node-1.jsonl" --node "$out/node-2.jsonl" | tee "$out/summary.md"
echo
echo "results: $out"
