#!/usr/bin/env bash
# The client libraries' OWN functional test suites against a fresh pimgate,
# judged as a fully compliant server (no compatibility profile):
#  - python caldav's tests/test_caldav.py (its "external server" entry, from
#    ../shared/conformance/upstream-tests/caldav_test_servers.yaml);
#  - vdirsyncer's tests/storage/dav (CardDAV and CalDAV storage tests, through
#    the generic server mixin in ../shared/conformance/upstream-tests/);
#  - caldav-server-tester, the python-caldav project's compatibility checker.
# The sdists of the installed caldav/vdirsyncer versions are fetched with pip.
# Fails on any failure except the caldav tests that need RFC 6638 scheduling
# (docs/compliance/rfc4791.md), and on any feature the tester finds broken.
# PYTHON: a venv python with caldav, vdirsyncer and caldav-server-tester.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
# The suites run from their own directories: a relative venv path must be made
# absolute (not resolved through symlinks, which would leave the venv).
case "$PYTHON" in */*) PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")" ;; esac
PIP=("$PYTHON" -m pip --disable-pip-version-check -q)
SHARED=../shared/conformance
cargo build --locked --quiet
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pimgate-upstream.XXXXXX")"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
printf 'upstream-pw\n' | ./target/debug/pimgate user add upstream --password-stdin --data "$WORK" >/dev/null
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/pimgate serve --data "$WORK" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
URL="http://127.0.0.1:$PORT/"

version() { "$PYTHON" -c "import importlib.metadata as m; print(m.version('$1'))"; }
mkdir -p "$WORK/sdists"
"${PIP[@]}" download --no-deps --no-binary :all: -d "$WORK/sdists" \
    "caldav==$(version caldav)" "vdirsyncer==$(version vdirsyncer)"
for f in "$WORK"/sdists/*.tar.gz; do tar xzf "$f" -C "$WORK/sdists"; done
"${PIP[@]}" install pytest pytest-asyncio hypothesis pytest-httpserver trustme aioresponses \
    vobject tzlocal manuel pyfakefs httpx httpxyz proxy.py
CAL=$(ls -d "$WORK"/sdists/caldav-*/); VDS=$(ls -d "$WORK"/sdists/vdirsyncer-*/)
cp "$SHARED/upstream-tests/caldav_test_servers.yaml" "$CAL/tests/caldav_test_servers.yaml"
mkdir -p "$VDS/tests/storage/servers/generic"
cp "$SHARED/upstream-tests/vdirsyncer_generic_server.py" "$VDS/tests/storage/servers/generic/__init__.py"

verdict=0
(cd "$CAL" && CALDAV_URL="$URL" CALDAV_USERNAME=upstream CALDAV_PASSWORD=upstream-pw \
  PYTHON_CALDAV_TEST_EMBEDDED=0 PYTHON_CALDAV_TEST_DOCKER=0 timeout 900 "$PYTHON" -m pytest tests/test_caldav.py \
  -k TestForServertarget -q -p no:cacheprovider -o asyncio_default_fixture_loop_scope=function \
  -W ignore::DeprecationWarning --junitxml="$WORK/caldav.xml" >"$WORK/caldav.log" 2>&1) || true
# RFC 6638 scheduling is not implemented: testSupport and testSchedulingMailboxes
# need it, and testCheckCompatibility compares against a profile that has it.
"$PYTHON" tests/interop/junit_verdict.py "$WORK/caldav.xml" "$WORK/caldav.log" "caldav $(version caldav) functional suite" \
  testSupport testSchedulingMailboxes testCheckCompatibility || verdict=1

(cd "$VDS" && DAV_SERVER=generic DAV_URL="$URL" DAV_USER=upstream DAV_PASS=upstream-pw timeout 900 \
  "$PYTHON" -m pytest tests/storage/dav -q -p no:cacheprovider -o addopts="" \
  --junitxml="$WORK/vdirsyncer.xml" >"$WORK/vdirsyncer.log" 2>&1) || true
"$PYTHON" tests/interop/junit_verdict.py "$WORK/vdirsyncer.xml" "$WORK/vdirsyncer.log" "vdirsyncer $(version vdirsyncer) storage suite" || verdict=1

(cd "$WORK" && timeout 600 "$(dirname "$PYTHON")/caldav-server-tester" --caldav-url "$URL" \
  --caldav-username upstream --caldav-password upstream-pw --verbose >"$WORK/tester.txt" 2>"$WORK/tester.err") || true
"$PYTHON" - "$WORK/tester.txt" <<'PY' || verdict=1
import collections, re, sys
text = open(sys.argv[1]).read()
found = re.findall(r"^## (\S+)\nFeature support level found: (\S+)", text, re.M)
levels = collections.Counter(level for _, level in found)
print("caldav-server-tester: %d features; %s" % (len(found), ", ".join("%s=%d" % kv for kv in levels.most_common())))
for feature, level in found:
    if level not in ("full",):
        print(f"  {feature}: {level}")
sys.exit(1 if not found or levels.get("broken") or levels.get("ungraceful") else 0)
PY
[ "$verdict" = 0 ] || { echo "--- caldav-server-tester stderr (tail)"; tail -20 "$WORK/tester.err";
  echo "--- server log (tail)"; tail -20 "$WORK/serve.log"; }
exit "$verdict"
