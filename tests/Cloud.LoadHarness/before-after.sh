#!/usr/bin/env bash
# Issue 14's before/after: a build of an earlier commit (default: the last one on our own ONNX Runtime binding) serving
# beside this checkout's host, side by side in one run per concurrency (docs/performance.md).
#   tests/Cloud.LoadHarness/before-after.sh [COMMIT] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
commit="${1:-d64f5eb}"; rounds="${2:-5}"
before="$(mktemp -d)/before"
git worktree add --detach "$before" "$commit" >/dev/null
trap 'git worktree remove --force "$before"' EXIT
# Before the rooms the host was functions/Cloud.Functions; after, functions/Cloud.Host.
project=functions/Cloud.Functions; [ -d "$before/functions/Cloud.Host" ] && project=functions/Cloud.Host
dotnet build -c Release "$before/$project" -v q -nologo >/dev/null
dotnet build -c Release tests/Cloud.LoadHarness -v q -nologo >/dev/null
B="$before/$project/bin/Release/net10.0/$(basename "$project")"
H=tests/Cloud.LoadHarness/bin/Release/net10.0/Cloud.LoadHarness
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u); before = $commit"
for c in 1 16 64 256; do
  # Builds before the settings split (d64f5eb and older) read batching from Cloud:Cache:Batching, later ones from
  # Cloud:Batching: the earlier build gets both keys, and ignores the one it does not know.
  "$H" compare "$rounds" "$c" bare \
    "@$B --Cloud:Cache:Batching:Enabled false --Cloud:Batching:Enabled false" "@$B --Cloud:Cache:Batching:Enabled true --Cloud:Batching:Enabled true" \
    "--Cloud:Batching:Enabled false" "--Cloud:Batching:Enabled true"
done

# Cold start, alternating: process start -> first successful iris prediction, fresh data directory (seeding and
# registration included). Both spellings of the settings are passed; each host ignores the one it does not know.
iris="$PWD/samples/models/iris"
A="$PWD/tests/Cloud.LoadHarness/bin/Release/net10.0/Cloud.Host"
cold() { # program port
  local data t0 t1 pid
  data=$(mktemp -d); t0=$(date +%s%N)
  "$1" --urls "http://127.0.0.1:$2" --Cloud:DataDirectory "$data" --Cloud:SeedModelsFrom "$iris" \
    --Cloud:Storage:DataDirectory "$data" --Cloud:Local:SeedModelsFrom "$iris" --Logging:LogLevel:Default Warning >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -X POST "http://127.0.0.1:$2/v1/models/iris:predict" -d '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'; do sleep 0.005; done
  t1=$(date +%s%N); kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"
  echo $(( (t1 - t0) / 1000000 ))
}
echo "cold start ms (before, after):"
for i in 1 2 3 4 5; do echo "$(cold "$B" 18301), $(cold "$A" 18302)"; done
