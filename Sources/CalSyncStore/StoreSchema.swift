import CalSyncModel
import CalSyncRecurrence
import GRDB

/// The store's schema, as immutable migrations. A released migration is never edited:
/// changes come as new migrations, and `PRAGMA user_version` follows the newest one
/// (docs/store.md: raise the schema version and document the migration under "Schema versions").
enum StoreSchema {
    /// The schema version readers see in `PRAGMA user_version` and `meta.schema_version`.
    static let version = 9

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: v4)
            try db.execute(sql: "PRAGMA user_version = 4")
        }
        // GRDB runs a migration with foreign keys off and checks them all before it commits:
        // the tables can be rebuilt, and a row that would break a key fails the migration.
        migrator.registerMigration("v5") { db in
            try db.execute(sql: v5)
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        migrator.registerMigration("v6") { db in
            try db.execute(sql: v6)
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        migrator.registerMigration("v7") { db in try migrateOutbox(db, version: 7) }
        migrator.registerMigration("v8") { db in
            try db.execute(sql: v8)
            try db.execute(sql: "PRAGMA user_version = 8")
        }
        migrator.registerMigration("v9") { db in
            try ListedKey.addSQLFunction(to: db)
            try db.execute(sql: v9)
            try db.execute(sql: "PRAGMA user_version = 9")
        }
        return migrator
    }

    /// Version 1: the public contract (docs/store.md "Tables") plus internal bookkeeping tables.
    static let v1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT
        );

        CREATE TABLE accounts (
            id TEXT PRIMARY KEY NOT NULL,
            provider TEXT NOT NULL CHECK (provider IN ('google', 'microsoft')),
            email TEXT,
            auth TEXT NOT NULL CHECK (auth IN ('oauth', 'server', 'api_key')),
            state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'needs_login', 'error', 'disabled')),
            state_detail TEXT,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE calendars (
            account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT,
            time_zone TEXT,
            color TEXT,
            access TEXT NOT NULL CHECK (access IN ('owner', 'writer', 'reader', 'freebusy')),
            is_primary INTEGER NOT NULL DEFAULT 0,
            sync_enabled INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (account_id, id)
        );

        CREATE TABLE events (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            id TEXT NOT NULL,
            ical_uid TEXT,
            etag TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('single', 'series', 'exception')),
            series_id TEXT,
            original_start TEXT,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
            summary TEXT,
            description TEXT,
            location TEXT,
            all_day INTEGER NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            time_zone TEXT,
            recurrence TEXT,
            transparency TEXT NOT NULL CHECK (transparency IN ('opaque', 'transparent')),
            visibility TEXT NOT NULL CHECK (visibility IN ('default', 'public', 'private', 'confidential')),
            organizer TEXT,
            attendees TEXT NOT NULL DEFAULT '[]',
            url TEXT,
            conference_url TEXT,
            event_type TEXT,
            created TEXT,
            updated TEXT,
            raw TEXT NOT NULL,
            synced_at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        );
        CREATE INDEX events_by_series ON events(account_id, calendar_id, series_id) WHERE series_id IS NOT NULL;

        CREATE TABLE occurrences (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            series_id TEXT,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            all_day INTEGER NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            PRIMARY KEY (account_id, calendar_id, instance_id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        );
        CREATE INDEX occurrences_by_start ON occurrences(start_ts);
        CREATE INDEX occurrences_by_calendar_start ON occurrences(account_id, calendar_id, start_ts);
        CREATE INDEX occurrences_by_event ON occurrences(account_id, calendar_id, event_id);
        CREATE INDEX occurrences_by_series ON occurrences(account_id, calendar_id, series_id)
            WHERE series_id IS NOT NULL;

        CREATE VIEW agenda AS
        SELECT o.account_id, o.calendar_id, c.name AS calendar_name, o.event_id, o.instance_id,
               e.summary, e.location, e.description, o.start, o."end", o.all_day, o.start_ts, o.end_ts,
               e.status, e.transparency, e.conference_url, e.url
        FROM occurrences o
        JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
        JOIN calendars c ON c.account_id = o.account_id AND c.id = o.calendar_id
        WHERE e.status != 'cancelled' AND c.sync_enabled = 1;

        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
            at TEXT NOT NULL
        );

        CREATE TABLE sync_state (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            last_attempt TEXT,
            last_success TEXT,
            last_full_sync TEXT,
            next_run TEXT,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            window_start TEXT,
            window_end TEXT,
            events_count INTEGER NOT NULL DEFAULT 0,
            occurrences_count INTEGER NOT NULL DEFAULT 0,
            quarantined_count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, calendar_id)
        );

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
            event_id TEXT,
            payload TEXT,
            if_etag TEXT,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'conflict', 'failed')),
            result_event_id TEXT,
            error TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );

        -- Internal: the saved end-of-round cursor (Google nextSyncToken, Graph deltaLink) and
        -- the fingerprint of the request parameters it was made with.
        CREATE TABLE internal_cursors (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            token TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id)
        );
        -- Internal: a full re-sync in progress (mark and sweep) and the events it has seen.
        CREATE TABLE internal_full_syncs (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            -- 0: the calendar was empty, there is nothing to sweep and nothing to mark.
            existing_events INTEGER NOT NULL,
            PRIMARY KEY (account_id, calendar_id)
        );
        CREATE TABLE internal_full_sync_seen (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, event_id)
        ) WITHOUT ROWID;
        -- Internal: deletions the safety valve held back.
        CREATE TABLE internal_held_deletions (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            would_delete INTEGER NOT NULL,
            of_total INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id)
        );
        -- Internal: events that could not be read or expanded, with the reason.
        CREATE TABLE internal_quarantine (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            raw TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, event_id)
        );
        """

    /// Version 2: provider notes, facts a provider keeps about a calendar between processes
    /// (Graph: which instance ids belong to which series, so that a later `@removed` of one
    /// can be told from a plain deletion). Opaque to the store; written with the page that
    /// taught them.
    static let v2 = """
        CREATE TABLE internal_provider_notes (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, key)
        ) WITHOUT ROWID;
        """

    /// Version 3: where an interrupted full re-sync goes on. The cursor of the page after the
    /// last one applied, and the fingerprint of the request parameters it belongs to, saved
    /// in that page's transaction: a daemon restarted on page 30 of 40 asks for page 31,
    /// not page 1 (a large calendar on a host that restarts often would never finish).
    static let v3 = """
        ALTER TABLE internal_full_syncs ADD COLUMN next_page TEXT;
        ALTER TABLE internal_full_syncs ADD COLUMN next_page_fingerprint TEXT;
        """

    /// Version 4: the first listing of a calendar loads its occurrences in bulk at its end
    /// (``PageWriter``): `occurrences_deferred` says that the pages of this full re-sync
    /// leave occurrences to its last page, which expands the whole calendar in one
    /// transaction. `occurrences_by_event` goes: single events are found by their primary
    /// key (their `instance_id` is their id) and series by `occurrences_by_series`, and
    /// each index is one more B-tree written per occurrence (docs/benchmarks.md).
    static let v4 = """
        DROP INDEX occurrences_by_event;
        ALTER TABLE internal_full_syncs ADD COLUMN occurrences_deferred INTEGER NOT NULL DEFAULT 0;
        """

    /// Version 5: the internal tables of a calendar hang off its `calendars` row with a foreign
    /// key ON DELETE CASCADE, as `events` and `occurrences` always did: removing a calendar
    /// (or an account) removes its bookkeeping without the writer naming each table. SQLite
    /// cannot add a foreign key to a table, so each is rebuilt with its columns in the same
    /// order: copied aside, dropped, created again, filled from the copy. Not by creating the
    /// new table under another name and renaming it: `ALTER TABLE … RENAME` opens the
    /// connection's temporary database, after which the bulk load's `PRAGMA temp_store`
    /// fails inside its transaction (SQLite refuses it once temporary storage is in use). Rows of a calendar that is no longer in
    /// `calendars` (the writer always removed them with it, so there should be none) are
    /// not copied: they would break the key and could never be read or removed.
    static let v5 = """
        CREATE TABLE internal_cursors_v4 AS SELECT * FROM internal_cursors t
            WHERE EXISTS (SELECT 1 FROM calendars c WHERE c.account_id = t.account_id AND c.id = t.calendar_id);
        DROP TABLE internal_cursors;
        CREATE TABLE internal_cursors (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            token TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        );
        INSERT INTO internal_cursors(account_id, calendar_id, token, fingerprint, saved_at)
            SELECT account_id, calendar_id, token, fingerprint, saved_at FROM internal_cursors_v4;
        DROP TABLE internal_cursors_v4;

        CREATE TABLE internal_full_syncs_v4 AS SELECT * FROM internal_full_syncs t
            WHERE EXISTS (SELECT 1 FROM calendars c WHERE c.account_id = t.account_id AND c.id = t.calendar_id);
        DROP TABLE internal_full_syncs;
        CREATE TABLE internal_full_syncs (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            -- 0: the calendar was empty, there is nothing to sweep and nothing to mark.
            existing_events INTEGER NOT NULL,
            next_page TEXT,
            next_page_fingerprint TEXT,
            occurrences_deferred INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, calendar_id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        );
        INSERT INTO internal_full_syncs(account_id, calendar_id, started_at, existing_events, next_page,
            next_page_fingerprint, occurrences_deferred)
            SELECT account_id, calendar_id, started_at, existing_events, next_page, next_page_fingerprint,
                occurrences_deferred
            FROM internal_full_syncs_v4;
        DROP TABLE internal_full_syncs_v4;

        CREATE TABLE internal_full_sync_seen_v4 AS SELECT * FROM internal_full_sync_seen t
            WHERE EXISTS (SELECT 1 FROM calendars c WHERE c.account_id = t.account_id AND c.id = t.calendar_id);
        DROP TABLE internal_full_sync_seen;
        CREATE TABLE internal_full_sync_seen (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, event_id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        ) WITHOUT ROWID;
        INSERT INTO internal_full_sync_seen(account_id, calendar_id, event_id)
            SELECT account_id, calendar_id, event_id FROM internal_full_sync_seen_v4;
        DROP TABLE internal_full_sync_seen_v4;

        CREATE TABLE internal_held_deletions_v4 AS SELECT * FROM internal_held_deletions t
            WHERE EXISTS (SELECT 1 FROM calendars c WHERE c.account_id = t.account_id AND c.id = t.calendar_id);
        DROP TABLE internal_held_deletions;
        CREATE TABLE internal_held_deletions (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            would_delete INTEGER NOT NULL,
            of_total INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        );
        INSERT INTO internal_held_deletions(account_id, calendar_id, would_delete, of_total, at)
            SELECT account_id, calendar_id, would_delete, of_total, at FROM internal_held_deletions_v4;
        DROP TABLE internal_held_deletions_v4;

        CREATE TABLE internal_quarantine_v4 AS SELECT * FROM internal_quarantine t
            WHERE EXISTS (SELECT 1 FROM calendars c WHERE c.account_id = t.account_id AND c.id = t.calendar_id);
        DROP TABLE internal_quarantine;
        CREATE TABLE internal_quarantine (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            raw TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, event_id),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        );
        INSERT INTO internal_quarantine(account_id, calendar_id, event_id, reason, raw, at)
            SELECT account_id, calendar_id, event_id, reason, raw, at FROM internal_quarantine_v4;
        DROP TABLE internal_quarantine_v4;

        CREATE TABLE internal_provider_notes_v4 AS SELECT * FROM internal_provider_notes t
            WHERE EXISTS (SELECT 1 FROM calendars c WHERE c.account_id = t.account_id AND c.id = t.calendar_id);
        DROP TABLE internal_provider_notes;
        CREATE TABLE internal_provider_notes (
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (account_id, calendar_id, key),
            FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
        ) WITHOUT ROWID;
        INSERT INTO internal_provider_notes(account_id, calendar_id, key, value)
            SELECT account_id, calendar_id, key, value FROM internal_provider_notes_v4;
        DROP TABLE internal_provider_notes_v4;
        """

    /// Version 6, the lean store (issue 19): occurrences move into `internal_occurrences`,
    /// one row of integers per instance — the `events` rowid of the row holding its details,
    /// its `start_ts` and `end_ts` — clustered by event, with one secondary index for the
    /// time range; `occurrences` and `agenda` become views with the columns they always had.
    /// Everything else in a row is derived in the views from the event: the account and
    /// calendar, `event_id`, `series_id`, `all_day`; the instance id of a single or an
    /// exception (its own id) or of an instance a rule produced (`<master>_<UTC stamp>` or
    /// `<master>_<date>`, Google's form); `start`/`end` (the event's own for singles and
    /// exceptions; from the integers for a series' instances, dates read back in the zone
    /// offset of the master's own start, which is exact while the two offsets are less than
    /// twelve hours apart). `instance_id` is stored only when it cannot be derived (a
    /// provider's own occurrence ids, Graph's), with a partial index that holds only those.
    ///
    /// `internal_occurrences_staged` holds the occurrences a calendar's first listing
    /// expands page by page (by `calendars` rowid), invisible to readers until its last
    /// page moves them into `internal_occurrences` in one transaction. A trigger removes an
    /// event's occurrences with it, whichever way it goes (the writer, a calendar's cascade).
    ///
    /// The rows of the old table are copied over: each joined to its event (an occurrence
    /// whose event was not in `events` could never be shown by `agenda`; the writer never
    /// left one), its instance id kept when it differs from the derived one.
    /// `internal_full_syncs.staged_occurrences` counts a first listing's staged rows for
    /// the calendar's occurrence cap.
    static let v6 = """
        CREATE TABLE internal_occurrences (
            event INTEGER NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            instance_id TEXT,
            PRIMARY KEY (event, start_ts)
        ) WITHOUT ROWID;

        CREATE TABLE internal_occurrences_staged (
            calendar INTEGER NOT NULL,
            event INTEGER NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            instance_id TEXT,
            PRIMARY KEY (calendar, event, start_ts)
        ) WITHOUT ROWID;
        CREATE INDEX internal_occurrences_staged_by_listed_id ON internal_occurrences_staged(calendar, instance_id)
            WHERE instance_id IS NOT NULL;

        ALTER TABLE internal_full_syncs ADD COLUMN staged_occurrences INTEGER NOT NULL DEFAULT 0;

        INSERT OR IGNORE INTO internal_occurrences(event, start_ts, end_ts, instance_id)
        SELECT e.rowid, o.start_ts, o.end_ts,
            CASE WHEN o.instance_id IS \(v6InstanceID("NULL")) THEN NULL ELSE o.instance_id END
        FROM occurrences o
        JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
        ORDER BY e.rowid, o.start_ts;

        DROP VIEW agenda;
        DROP TABLE occurrences;

        CREATE INDEX internal_occurrences_by_time ON internal_occurrences(start_ts, end_ts);
        CREATE INDEX internal_occurrences_by_listed_id ON internal_occurrences(instance_id)
            WHERE instance_id IS NOT NULL;

        CREATE TRIGGER internal_occurrences_leave_with_their_event AFTER DELETE ON events
        BEGIN
            DELETE FROM internal_occurrences WHERE event = old.rowid;
            DELETE FROM internal_occurrences_staged
                WHERE calendar = (SELECT rowid FROM calendars WHERE account_id = old.account_id AND id = old.calendar_id)
                AND event = old.rowid;
        END;

        CREATE VIEW occurrences AS
        SELECT e.account_id, e.calendar_id, \(v6InstanceID("o.instance_id")) AS instance_id, e.id AS event_id,
               CASE e.kind WHEN 'series' THEN e.id WHEN 'exception' THEN e.series_id END AS series_id,
               \(v6Time("start", "o.start_ts")) AS start, \(v6Time("\"end\"", "o.end_ts")) AS "end",
               e.all_day, o.start_ts, o.end_ts
        FROM internal_occurrences o
        JOIN events e ON e.rowid = o.event;

        CREATE VIEW agenda AS
        SELECT e.account_id, e.calendar_id, c.name AS calendar_name, e.id AS event_id,
               \(v6InstanceID("o.instance_id")) AS instance_id,
               e.summary, e.location, e.description,
               \(v6Time("start", "o.start_ts")) AS start, \(v6Time("\"end\"", "o.end_ts")) AS "end",
               e.all_day, o.start_ts, o.end_ts, e.status, e.transparency, e.conference_url, e.url
        FROM internal_occurrences o
        JOIN events e ON e.rowid = o.event
        JOIN calendars c ON c.account_id = e.account_id AND c.id = e.calendar_id
        WHERE e.status != 'cancelled' AND c.sync_enabled = 1;
        """

    /// The instance id the `occurrences` view gives the row `o` of `internal_occurrences`
    /// joined to its event `e` (`stored`, the row's own column, when there is one): for the
    /// writer's statements that match ids over many rows at once, on the table itself.
    static func derivedInstanceID(_ stored: String) -> String { v6InstanceID(stored) }

    /// Part of the v6 migration (never edited): the instance id of the occurrence row `o`
    /// of event `e`, `stored` when there is one.
    private static func v6InstanceID(_ stored: String) -> String {
        """
        COALESCE(\(stored), CASE WHEN e.kind != 'series' THEN e.id
                   WHEN e.all_day THEN e.id || '_' || strftime('%Y%m%d', o.start_ts + strftime('%s', e.start) - e.start_ts + 43200, 'unixepoch')
                   ELSE e.id || '_' || strftime('%Y%m%dT%H%M%SZ', o.start_ts, 'unixepoch') END)
        """
    }

    /// Part of the v6 migration (never edited): the `start` or `end` text of the occurrence
    /// row `o` of event `e`: the event's own for a single or an exception; for an instance
    /// of a series the instant of `seconds`, or (all-day) the date whose midnight in the
    /// master's zone it is, read with the offset of the master's own start (noon of the
    /// UTC day, so that the two offsets may differ by up to twelve hours).
    private static func v6Time(_ column: String, _ seconds: String) -> String {
        """
        CASE WHEN e.kind != 'series' THEN e.\(column)
                    WHEN e.all_day THEN date(\(seconds) + strftime('%s', e.start) - e.start_ts + 43200, 'unixepoch')
                    ELSE strftime('%Y-%m-%dT%H:%M:%SZ', \(seconds), 'unixepoch') END
        """
    }

    /// Version 8: a listed calendar's first listing (Graph's) stages its occurrences in
    /// `internal_listed_staged`, in the order they arrive, with no index but its key
    /// `(calendar, seq)`: Graph lists a round's occurrences by time, naming thousands of
    /// series a page, so the keyed stage of v6 took each page's rows at random places of a
    /// table and an index of random ids, rewriting thousands of pages per commit
    /// (docs/benchmarks.md, issue 18). Appended, a page writes a few dozen. The stage is
    /// read in order once, when the last page publishes it: the newest row of an id (or of
    /// an event's own occurrence) wins there, and `drops_event` rows void what their event
    /// staged before them (an event deleted during the listing: its rowid may come back).
    ///
    /// Microsoft calendars' rows staged by v6's table move over (a first listing under
    /// way goes on), numbered in the table's order.
    static let v8 = """
        CREATE TABLE internal_listed_staged (
            calendar INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            event INTEGER NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            instance_id TEXT,
            drops_event INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (calendar, seq)
        ) WITHOUT ROWID;

        INSERT INTO internal_listed_staged(calendar, seq, event, start_ts, end_ts, instance_id)
        SELECT s.calendar, row_number() OVER (PARTITION BY s.calendar ORDER BY s.event, s.start_ts),
            s.event, s.start_ts, s.end_ts, s.instance_id
        FROM internal_occurrences_staged s
        WHERE s.calendar IN (
            SELECT c.rowid FROM calendars c JOIN accounts a ON a.id = c.account_id WHERE a.provider = 'microsoft');
        DELETE FROM internal_occurrences_staged WHERE calendar IN (
            SELECT c.rowid FROM calendars c JOIN accounts a ON a.id = c.account_id WHERE a.provider = 'microsoft');

        CREATE TRIGGER internal_listed_staged_leaves_with_its_calendar AFTER DELETE ON calendars
        BEGIN
            DELETE FROM internal_listed_staged WHERE calendar = old.rowid;
        END;
        """

    /// Version 9: a stored occurrence id (a provider's own, Graph's) is found by an index of
    /// its integer key (``ListedKey``, a column beside it in each table of occurrences), no
    /// longer by an index of the ids themselves: Graph's ids are some 80 to 150 bytes, and
    /// their index was 172 MB of a 100,000-event Microsoft calendar's store
    /// (docs/benchmarks.md). Every stored id is keyed by `calsync_listed_key`, a function
    /// the migration's connection has; NULL ids keep a NULL key.
    static let v9 = """
        ALTER TABLE internal_occurrences ADD COLUMN listed_key INTEGER;
        ALTER TABLE internal_occurrences_staged ADD COLUMN listed_key INTEGER;
        ALTER TABLE internal_listed_staged ADD COLUMN listed_key INTEGER;
        UPDATE internal_occurrences SET listed_key = calsync_listed_key(instance_id) WHERE instance_id IS NOT NULL;
        UPDATE internal_occurrences_staged SET listed_key = calsync_listed_key(instance_id) WHERE instance_id IS NOT NULL;
        UPDATE internal_listed_staged SET listed_key = calsync_listed_key(instance_id) WHERE instance_id IS NOT NULL;

        DROP INDEX internal_occurrences_by_listed_id;
        CREATE INDEX internal_occurrences_by_listed_key ON internal_occurrences(listed_key)
            WHERE listed_key IS NOT NULL;
        """

    /// Every table whose rows belong to one calendar (`account_id`, `calendar_id`), and
    /// whether a foreign key removes them with the calendar's row (`cascades`) or the writer
    /// deletes them itself (`sync_state`, a public table whose definition the contract
    /// fixes). `changes` (the log readers follow, which records the removal) and `outbox`
    /// are not rows of a calendar. StoreCalendarRemovalTests checks this list against the
    /// schema.
    static let calendarTables: [(name: String, cascades: Bool)] = [
        ("events", true), ("sync_state", false), ("internal_cursors", true),
        ("internal_full_syncs", true), ("internal_full_sync_seen", true), ("internal_held_deletions", true),
        ("internal_quarantine", true), ("internal_provider_notes", true),
    ]

    /// The indexes of `internal_occurrences` as the migrations leave them, exactly as
    /// `sqlite_master` records them. A bulk load drops and re-creates them by sorting
    /// (``PageWriter``); StoreContractTests checks that they are the migrations' own. The
    /// partial index of provider-listed ids' keys is rebuilt too: Graph's ids are random, and
    /// filled one by one at a listed first listing's publish they cost a second of CPU at
    /// 10,000 Graph events. (Built after the stage was emptied, it held its pages in the
    /// in-memory statement journal; publish builds the indexes first: docs/benchmarks.md.)
    static let occurrenceIndexes: [(name: String, sql: String)] = [
        (
            "internal_occurrences_by_time",
            "CREATE INDEX internal_occurrences_by_time ON internal_occurrences(start_ts, end_ts)"
        ),
        (
            "internal_occurrences_by_listed_key",
            "CREATE INDEX internal_occurrences_by_listed_key ON internal_occurrences(listed_key)\n    WHERE listed_key IS NOT NULL"
        ),
    ]
}
