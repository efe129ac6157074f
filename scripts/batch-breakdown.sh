#!/usr/bin/env bash
# Where the CPU time of a batch issuance goes, by stage: storage, validation, status allocation,
# signing, proof verification, building, request/response (docs/PERFORMANCE.md, issue #4).
#
# Runs the issuer batch benchmark (`BENCH_MODE=batch`, in-process server over loopback HTTP)
# under `perf record` with call stacks, then classifies every sample of the server's threads
# (SQLite's worker threads included) with scripts/batch-breakdown.py. With BENCH_DB=postgres a
# second, system-wide recording at the same frequency counts the PostgreSQL server's samples,
# which are storage.
#
#   scripts/batch-breakdown.sh [LEARNERS]          # SQLite, default 2000 learners
#   BENCH_DB=postgres ENHANCE_TEST_POSTGRES_URL=... scripts/batch-breakdown.sh
#
# The whole stack of every sample is copied (64 KiB): the canonicalisation recursion is deep,
# and cut stacks would hide which stage a sample belongs to ("unattributed" in the table).
# Needs `perf` (linux-perf) with permission to record every CPU (root, or
# kernel.perf_event_paranoid <= 0). Run it on a quiet machine: other processes are left out of
# the shares, but they still take CPU from the batch.
set -euo pipefail
cd "$(dirname "$0")/.."
learners="${1:-2000}"
bin=$(cargo bench -p issuer --bench batch --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "batch" and m.get("executable"):
        print(m["executable"])')
out=$(mktemp -d)
# BREAKDOWN_KEEP=DIR keeps the recordings there (re-read them with BREAKDOWN_DETAIL, see the .py).
if [ -n "${BREAKDOWN_KEEP:-}" ]; then mkdir -p "$BREAKDOWN_KEEP"; out=$BREAKDOWN_KEEP; else trap 'rm -rf "$out"' EXIT; fi
if [ "${BENCH_DB:-}" = postgres ]; then
  perf record -a -F 299 -o "$out/system.data" 2>/dev/null &
  system=$!
  sleep 1
fi
BENCH_LEARNERS="$learners" BENCH_BARE=16 BENCH_MODE=batch \
  perf record -F 299 --call-graph dwarf,65528 -o "$out/perf.data" -- "$bin" --bench \
  | grep -E "batch throughput|CPU per learner" || true
extra=0
if [ -n "${system:-}" ]; then
  kill -INT "$system"
  wait "$system" || true
  extra=$(perf script -i "$out/system.data" -F comm 2>/dev/null | grep -c '^ *postgres *$' || true)
  echo "PostgreSQL server samples: $extra"
fi
perf script -i "$out/perf.data" 2>/dev/null | EXTRA_STORAGE_SAMPLES="$extra" python3 scripts/batch-breakdown.py
