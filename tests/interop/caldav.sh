#!/usr/bin/env bash
# The python `caldav` library (a real CalDAV client) against a fresh pimgate:
# builds the binary, creates a user in a temp data dir, serves on a free port,
# and runs tests/interop/caldav_scenario.py (discovery, MKCALENDAR, recurring
# event with an override, expanded date search, tasks, edit, delete).
# Needs a Python with `caldav` installed: PYTHON=/path/to/venv/bin/python.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
cargo build --locked --quiet
DATA="$(mktemp -d "${TMPDIR:-/tmp}/pimgate-caldav.XXXXXX")"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
printf 'interop-pw\n' | ./target/debug/pimgate user add interop --password-stdin --data "$DATA" >/dev/null
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/pimgate serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$DATA/serve.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
"$PYTHON" tests/interop/caldav_scenario.py "http://127.0.0.1:$PORT/" interop interop-pw
