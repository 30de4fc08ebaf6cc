#!/usr/bin/env bash
# START_CUSTOM for ../shared/bench/run-peers.sh: starts the release build of
# pimgate on the fresh data dir $1 with user bench/bench, on a free port of
# 127.0.0.1, and prints "PID URL_BASE". run-peers names the data dir after the
# kind it measures (…-carddav-N, …-caldav-N); address books live in the
# address book home and calendars in the calendar home, so the base is the
# matching home. Build first: cargo build --release.
#   SERVERS="radicale xandikos custom" START_CUSTOM="$PWD/benches/dav/start-pimgate.sh \"\$1\"" \
#     bash ../shared/bench/run-peers.sh
set -euo pipefail
DIR="$1"
BIN="${PIMGATE_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/pimgate}"
mkdir -p "$DIR"
printf 'bench\n' | "$BIN" user add bench --password-stdin --data "$DIR" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --data "$DIR" --listen "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 </dev/null &
PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
case "$(basename "$DIR")" in
  *carddav*) HOME_SET=addressbooks ;;
  *) HOME_SET=calendars ;;
esac
echo "$PID http://127.0.0.1:$PORT/dav/$HOME_SET/bench/"
