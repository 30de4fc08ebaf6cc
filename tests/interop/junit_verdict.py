"""Reads a pytest JUnit XML report and fails unless every failed or errored
test is in the allowed list (tests that need a feature pimgate does not
implement, named in docs/compliance/). Prints the counts and each failure.

    junit_verdict.py REPORT.xml LOG LABEL [ALLOWED_TEST_NAME ...]

When the suite wrote no report (it failed before collecting, or was killed),
the tail of its LOG says why.
"""

import os
import sys
import xml.etree.ElementTree as ET

report, log, label, allowed = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
if not os.path.exists(report) or os.path.getsize(report) == 0:
    print(f"{label}: the suite wrote no report; the end of its output:")
    with open(log, errors="replace") as f:
        sys.stdout.writelines("  " + line for line in f.readlines()[-40:])
    sys.exit(1)
passed, skipped, failed = 0, 0, []
for case in ET.parse(report).getroot().iter("testcase"):
    outcome = [c for c in case if c.tag in ("failure", "error", "skipped")]
    if not outcome:
        passed += 1
    elif outcome[0].tag == "skipped":
        skipped += 1
    else:
        message = (outcome[0].get("message") or "").splitlines()[:1]
        failed.append((case.get("name"), message[0] if message else ""))
unexpected = [(name, why) for name, why in failed if name.split("[")[0] not in allowed]
print(f"{label}: {passed} passed, {len(failed)} failed, {skipped} skipped")
for name, why in failed:
    mark = "unexpected" if (name, why) in unexpected else "expected"
    print(f"  {mark}: {name}: {why[:200]}")
sys.exit(1 if unexpected or passed == 0 else 0)
