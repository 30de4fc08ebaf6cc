#!/usr/bin/env bash
# litmus (Debian package "litmus") against a fresh pimgate: builds the
# binary, creates a user in a temp data dir, serves on a free port, and runs
# ../shared/conformance/run-litmus.sh against the user's calendar home
# (litmus MKCOLs `litmus/` there: a plain WebDAV collection). Prints the
# per-suite pass counts; exits non-zero only when litmus cannot run.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v litmus >/dev/null || { echo "litmus not installed (apt-get install litmus)" >&2; exit 2; }
cargo build --locked --quiet
DATA="$(mktemp -d "${TMPDIR:-/tmp}/pimgate-litmus.XXXXXX")"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
printf 'litmus-pw\n' | ./target/debug/pimgate user add litmus --password-stdin --data "$DATA" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/pimgate serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$DATA/serve.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
bash ../shared/conformance/run-litmus.sh "http://127.0.0.1:$PORT/dav/calendars/litmus/" litmus litmus-pw pimgate
