#!/usr/bin/env python3
"""Peak memory (VmHWM) of `issuer serve` for one issuance of a 100 KB, a 1 MB and the largest
credential, and for rendering the largest one (issue #13; docs/PERFORMANCE.md "Peak memory").

Each case runs against a FRESH issuer process (release build, SQLite in a temp dir, the demo keys),
so the peak is that of one request on an idle service. Loopback only.

    cargo build --release -p issuer
    cargo test -p e2e-tests --test max_awards   # writes the largest awards to target/tmp/max-awards/
    python3 scripts/measure-rss.py
"""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/issuer"
MAX_AWARDS = ROOT / "target/tmp/max-awards"
TOKENS = dict(re.findall(r'^(\w+) = "([^"]+)"', (ROOT / "keys.example/tokens.toml").read_text(), re.M))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_hwm_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def request(url, body=None, token=None, method=None):
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data else "GET"))
    if data:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def run(case, steps):
    """Starts a fresh issuer, runs `steps(base)`, returns (idle MB, peak MB, what steps returned)."""
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ,
                   ENHANCE_ISSUER_BIND=f"127.0.0.1:{port}",
                   ENHANCE_ISSUER_PUBLIC_BASE_URL=base,
                   ENHANCE_ISSUER_DATABASE_URL=f"sqlite://{d}/issuer.sqlite?mode=rwc",
                   ENHANCE_ISSUER_KEYS_DIR=str(ROOT / "keys.example"),
                   ENHANCE_ISSUER_UNIVERSITIES_FILE=str(ROOT / "keys.example/universities.toml"),
                   ENHANCE_ISSUER_TOKENS_FILE=str(ROOT / "keys.example/tokens.toml"),
                   ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_BURST="1000")
        p = subprocess.Popen([str(BIN), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    if request(base + "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.05)
            idle = vm_hwm_mb(p.pid)
            out = steps(base)
            return idle, vm_hwm_mb(p.pid), out
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)


def vc(size, base):
    """A VC 2.0 credential of about `size` bytes by ETH (the issuer at `base`): 40 subject
    properties (an inline context defines them) of ~size/40 characters."""
    n = 40
    subject = {"id": "did:example:learner"}
    for i in range(n):
        subject[f"note{i}"] = ("Lorem ipsum dolor sit amet, ąęłńóśźż αβγδ. " * (size // n // 45 + 1))[: size // n]
    terms = {f"note{i}": f"https://example.org/vocab#note{i}" for i in range(n)}
    issuer = "did:web:" + base.split("://", 1)[1].replace(":", "%3A") + ":universities:eth"
    return {"credential": {"@context": ["https://www.w3.org/ns/credentials/v2", terms],
                           "type": ["VerifiableCredential"], "issuer": issuer,
                           "credentialSubject": subject}}


def issue_vc(size):
    def steps(base):
        status, body = request(base + "/credentials/issue", vc(size, base), TOKENS["eth"])
        assert status == 201, (status, body[:300])
        return len(json.dumps(json.loads(body)["verifiableCredential"], ensure_ascii=False, separators=(",", ":")).encode())
    return steps


def issue_award(path, render):
    award = json.loads(path.read_text())
    uni = award["awardingUniversity"]

    def steps(base):
        status, body = request(base + "/awards", award, TOKENS[uni])
        assert status == 201, (status, body[:300])
        issued = json.loads(body)
        size = len(json.dumps(issued["verifiableCredential"], ensure_ascii=False, separators=(",", ":")).encode())
        # Kept for the verifier's measurement (`verifier verify FILE --offline`).
        (MAX_AWARDS / "issued-programme.jsonld").write_text(json.dumps(issued["verifiableCredential"], ensure_ascii=False))
        if render:
            share = issued["shareUrl"]
            for fmt in ("pdf", "png"):
                status, out = request(f"{share}?format={fmt}")
                assert status == 200, (fmt, status, out[:300])
        return size
    return steps


def main():
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: cargo build --release -p issuer")
    programme = MAX_AWARDS / "programme-micro-credential-data-literacy.json"
    if not programme.exists():
        sys.exit(f"{programme} is missing: cargo test -p e2e-tests --test max_awards")
    cases = [
        ("VC-API credential, 100 KB", issue_vc(100_000)),
        ("VC-API credential, 1 MB", issue_vc(1_000_000)),
        ("largest award (100-unit programme filled to the limits), issued", issue_award(programme, False)),
        ("largest award, issued, then its PDF and PNG from the share link", issue_award(programme, True)),
    ]
    print("| case | credential (DI JSON) | idle RSS | peak RSS |")
    print("|---|---:|---:|---:|")
    for name, steps in cases:
        idle, peak, size = run(name, steps)
        print(f"| {name} | {size / 1000:,.0f} KB | {idle:.0f} MB | **{peak:.0f} MB** |", flush=True)


if __name__ == "__main__":
    main()
