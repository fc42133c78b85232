#!/usr/bin/env python3
"""An incremental Graph poll that brings `@removed` ids, timed.

    scripts/bench-tools/removals.py BIN_DIR EVENTS SERIES OUT_DIR

A first sync of a generated mailbox of EVENTS events (`calsyncd --once`), then SERIES of
its series (those with more than ten occurrences stored, in store order) deleted at the
emulator, then one more `calsyncd --once`, whose delta page brings Graph's `@removed` of
their occurrences. Prints wall, CPU and peak RSS of both runs as bench.py measures them,
and how many occurrences went. BIN_DIR holds release `calsyncd`, `calsyncctl` and
`calsync-emulator`; OUT_DIR is emptied first. With PERF=1 in the environment the poll runs
under `perf record --call-graph dwarf` instead (OUT_DIR/perf.data). docs/benchmarks.md
cites runs of it.
"""
import os
import shutil
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    bin_dir, size, series, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "emulator"))
    emulator = bench.Emulator(os.path.join(bin_dir, "calsync-emulator"), os.path.join(out, "emulator"), size)
    try:
        calsync = bench.Calsync(bin_dir, os.path.join(out, "calsync"), emulator,
                                [{"name": "x", "provider": "microsoft"}])
        once = [os.path.join(bin_dir, "calsyncd"), "--config", calsync.config, "--once"]
        print("first sync", bench.measure(once, env=calsync.env), flush=True)
        calendar = calsync.query("SELECT id FROM calendars LIMIT 1")
        masters = calsync.query(
            "SELECT group_concat(id, ' ') FROM (SELECT e.id FROM events e WHERE e.kind = 'series' "
            "AND (SELECT count(*) FROM occurrences o WHERE o.account_id = 'x' AND o.event_id = e.id) > 10 "
            f"ORDER BY e.rowid LIMIT {series})").split()
        before = int(calsync.query("SELECT count(*) FROM internal_occurrences"))
        for master in masters:
            url = f"{emulator.url}/_emulator/graph/calendars/{calendar}/events/{master}"
            urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=60).read()
        if os.environ.get("PERF"):
            subprocess.run(["perf", "record", "-F", "999", "--call-graph", "dwarf,32768",
                            "-o", os.path.join(out, "perf.data")] + once, env=calsync.env, check=True)
        else:
            print("poll", bench.measure(once, env=calsync.env), flush=True)
        after = int(calsync.query("SELECT count(*) FROM internal_occurrences"))
        print("series", len(masters), "occurrences removed", before - after)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
