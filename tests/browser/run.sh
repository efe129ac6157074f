#!/usr/bin/env bash
# Browser tests of issue #7 against the REAL services: builds `issuer` and `verifier`, starts
# `issuer serve` (temp SQLite database, free port, demo keys and tokens of keys.example/, its
# `verifier_url` pointing at the verifier) and `verifier serve --allow-local-network` (trusting a
# registry generated for the issuer's base URL), then runs `node --test tests/browser` (headless
# Chromium of Debian's `chromium` package, driven by playwright-core; axe-core checks).
#
# Screenshots (and the downloaded PDF, the service logs) are written to target/browser-artifacts/;
# CI keeps them there as the test artifacts of issue #7.
#
# Usage: bash tests/browser/run.sh            (from anywhere; needs cargo, node, chromium)
#        BROWSER_TESTS=tests/browser/issue17.test.mjs bash tests/browser/run.sh   (one file)
# Env:   CHROMIUM (default /usr/bin/chromium), BROWSER_ARTIFACTS (default target/browser-artifacts)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "browser tests: $CHROMIUM not found (apt-get install chromium)" >&2; exit 1; }
if [ ! -d tests/browser/node_modules ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi
# Issue #17: the independent headless wallet (interop/wallet) answers the employer's request.
if [ ! -d interop/wallet/node_modules/@openid4vc/openid4vp ]; then
  npm ci --prefix interop/wallet --no-audit --no-fund --loglevel=error
fi

cargo build --locked -q -p issuer -p verifier --bins
cargo build --locked -q -p verifier --example gen_trust_registry
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
bin="$target_dir/debug"

export BROWSER_ARTIFACTS=${BROWSER_ARTIFACTS:-$root/target/browser-artifacts}
rm -rf "$BROWSER_ARTIFACTS"
mkdir -p "$BROWSER_ARTIFACTS"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
issuer_port=$(free_port)
verifier_port=$(free_port)
while [ "$verifier_port" = "$issuer_port" ]; do verifier_port=$(free_port); done
export ISSUER_URL="http://127.0.0.1:$issuer_port"
export VERIFIER_URL="http://127.0.0.1:$verifier_port"

# The demo key store, and a trust registry whose DID documents are those of this issuer's base URL
# (did:web:127.0.0.1%3A<port>:universities:<id>); the example writes <dir>/trust-registry.json.
cp -r keys.example "$work/keys"
"$bin/examples/gen_trust_registry" "$work/keys" "$ISSUER_URL" >/dev/null
# Issue #14: the verifier trusts five of the six demo universities; `eth` plays an issuer this
# service does not know (its sealed credentials are intact, from an unknown issuer).
node -e 'const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));r.members=r.members.filter((m)=>m.id!=="eth");fs.writeFileSync(process.argv[2],JSON.stringify(r,null,2))' \
  "$work/keys/trust-registry.json" "$work/keys/trust-registry-verifier.json"

cat > "$work/issuer.toml" <<EOF
bind = "127.0.0.1:$issuer_port"
database_url = "sqlite://$work/db/issuer.sqlite?mode=rwc"
public_base_url = "$ISSUER_URL"
verifier_url = "$VERIFIER_URL"
keys_dir = "$work/keys"
universities_file = "$work/keys/universities.toml"
tokens_file = "$root/keys.example/tokens.toml"
staff_file = "$root/keys.example/staff.toml"
log_format = "text"
EOF
export ISSUER_TOKENS_FILE="$root/keys.example/tokens.toml"

"$bin/issuer" serve --config "$work/issuer.toml" >"$BROWSER_ARTIFACTS/issuer.log" 2>&1 &
pids+=($!)
# Status lists reused for 2 s (default 60): a revocation in the console reaches the employer's page
# within seconds instead of a minute of the test's time.
ENHANCE_VERIFIER_STATUS_LIST_TTL_SECS=2 \
  "$bin/verifier" serve --bind "127.0.0.1:$verifier_port" --allow-local-network \
  --trust "$work/keys/trust-registry-verifier.json" --public-url "$VERIFIER_URL" >"$BROWSER_ARTIFACTS/verifier.log" 2>&1 &
pids+=($!)

wait_up() {
  for _ in $(seq 1 150); do
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1/healthz"; then return 0; fi
    sleep 0.2
  done
  echo "browser tests: $1 did not come up; logs in $BROWSER_ARTIFACTS" >&2
  return 1
}
wait_up "$ISSUER_URL"
wait_up "$VERIFIER_URL"

# BROWSER_TESTS: a subset (e.g. tests/browser/issue17.test.mjs); default all.
node --test ${BROWSER_TESTS:-tests/browser/}
echo "browser tests: screenshots in $BROWSER_ARTIFACTS"
