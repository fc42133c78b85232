#!/usr/bin/env python3
"""What SQLite alone takes to write a synced store's rows: the floor under a first sync.

    scripts/bench-tools/store-floor.py STORE OUT_DIR [RUNS]

STORE is a store calsyncd wrote (for example the one `one-sync.py BIN google 100000 OUT`
leaves in OUT/calsync/calsync.db); it is only read. Each step writes that store's own rows,
with one `INSERT … SELECT` from a copy of them, into a new file in OUT_DIR (emptied first)
set up as calsyncd sets up its store (WAL, `synchronous = NORMAL`, a 4 MiB page cache), and
is timed from the statement to its commit, RUNS times (default 3; the median is printed):

- `events` with the schema's own table and indexes, and their `changes` rows;
- `events` slimmed to the columns the writer looks rows up by, and `raw`;
- `internal_occurrences` written in key order, then its time index built by sorting
  (2 MiB of sort memory, temporary files on disk, as the publish does), and for a
  Microsoft calendar's store the partial index of its stored ids' keys the same way.

No parsing, no HTTP, no expansion, one statement per step: what is left of a sync's time
once everything but SQLite is gone. docs/benchmarks.md cites runs of it.
"""
import os
import shutil
import sqlite3
import statistics
import sys
import time

SLIM_EVENTS = """
    CREATE TABLE events (
        account_id TEXT NOT NULL, calendar_id TEXT NOT NULL, id TEXT NOT NULL,
        kind TEXT NOT NULL, series_id TEXT, status TEXT NOT NULL,
        start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL, raw TEXT NOT NULL,
        PRIMARY KEY (account_id, calendar_id, id));
    CREATE INDEX events_by_series ON events(account_id, calendar_id, series_id) WHERE series_id IS NOT NULL;
"""
CHANGES = """
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT NOT NULL, calendar_id TEXT NOT NULL,
        event_id TEXT NOT NULL, op TEXT NOT NULL, at TEXT NOT NULL);
"""


def schema(source, names):
    """The store's own statements creating these tables and indexes."""
    rows = source.execute(
        "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND (name IN ({0}) OR tbl_name IN ({0}))"
        " AND type IN ('table', 'index')".format(",".join("?" * len(names))), names * 2).fetchall()
    return ";\n".join(sql for _, sql in rows) + ";"


def statement(ddl, kind, name=""):
    """The statement of `ddl` that creates `kind` (TABLE or INDEX) and names `name`."""
    return next(sql for sql in ddl.split(";") if "CREATE " + kind in sql and name in sql) + ";"


# The publish builds its indexes by sorting with temporary files on disk and 2 MiB of memory.
SORTING = "PRAGMA temp_store = FILE; PRAGMA cache_size = -2048; "


def timed(path, setup, steps):
    """Creates `path` with `setup`, then runs `steps` (label, sql) each in its own
    transaction; returns {label: seconds} and the file's size."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -4096")
    db.executescript(setup)
    db.execute("ATTACH ? AS source", (os.path.join(os.path.dirname(path), "source.db"),))
    seconds = {}
    for label, sql in steps:
        begin = time.perf_counter()
        # One script: `executescript` commits whatever transaction is open before it runs.
        db.executescript("BEGIN IMMEDIATE; " + sql + "; COMMIT;")
        seconds[label] = time.perf_counter() - begin
    db.execute("DETACH source")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return seconds, os.path.getsize(path)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    store, out = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    source_path = os.path.join(out, "source.db")
    source = sqlite3.connect("file:{}?mode=ro".format(store), uri=True)
    events_ddl = schema(source, ["events"])
    event_columns = ", ".join(column[1] for column in source.execute("PRAGMA table_info(events)"))
    occurrences_ddl = schema(source, ["internal_occurrences"])
    # The rows, copied once into a file of their own so that every step reads the same.
    copy = sqlite3.connect(source_path, isolation_level=None)
    copy.execute("ATTACH ? AS store", ("file:{}?mode=ro".format(store),))
    copy.execute("CREATE TABLE events AS SELECT rowid AS key, * FROM store.events ORDER BY rowid")
    copy.execute("CREATE TABLE occurrences AS SELECT * FROM store.internal_occurrences ORDER BY event, start_ts")
    counts = copy.execute("SELECT (SELECT COUNT(*) FROM events), (SELECT SUM(length(raw)) FROM events),"
                          " (SELECT COUNT(*) FROM occurrences),"
                          " (SELECT COUNT(*) FROM occurrences WHERE listed_key IS NOT NULL)").fetchone()
    copy.close()
    print("rows: %d events (%.1f MB of raw JSON), %d occurrences (%d with a stored id)" % (
        counts[0], counts[1] / 1e6, counts[2], counts[3]))

    occurrence_columns = "event, start_ts, end_ts, instance_id, listed_key"
    table_only = statement(occurrences_ddl, "TABLE")
    index_steps = [("time index", SORTING + statement(occurrences_ddl, "INDEX", "by_time"))]
    if counts[3]:
        # A Microsoft calendar's occurrences keep Graph's ids, found by the partial index of their keys.
        index_steps.append(("id key index", SORTING + statement(occurrences_ddl, "INDEX", "by_listed_key")))
    scenarios = [
        ("events as stored, with their changes rows", events_ddl + CHANGES, [
            ("events", "INSERT INTO events SELECT {} FROM source.events ORDER BY key".format(event_columns)),
            ("changes", "INSERT INTO changes(account_id, calendar_id, event_id, op, at)"
                        " SELECT account_id, calendar_id, id, 'upsert', synced_at FROM source.events ORDER BY key"),
        ]),
        ("events slimmed to their keys and raw", SLIM_EVENTS, [
            ("events", "INSERT INTO events SELECT account_id, calendar_id, id, kind, series_id, status,"
                       " start_ts, end_ts, raw FROM source.events ORDER BY key"),
        ]),
        ("occurrences, then their indexes", table_only, [
            ("rows", "INSERT INTO internal_occurrences({0}) SELECT {0} FROM source.occurrences".format(
                occurrence_columns)),
        ] + index_steps),
    ]
    for name, setup, steps in scenarios:
        results = [timed(os.path.join(out, "floor.db"), setup, steps) for _ in range(runs)]
        parts = []
        for label, _ in steps:
            parts.append("%s %.2f s" % (label, statistics.median(r[0][label] for r in results)))
        total = statistics.median(sum(r[0].values()) for r in results)
        print("%s: %s; total %.2f s; file %.1f MB" % (name, ", ".join(parts), total, results[-1][1] / 1e6))


if __name__ == "__main__":
    main()
