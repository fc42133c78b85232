#!/usr/bin/env python3
"""A model of the store's occurrence writes, without calsync (docs/benchmarks.md).

Inserts rows shaped like calsync's occurrences (100,000 events by default, about a quarter
of them weekly-ish series, as the emulator's generator makes them) into a fresh SQLite
file with Python's sqlite3 (the system libsqlite3), WAL, synchronous = NORMAL, and prints
wall and CPU time. It shows what each index and each way of writing costs SQLite itself.

    occurrence-model.py VARIANT [EVENTS] [PAGES]

VARIANT: v1 (the v1-v3 schema: primary key + four indexes), no-event-index, time-only
(the two time indexes docs/store.md requires, no primary key), none (no index), bulk (primary
key only, one transaction, then the three v4 secondary indexes built by CREATE INDEX).
SORT=1 sorts each page's rows by start; CACHE=KiB sets the page cache (default 8192).
"""

import os
import random
import sqlite3
import sys
import tempfile
import time

COLUMNS = ("account_id TEXT NOT NULL, calendar_id TEXT NOT NULL, instance_id TEXT NOT NULL, "
           "event_id TEXT NOT NULL, series_id TEXT, start TEXT NOT NULL, \"end\" TEXT NOT NULL, "
           "all_day INTEGER NOT NULL, start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL")
PRIMARY_KEY = ", PRIMARY KEY (account_id, calendar_id, instance_id)"
TIME_INDEXES = ["CREATE INDEX by_start ON occurrences(start_ts)",
                "CREATE INDEX by_calendar_start ON occurrences(account_id, calendar_id, start_ts)"]
SERIES_INDEX = ("CREATE INDEX by_series ON occurrences(account_id, calendar_id, series_id) "
                "WHERE series_id IS NOT NULL")
EVENT_INDEX = "CREATE INDEX by_event ON occurrences(account_id, calendar_id, event_id)"
SCHEMAS = {
    "v1": (PRIMARY_KEY, TIME_INDEXES + [EVENT_INDEX, SERIES_INDEX]),
    "no-event-index": (PRIMARY_KEY, TIME_INDEXES + [SERIES_INDEX]),
    "time-only": ("", TIME_INDEXES),
    "none": ("", []),
    "bulk": (PRIMARY_KEY, []),
}


def rows(events):
    random.seed(7)
    out = []
    base = 1_780_000_000
    for n in range(events):
        event_id = "gen%xx%012x" % (n, random.getrandbits(60))
        start = base + random.randint(-180, 365) * 86400 + random.randint(32, 72) * 900
        if random.random() < 0.27:
            for i in range(random.choice([10, 100, 120, 130, 60, 36, 3])):
                at = start + i * 7 * 86400
                instance = event_id + "_" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(at))
                out.append(("bench", "user@example.com", instance, event_id, event_id,
                            "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z", 0, at, at + 3600))
        else:
            out.append(("bench", "user@example.com", event_id, event_id, None,
                        "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z", 0, start, start + 3600))
    return out


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in SCHEMAS:
        sys.exit(__doc__)
    variant = sys.argv[1]
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    pages = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    data = rows(events)
    with tempfile.TemporaryDirectory(prefix="occurrence-model-") as directory:
        db = sqlite3.connect(os.path.join(directory, "model.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA cache_size = -%d" % int(os.environ.get("CACHE", "8192")))
        key, indexes = SCHEMAS[variant]
        db.execute(f"CREATE TABLE occurrences ({COLUMNS}{key})")
        for sql in indexes:
            db.execute(sql)
        insert = ("INSERT OR REPLACE" if key else "INSERT") + " INTO occurrences VALUES (?,?,?,?,?,?,?,?,?,?)"
        wall, cpu = time.perf_counter(), time.process_time()
        if variant == "bulk":
            db.execute("BEGIN")
            db.executemany(insert, data)
            db.execute("PRAGMA temp_store = FILE")
            for sql in TIME_INDEXES + [SERIES_INDEX]:
                db.execute(sql)
            db.execute("COMMIT")
        else:
            size = (len(data) + pages - 1) // pages
            for first in range(0, len(data), size):
                page = data[first:first + size]
                if os.environ.get("SORT") == "1":
                    page.sort(key=lambda row: row[8])
                db.execute("BEGIN")
                db.executemany(insert, page)
                db.execute("COMMIT")
        print(f"{variant}: {len(data)} rows, wall {time.perf_counter() - wall:.2f} s, "
              f"CPU {time.process_time() - cpu:.2f} s")


if __name__ == "__main__":
    main()
