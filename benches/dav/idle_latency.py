#!/usr/bin/env python3
"""idle_latency.py - one DAV request, timed back to back and after idle gaps.

The peer benchmark times most read phases as single requests after the
client has been busy elsewhere, so each pays the machine's wake-up of the
server's threads; this separates that from the server's steady-state cost.
Standard library only; one keep-alive connection.

  idle_latency.py URL KIND [--user bench --password bench] [--n 50] [--gaps 0,0.05,0.3]

URL is an address book (KIND: healthz, propfind, sync, multiget,
addressbook-query) holding vCards; multiget asks for its first 100 members,
addressbook-query for FN containing --text.
"""
import argparse
import base64
import http.client
import re
import statistics
import time
import urllib.parse

PROPFIND = ('<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontenttype/>'
            '</D:prop></D:propfind>')
SYNC = ('<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level>'
        '<D:prop><D:getetag/></D:prop></D:sync-collection>')
CARD = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("kind", choices=["healthz", "propfind", "sync", "multiget", "addressbook-query"])
    ap.add_argument("--user", default="bench")
    ap.add_argument("--password", default="bench")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--gaps", default="0,0.05,0.3", help="idle seconds before each request")
    ap.add_argument("--text", default="Person 12")
    a = ap.parse_args()
    url = urllib.parse.urlparse(a.url)
    auth = "Basic " + base64.b64encode(f"{a.user}:{a.password}".encode()).decode()
    conn = http.client.HTTPConnection(url.hostname, url.port)

    def request(method, path, body, depth):
        headers = {"Authorization": auth, "Depth": depth, "Content-Type": "application/xml"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    status, listing = request("PROPFIND", url.path, PROPFIND, "1")
    if status != 207:
        raise SystemExit(f"PROPFIND {a.url}: {status}")
    hrefs = [h.decode() for h in re.findall(rb"<[a-zA-Z]*:?href>([^<]*\.vcf)</", listing)][:100]
    kinds = {
        "healthz": ("GET", "/healthz", None, "0"),
        "propfind": ("PROPFIND", url.path, PROPFIND, "1"),
        "sync": ("REPORT", url.path, SYNC, "0"),
        "multiget": ("REPORT", url.path,
                     f'<?xml version="1.0"?><C:addressbook-multiget {CARD}><D:prop><D:getetag/><C:address-data/>'
                     "</D:prop>" + "".join(f"<D:href>{h}</D:href>" for h in hrefs) + "</C:addressbook-multiget>",
                     "1"),
        "addressbook-query": ("REPORT", url.path,
                              f'<?xml version="1.0"?><C:addressbook-query {CARD}><D:prop><D:getetag/>'
                              '<C:address-data/></D:prop><C:filter><C:prop-filter name="FN"><C:text-match '
                              f'collation="i;unicode-casemap" match-type="contains">{a.text}</C:text-match>'
                              "</C:prop-filter></C:filter></C:addressbook-query>", "1"),
    }
    method, path, body, depth = kinds[a.kind]
    for gap in (float(g) for g in a.gaps.split(",")):
        times = []
        for _ in range(a.n):
            time.sleep(gap)
            start = time.perf_counter()
            status, data = request(method, path, body, depth)
            times.append((time.perf_counter() - start) * 1e3)
            if status >= 400:
                raise SystemExit(f"{a.kind}: {status} {data[:200]!r}")
        times.sort()
        print(f"{a.kind:18} gap {gap:5.2f} s: p50 {statistics.median(times):7.2f} ms  "
              f"min {times[0]:7.2f}  p90 {times[int(len(times) * 0.9)]:7.2f}  ({len(data)} bytes)")


if __name__ == "__main__":
    main()
