"""Interop scenario with the python `caldav` library (a real CalDAV client):
discovery from the server root, a calendar, a recurring event with an
override, a date-range search with expansion, a task, an edit and a delete.

Usage: caldav_scenario.py URL USER PASSWORD. Exits non-zero on the first failure.
"""

import sys
from datetime import datetime, timezone

import caldav

URL, USER, PASSWORD = sys.argv[1:4]

WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pimgate interop//EN
BEGIN:VEVENT
UID:weekly-standup
DTSTAMP:20240101T000000Z
DTSTART:20240101T090000Z
DTEND:20240101T093000Z
RRULE:FREQ=WEEKLY;COUNT=10
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:weekly-standup
DTSTAMP:20240101T000000Z
RECURRENCE-ID:20240108T090000Z
DTSTART:20240108T100000Z
DTEND:20240108T103000Z
SUMMARY:Standup (moved)
END:VEVENT
END:VCALENDAR
"""

TASK = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pimgate interop//EN
BEGIN:VTODO
UID:task-1
DTSTAMP:20240101T000000Z
SUMMARY:Write the report
END:VTODO
END:VCALENDAR
"""


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


client = caldav.DAVClient(url=URL, username=USER, password=PASSWORD)
principal = client.principal()
check(principal is not None, "discovery from the server root finds the principal")
calendars = principal.calendars()
check(len(calendars) >= 1, f"the calendar home lists calendars ({len(calendars)})")

cal = principal.make_calendar(name="Interop", cal_id="interop")
check(cal is not None, "MKCALENDAR creates a calendar")
cal.save_event(WEEKLY)
cal.save_todo(TASK)

events = cal.search(
    start=datetime(2024, 1, 1, tzinfo=timezone.utc),
    end=datetime(2024, 1, 22, tzinfo=timezone.utc),
    event=True,
    expand=True,
)
summaries = sorted(str(e.icalendar_component["SUMMARY"]) for e in events)
check(len(events) == 3, f"a date-range search with expansion yields 3 instances ({summaries})")
check("Standup (moved)" in summaries, "the override replaces its occurrence")

todos = cal.todos()
check(len(todos) == 1, "calendar-query for VTODO finds the task")

event = cal.event_by_uid("weekly-standup")
event.icalendar_component["SUMMARY"] = "Daily sync"
event.save()
check("Daily sync" in cal.event_by_uid("weekly-standup").data, "an edited event is served back edited")

event.delete()
remaining = cal.search(event=True)
check(len(remaining) == 0, "a deleted event is gone")
print("caldav scenario: all checks passed")
