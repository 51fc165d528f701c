#!/usr/bin/env bash
# Every benchmark of bench/, one after the other (each stops by itself; ~4-5 minutes in all on 2 cores).
#   bash bench/run-all.sh            # or: npm run bench
#   bash bench/run-all.sh schedules  # only the named ones
# Each prints its table and goal verdicts; a missed goal is reported, not a failure. The exit
# code is non-zero only when a benchmark could not run (error, or over its time limit).
set -uo pipefail
cd "$(dirname "$0")/.."

all=(sync-execution auth expressions signature waiting-executions history-start-latency snmp-traps schedules promotion grammar draft-runs validation completion bundle-size activation soak)  # activation ≈ 2 min, soak ≈ 2.5 min
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${all[@]}")

# Build the emulator bundle once up front (the benchmarks also rebuild it when a source is newer).
node scripts/build.mjs --only=emulator >/dev/null || { echo "build failed"; exit 1; }

failed=()
start=$(date +%s)
for name in "${selected[@]}"; do
  if [ ! -f "bench/$name.ts" ]; then echo "no benchmark bench/$name.ts"; failed+=("$name"); continue; fi
  echo
  # Each benchmark limits itself; this outer limit is a last resort.
  if ! timeout --kill-after=10 240 node --import tsx "bench/$name.ts"; then failed+=("$name"); fi
done
echo
echo "== all benchmarks done in $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "could not run: ${failed[*]}"
  exit 1
fi
