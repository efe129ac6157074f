#!/usr/bin/env python3
"""Where the CPU time of a batch issuance goes, by stage (issue #4's benchmark target).

Reads `perf script` output (samples with call stacks) on stdin and puts every sample of the
server's threads in the first stage whose frames appear in its stack, in this order:

  status allocation  issuer::store::Store::allocate_indices, StoreTx::allocate_index
  storage            every other issuer::store:: call, sqlx, SQLite
  signing            Securer::secure (Data Integrity proof, JAdES seal)
  proof verification the verifier's proof check (Data Integrity, JAdES seal, VC-JWT)
  validation         the rest of IssuanceCheck::check (format incl. SHACL, trust,
                     awarding body, expiry, payload comparison) and elm-model validation
  building           elm_model::build (the EDC document from the award)
  request/response   everything else in the server: HTTP, JSON parsing and writing, tasks
  unattributed       samples with no stage frame whose stack was cut short before its thread's
                     start (so the stage is unknown); reported, and counted against the target
                     in the worst-case line

Samples of the SQLite worker threads are storage; so are the PostgreSQL server's, counted
from a system-wide recording by batch-breakdown.sh and passed in EXTRA_STORAGE_SAMPLES (same
sampling frequency, so a sample is the same CPU time in both). Samples of the benchmark's own work (the HTTP client, the reference
loops) and of other processes are left out.
Usage: see scripts/batch-breakdown.sh.
"""
import os
import re
import sys
from collections import Counter

STAGES = [
    ("status allocation", [r"StoreTx::allocate_index", r"Store::allocate_indices"]),
    ("storage", [r"issuer::store::", r"sqlx", r"sqlite3"]),
    ("signing", [r"Securer>::secure", r"KeyStoreSecurer.*secure"]),
    ("proof verification", [r"verifier::verify::check_proof", r"check_proof", r"proofs::jades::verify", r"proofs::vc_jwt::verify", r"proofs::data_integrity::verify"]),
    ("validation", [r"IssuanceCheck::check", r"elm_model::validate", r"elm_model::parse_award"]),
    ("building", [r"elm_model::build"]),
]
COMPILED = [(name, [re.compile(p) for p in pats]) for name, pats in STAGES]
# Frames that mark a sample as the benchmark's own work, not the server's.
BENCH = re.compile(r"batch::throughput|batch::main::\{\{closure\}\}.*reqwest|reqwest::|hyper_util::client|hyper::client")
# A stack unwound to its thread's start; one without it was cut short (deep recursion beyond
# the sampled stack copy, or frames the unwinder could not read) and its stage is unknown.
ROOT = re.compile(r"start_thread|clone3|__libc_start_main|_start\b")


def classify(header, frames):
    comm = header.split()[0] if header.split() else ""
    if comm.startswith("sqlx-sqlite") or comm == "postgres":
        return "storage"
    if not (comm.startswith("tokio-rt") or comm.startswith("batch-")):
        return None
    text = "\n".join(frames)
    if BENCH.search(text):
        return None
    for name, pats in COMPILED:
        if any(p.search(text) for p in pats):
            return name
    if not ROOT.search(text):
        return "unattributed"
    return "request/response"


# BREAKDOWN_DETAIL=<stage>[,<stage>...]: also list, per such stage, the functions found in most of
# its samples (inclusive: a function counts once per sample it appears in).
DETAIL = [d.strip() for d in os.environ.get("BREAKDOWN_DETAIL", "").split(",") if d.strip()]
SYMBOL = re.compile(r"^\s*[0-9a-f]+\s+(.*?)(?:\+0x[0-9a-f]+)?\s+\(([^)]*)\)\s*$")


def function_of(frame):
    m = SYMBOL.match(frame)
    name = m.group(1) if m else frame
    # Drop the hash suffix of Rust symbols and generic noise, so one function is one name.
    return re.sub(r"::h[0-9a-f]{16}$", "", name)


def main():
    counts = Counter()
    detail = {d: Counter() for d in DETAIL}

    def count(header, frames):
        stage = classify(header, frames)
        if stage is not None:
            counts[stage] += 1
            if stage in detail:
                for f in set(map(function_of, frames)):
                    detail[stage][f] += 1

    frames, header = [], None
    for line in sys.stdin:
        if not line.strip():
            if header is not None:
                count(header, frames)
            frames, header = [], None
            continue
        if header is None:
            header = line
        else:
            frames.append(line.strip())
    if header is not None:
        count(header, frames)
    counts["storage"] += int(os.environ.get("EXTRA_STORAGE_SAMPLES", "0"))
    total = sum(counts.values())
    if total == 0:
        sys.exit("no samples")
    print(f"| stage (server CPU samples: {total}) | share |")
    print("|---|---:|")
    order = [s for s, _ in STAGES] + ["request/response", "unattributed"]
    for s in order:
        print(f"| {s} | {100.0 * counts[s] / total:.1f} % |")
    target = counts["storage"] + counts["validation"] + counts["status allocation"]
    print(f"| **storage + validation + status allocation** | **{100.0 * target / total:.1f} %** |")
    print(f"| the same, if every unattributed sample were one of them (worst case) | {100.0 * (target + counts['unattributed']) / total:.1f} % |")
    crypto = counts["signing"] + counts["proof verification"]
    print(f"| signing + proof verification | {100.0 * crypto / total:.1f} % |")
    for stage, funcs in detail.items():
        print(f"\n{stage}: functions in most of its {counts[stage]} samples (share of all server samples)")
        # Runtime plumbing (threads, tokio, unwinding) is in every sample; leave it out.
        plumbing = re.compile(r"^(std::|core::|tokio::|alloc::|<std::|<alloc::|<core::|<tokio::|catch_unwind|do_call|call_once|poll|run|"
                              r"start_thread|clone3|__rust_begin|\{closure|with|set|enter_runtime|budget|try_with|__x64|do_syscall|entry_SYSCALL)")
        shown = [(f, n) for f, n in funcs.most_common() if not plumbing.match(f)]
        for f, n in shown[: int(os.environ.get("BREAKDOWN_TOP", "40"))]:
            print(f"  {100.0 * n / total:5.1f} %  {f[:160]}")


if __name__ == "__main__":
    main()
