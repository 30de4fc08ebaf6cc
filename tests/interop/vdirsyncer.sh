#!/usr/bin/env bash
# vdirsyncer (a real CardDAV/CalDAV client) against a fresh pimgate: two-way
# sync of a .vcf folder and an .ics folder with the user's address book and
# calendar — local creates reach the server, server edits reach the folder,
# local deletes reach the server. Needs vdirsyncer: VDIRSYNCER=/path/to/bin.
set -euo pipefail
cd "$(dirname "$0")/../.."
VDIRSYNCER=${VDIRSYNCER:-vdirsyncer}
cargo build --locked --quiet
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pimgate-vdirsyncer.XXXXXX")"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
DATA="$WORK/data"
printf 'sync-pw\n' | ./target/debug/pimgate user add vds --password-stdin --data "$DATA" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/pimgate serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

mkdir -p "$WORK/contacts/contacts" "$WORK/calendars/calendar" "$WORK/status"
cat > "$WORK/config" <<CONF
[general]
status_path = "$WORK/status/"

[pair contacts]
a = "local_contacts"
b = "remote_contacts"
collections = ["contacts"]

[storage local_contacts]
type = "filesystem"
path = "$WORK/contacts/"
fileext = ".vcf"

[storage remote_contacts]
type = "carddav"
url = "$BASE/"
username = "vds"
password = "sync-pw"

[pair calendars]
a = "local_calendars"
b = "remote_calendars"
collections = ["calendar"]

[storage local_calendars]
type = "filesystem"
path = "$WORK/calendars/"
fileext = ".ics"

[storage remote_calendars]
type = "caldav"
url = "$BASE/"
username = "vds"
password = "sync-pw"
CONF
vds() { "$VDIRSYNCER" -c "$WORK/config" "$@"; }

printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:vds-jane\r\nFN:Jane Doe\r\nTEL;TYPE=cell:+1 555 0100\r\nEND:VCARD\r\n' \
  > "$WORK/contacts/contacts/vds-jane.vcf"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//vds//EN\r\nBEGIN:VEVENT\r\nUID:vds-event\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240105T090000Z\r\nDTEND:20240105T100000Z\r\nSUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
  > "$WORK/calendars/calendar/vds-event.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//vds//EN\r\nBEGIN:VTODO\r\nUID:vds-task\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:Review\r\nEND:VTODO\r\nEND:VCALENDAR\r\n' \
  > "$WORK/calendars/calendar/vds-task.ics"
vds discover >/dev/null 2>&1 </dev/null
vds sync >/dev/null
AUTH=(-u vds:sync-pw -fs)
curl "${AUTH[@]}" "$BASE/dav/addressbooks/vds/contacts/vds-jane.vcf" | grep -q "FN:Jane Doe" || fail "a local contact reaches the server"
ok "a local contact reaches the server"
curl "${AUTH[@]}" "$BASE/dav/calendars/vds/calendar/vds-event.ics" | grep -q "SUMMARY:Planning" || fail "a local event reaches the server"
ok "a local event reaches the server"

# An edit on the server (another client) reaches the folder.
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:vds-jane\r\nFN:Jane Roe\r\nTEL;TYPE=cell:+1 555 0100\r\nEND:VCARD\r\n' \
  | curl "${AUTH[@]}" -o /dev/null -X PUT -H 'Content-Type: text/vcard' --data-binary @- "$BASE/dav/addressbooks/vds/contacts/vds-jane.vcf"
vds sync >/dev/null
grep -q "FN:Jane Roe" "$WORK/contacts/contacts/vds-jane.vcf" || fail "a server edit reaches the folder"
ok "a server edit reaches the folder"

# A local delete reaches the server (vdirsyncer refuses to empty a side).
rm "$WORK/calendars/calendar/vds-event.ics"
vds sync >/dev/null
code=$(curl -u vds:sync-pw -s -o /dev/null -w '%{http_code}' "$BASE/dav/calendars/vds/calendar/vds-event.ics")
[ "$code" = 404 ] || fail "a local delete reaches the server (got $code)"
ok "a local delete reaches the server"
echo "vdirsyncer scenario: all checks passed"
