"""Ratios of pimgate ("custom") to the faster peer, per phase, from one
run-peers.sh results JSON (same run, same machine).

    python3 benches/dav/ratios.py results-peers.json

PUT: pimgate's req/s over the faster peer's (higher is better). Read
phases: the faster peer's seconds over pimgate's. Peers' preseeded rows
stand in for their N=10000 reads (their PUT phase is too slow to load).
"""

import json
import sys

READS = ["propfind_depth1", "sync_initial", "multiget", "sync_incremental", "query"]


def main(path):
    runs = json.load(open(path))["runs"]
    by = {}
    for r in runs:
        if "phases" not in r:
            continue
        by.setdefault((r["kind"], r["n"]), {}).setdefault(r["server"], []).append(r)
    print("| kind | N | phase | pimgate | faster peer | ratio |")
    print("|---|---|---|---|---|---|")
    for (kind, n), servers in sorted(by.items()):
        ours = servers.get("custom", [])
        peers = [r for s, rs in servers.items() if s != "custom" for r in rs]
        if not ours or not peers:
            continue
        ours = ours[0]
        for level in ["put_c1", "put_c8"]:
            mine = ours["phases"].get(level, {}).get("req_per_s")
            theirs = [(p["phases"][level]["req_per_s"], p["server"]) for p in peers if level in p["phases"]]
            if mine and theirs:
                best, who = max(theirs)
                print(f"| {kind} | {n} | {level} req/s | {mine} | {best} ({who}) | {mine / best:.1f}× |")
        for phase in READS:
            mine = ours["phases"].get(phase, {}).get("time_s")
            theirs = [(p["phases"][phase]["time_s"], p["server"]) for p in peers if phase in p["phases"]]
            if mine and theirs:
                best, who = min(theirs)
                print(f"| {kind} | {n} | {phase} s | {mine} | {best} ({who}) | {best / mine:.1f}× |")


if __name__ == "__main__":
    main(sys.argv[1])
