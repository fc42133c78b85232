#!/usr/bin/env python3
"""calsync's resilience suite (issue 8): the real calsyncd against the real
calsync-emulator, with the store checked against the emulator's truth.

Parts (docs/resilience.md says what each checks and what it found):
  kill  kill -9 of the daemon at random moments of long syncs against a slowed emulator
  soak  random faults on every path while the daemon polls often; same pid, no
        corruption, convergence once the faults stop, RSS flat
  hostile  a hostile server: huge and odd headers, links to another origin (a listener
        that must see no connection), control characters and NULs, oversize fields and
        bodies, non-JSON 200s; same pid, convergence once the faults stop
  disk  the store on a tiny tmpfs (root only): one-line "disk full" error, no
        corruption, recovery once space returns
  fuzz  the Swift fuzz tests of malformed provider pages (FuzzedPageTests)
  write  random adds, updates and deletes (occurrences of series too) queued through
        calsyncctl and by SQL, with write faults and kill -9; then every row done or in
        conflict, no event twice, the store equal to the provider

Called by scripts/chaos, which builds and passes --bin. Python 3 standard library only.
Every server listens on 127.0.0.1; every loop is bounded in count and time.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

GOOGLE_CALENDAR = "user@example.com"
GRAPH_CALENDAR = "AAMkAGNhbHN5bmMtZGVmYXVsdC1jYWxlbmRhcgAuAAA="
GOOGLE_CLIENT = "chaos-client.apps.googleusercontent.com"
GRAPH_CLIENT = "chaos-public-client"


def log(message):
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Failure(Exception):
    """A check that did not hold: the part fails with this message."""


def check(condition, message):
    if not condition:
        raise Failure(message)


# MARK: the emulator


class Emulator:
    def __init__(self, binary, directory, arguments):
        self.directory = directory
        port_file = os.path.join(directory, "emulator.port")
        self.log_path = os.path.join(directory, "emulator.log")
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--port-file", port_file] + arguments,
            stdin=subprocess.DEVNULL, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120  # --generate of a few thousand events in a debug build
        while time.monotonic() < deadline:
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            check(self.process.poll() is None, f"the emulator exited: {open(self.log_path).read()[-2000:]}")
            time.sleep(0.1)
        else:
            raise Failure("the emulator did not start within 120 s")
        self.url = f"http://127.0.0.1:{open(port_file).read().strip()}"

    def call(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raise Failure(f"emulator {method} {path}: HTTP {error.code} {error.read()[:300]!r}")
        return json.loads(text) if text.strip() else None

    def fault(self, **fields):
        self.call("POST", "/_emulator/faults", fields)

    def clear_faults(self):
        self.call("DELETE", "/_emulator/faults")

    def requests(self, prefix=""):
        return self.call("GET", "/_emulator/requests?path=" + urllib.request.quote(prefix))["requests"]

    def google_truth(self):
        items = self.call("GET", f"/_emulator/google/calendars/{urllib.request.quote(GOOGLE_CALENDAR)}/events")
        return {item["id"]: item for item in items["items"]}

    def graph_truth(self):
        answer = self.call("GET", f"/_emulator/graph/calendars/{urllib.request.quote(GRAPH_CALENDAR, safe='')}/events")
        items = answer.get("value", answer.get("items", answer.get("events", [])))
        return {item["id"]: item for item in items}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# MARK: changes made at the providers while calsync syncs


class Editor:
    """Adds, edits and deletes events at the emulator, as people would meanwhile."""

    def __init__(self, emulator, rng):
        self.emulator = emulator
        self.rng = rng
        self.counter = 0

    def google(self, count):
        calendar = urllib.request.quote(GOOGLE_CALENDAR)
        truth = [event for event in self.emulator.google_truth().values() if event.get("status") != "cancelled"]
        for _ in range(count):
            self.counter += 1
            action = self.rng.choice(["add", "edit", "delete"]) if truth else "add"
            if action == "add":
                day = 1 + self.rng.randrange(28)
                self.emulator.call("POST", f"/_emulator/google/calendars/{calendar}/events", {
                    "summary": f"chaos {self.counter}",
                    "start": {"dateTime": f"2026-12-{day:02d}T10:00:00Z"},
                    "end": {"dateTime": f"2026-12-{day:02d}T11:00:00Z"}})
            else:
                event = truth.pop(self.rng.randrange(len(truth)))
                path = f"/_emulator/google/calendars/{calendar}/events/{urllib.request.quote(event['id'])}"
                if action == "edit":
                    self.emulator.call("PATCH", path, {"summary": f"edited by chaos {self.counter}"})
                else:
                    self.emulator.call("DELETE", path)

    def graph(self, count):
        calendar = urllib.request.quote(GRAPH_CALENDAR, safe="")
        truth = [event for event in self.emulator.graph_truth().values() if event.get("type") != "exception"]
        for _ in range(count):
            self.counter += 1
            action = self.rng.choice(["add", "edit", "delete"]) if truth else "add"
            if action == "add":
                day = 1 + self.rng.randrange(28)
                self.emulator.call("POST", f"/_emulator/graph/calendars/{calendar}/events", {
                    "subject": f"chaos {self.counter}",
                    "start": {"dateTime": f"2026-12-{day:02d}T10:00:00", "timeZone": "UTC"},
                    "end": {"dateTime": f"2026-12-{day:02d}T11:00:00", "timeZone": "UTC"}})
            else:
                event = truth.pop(self.rng.randrange(len(truth)))
                path = f"/_emulator/graph/calendars/{calendar}/events/{urllib.request.quote(event['id'], safe='')}"
                if action == "edit":
                    self.emulator.call("PATCH", path, {"subject": f"edited by chaos {self.counter}"})
                else:
                    self.emulator.call("DELETE", path)


# MARK: the daemon and its files


class Setup:
    """A temporary configuration, store and signed-in accounts for one part."""

    def __init__(self, bin_dir, directory, emulator, providers, interval, store_dir=None, write=False):
        self.bin_dir = bin_dir
        self.directory = directory
        self.emulator = emulator
        self.providers = providers
        self.store = os.path.join(store_dir or directory, "calsync.db")
        self.config = os.path.join(directory, "calsync.toml")
        self.env = dict(os.environ, CALSYNC_CONTROL_SOCKET=os.path.join(directory, "control.sock"))
        self.env.pop("NOTIFY_SOCKET", None)
        self.env.pop("JOURNAL_STREAM", None)
        secret = os.path.join(directory, "client_secret")
        with open(secret, "w") as file:
            file.write("chaos-secret")
        os.chmod(secret, 0o600)
        url = emulator.url
        text = f'''[store]
path = "{self.store}"
tokens_path = "{os.path.join(directory, 'tokens.json')}"

[sync]
interval = "{interval}"
'''
        if "google" in providers:
            text += f'''
[[account]]
name = "g"
provider = "google"
{"write = true" if write else ""}
client_id = "{GOOGLE_CLIENT}"
client_secret_file = "{secret}"
api_url = "{url}/calendar/v3"
token_url = "{url}/token"
authorize_url = "{url}/o/oauth2/v2/auth"
revoke_url = "{url}/revoke"
'''
        if "graph" in providers:
            text += f'''
[[account]]
name = "m"
provider = "microsoft"
{"write = true" if write else ""}
client_id = "{GRAPH_CLIENT}"
graph_url = "{url}/v1.0"
login_url = "{url}"
'''
        with open(self.config, "w") as file:
            file.write(text)
        for name, provider, client in [("g", "google", GOOGLE_CLIENT), ("m", "microsoft", GRAPH_CLIENT)]:
            if (provider if provider == "google" else "graph") not in providers:
                continue
            token = emulator.call("POST", "/_emulator/tokens", {"provider": provider, "client_id": client})
            self.ctl(["login", name, "--refresh-token-file", "-"], stdin=token["refresh_token"] + "\n")
        self.daemon = None
        self.daemon_log = os.path.join(directory, "calsyncd.log")

    def ctl(self, arguments, stdin=None, timeout=120, check_status=True):
        result = subprocess.run(
            [os.path.join(self.bin_dir, "calsyncctl")] + arguments + ["--config", self.config],
            input=stdin or "", capture_output=True, text=True, env=self.env, timeout=timeout)
        if check_status and result.returncode != 0:
            raise Failure(f"calsyncctl {' '.join(arguments)}: exit {result.returncode}: {result.stderr.strip()}")
        return result

    def start_daemon(self):
        self.daemon = subprocess.Popen(
            [os.path.join(self.bin_dir, "calsyncd"), "--config", self.config],
            stdin=subprocess.DEVNULL, stdout=open(self.daemon_log, "a"), stderr=subprocess.STDOUT, env=self.env)
        return self.daemon.pid

    def wait_for_socket(self, timeout=30):
        """Waits until the daemon answers on its control socket: a killed daemon leaves
        the socket file behind, so its existence says nothing."""
        path = self.env["CALSYNC_CONTROL_SOCKET"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                try:
                    client.connect(path)
                    return
                except OSError:
                    pass
            check(self.daemon.poll() is None, f"calsyncd exited with {self.daemon.returncode}")
            time.sleep(0.05)
        raise Failure("calsyncd's control socket did not appear")

    def kill9(self):
        self.daemon.send_signal(signal.SIGKILL)
        self.daemon.wait()
        self.daemon = None

    def stop_daemon(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.terminate()
            try:
                self.daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
                raise Failure("calsyncd did not stop within 30 s of SIGTERM")
            check(self.daemon.returncode == 0, f"calsyncd exited with {self.daemon.returncode} on SIGTERM")
        self.daemon = None

    def rss_kib(self):
        with open(f"/proc/{self.daemon.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def sync_wait(self, timeout=120):
        """Asks the running daemon for a poll of every account and waits for it."""
        return self.ctl(["sync", "--wait"], timeout=timeout, check_status=False)

    def last_successes(self):
        # A daemon just started may have created the file but not yet its tables.
        try:
            with Store(self.store) as store:
                return dict(((a, c), s) for a, c, s in store.rows(
                    "SELECT account_id, calendar_id, last_success FROM sync_state"))
        except sqlite3.OperationalError:
            return {}


# MARK: the store against the truth


class Store:
    """A read-only look at the store, as any reader has."""

    def __init__(self, path):
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.connection.close()

    def rows(self, sql, arguments=()):
        return self.connection.execute(sql, arguments).fetchall()

    def integrity(self):
        return [row[0] for row in self.rows("PRAGMA integrity_check")]

    def events(self, account, calendar):
        return {row[0]: {"etag": row[1], "status": row[2], "kind": row[3], "series": row[4]}
                for row in self.rows("SELECT id, etag, status, kind, series_id FROM events "
                                     "WHERE account_id = ? AND calendar_id = ?", (account, calendar))}

    def problems(self):
        """The store's own consistency (docs/store.md): integrity, the changes feed, occurrences."""
        problems = []
        integrity = self.integrity()
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        # Each event's last change is an upsert; an id whose last change is a delete is gone.
        last = self.rows("""
            SELECT c.account_id, c.calendar_id, c.event_id, c.op FROM changes c
            JOIN (SELECT account_id, calendar_id, event_id, MAX(seq) AS seq FROM changes
                  GROUP BY account_id, calendar_id, event_id) l ON l.seq = c.seq""")
        last_op = {(a, c, e): op for a, c, e, op in last}
        events = set(self.rows("SELECT account_id, calendar_id, id FROM events"))
        unlogged = [key for key in events if last_op.get(key) != "upsert"]
        if unlogged:
            problems.append(f"{len(unlogged)} events whose last change is not an upsert, e.g. {unlogged[:3]}")
        ghosts = [key for key, op in last_op.items() if op == "upsert" and key not in events]
        if ghosts:
            problems.append(f"{len(ghosts)} ids whose last change is an upsert but which are gone, e.g. {ghosts[:3]}")
        orphans = self.rows("""
            SELECT count(*) FROM occurrences o LEFT JOIN events e
            ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
            WHERE e.id IS NULL""")[0][0]
        if orphans:
            problems.append(f"{orphans} occurrences of events that are not in the store")
        return problems


def differences(setup, emulator):
    """What separates the store from the emulator's truth (empty when equal)."""
    found = []
    with Store(setup.store) as store:
        found += store.problems()
        if "google" in setup.providers:
            truth = emulator.google_truth()
            held = store.events("g", GOOGLE_CALENDAR)
            # Google keeps the cancelled exceptions of a deleted series and lists them in
            # a full listing; an increment deletes them with their series. Neither side
            # is wrong about such an orphan, so it is left out of the comparison (and
            # counted by orphan_exceptions for the report).
            live = {i for i, e in truth.items() if e.get("status") != "cancelled"}
            truth = {i: e for i, e in truth.items() if not is_google_orphan(e, live)}
            held = {i: e for i, e in held.items()
                    if not (e["kind"] == "exception" and e["status"] == "cancelled" and e["series"] not in live)}
            found += compare("google", {i: e.get("etag") for i, e in truth.items()},
                             {i: e["etag"] for i, e in held.items()})
        if "graph" in setup.providers:
            truth = emulator.graph_truth()
            held = store.events("m", GRAPH_CALENDAR)
            # Graph's occurrences are stored as Graph lists them (docs/providers-graph.md):
            # no events row stands in for a cancelled occurrence, so none is left out here.
            found += compare("graph", {i: e.get("changeKey") for i, e in truth.items()},
                             {i: e["etag"] for i, e in held.items()})
    return found


def is_google_orphan(event, live):
    return event.get("status") == "cancelled" and event.get("recurringEventId") not in (None, *live)


def orphan_exceptions(setup):
    """Cancelled exceptions in the store whose series is not (the finding of docs/resilience.md)."""
    with Store(setup.store) as store:
        return store.rows("""
            SELECT count(*) FROM events e WHERE e.kind = 'exception' AND e.status = 'cancelled'
            AND NOT EXISTS (SELECT 1 FROM events s WHERE s.account_id = e.account_id
                            AND s.calendar_id = e.calendar_id AND s.id = e.series_id)""")[0][0]


def compare(provider, truth, held):
    missing = sorted(set(truth) - set(held))
    extra = sorted(set(held) - set(truth))
    stale = sorted(i for i in set(truth) & set(held) if truth[i] is not None and truth[i] != held[i])
    found = []
    if missing:
        found.append(f"{provider}: {len(missing)} events missing from the store, e.g. {missing[:3]}")
    if extra:
        found.append(f"{provider}: {len(extra)} events in the store the provider does not have, e.g. {extra[:3]}")
    if stale:
        found.append(f"{provider}: {len(stale)} events with a stale etag, e.g. {stale[:3]}")
    return found


def converge(setup, emulator, timeout):
    """Polls until the store equals the truth; returns the seconds it took."""
    start = time.monotonic()
    found = []
    while time.monotonic() - start < timeout:
        setup.sync_wait(timeout=max(5, timeout - (time.monotonic() - start)))
        found = differences(setup, emulator)
        if not found:
            return time.monotonic() - start
        time.sleep(0.5)
    raise Failure(f"the store did not converge to the truth within {timeout} s: {found}")


# MARK: kill


# The paths of the calendar APIs (Google's events, Graph's delta pages; not Graph's
# `$batch`, nor the token endpoints): what the kill part slows down and counts.
CALENDAR_PATHS = ("/calendar/v3/calendars/", "/v1.0/me/calendars/")


def calendar_requests(emulator):
    return [r for r in emulator.requests() if r["path"].startswith(CALENDAR_PATHS)]


def first_calendar_answer(emulator, setup, timeout=60):
    """When the emulator had answered the daemon's first calendar request (monotonic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if calendar_requests(emulator):
            return time.monotonic()
        check(setup.daemon.poll() is None, f"calsyncd exited by itself with {setup.daemon.returncode}")
        time.sleep(0.02)
    raise Failure(f"calsyncd asked for no calendar within {timeout} s of its start")


def part_kill(arguments, workdir, rng):
    kills = 8 if arguments.short else 50
    events = 300 if arguments.short else 400
    every = 5 if arguments.short else 10
    emulator = Emulator(os.path.join(arguments.bin, "calsync-emulator"), workdir, [
        "--generate", str(events), "--seed", str(arguments.seed), "--google-max-page-size", "25",
        "--graph-max-page-size", "100"])
    setup = None
    try:
        # Slow: every calendar API request waits, so a full sync takes many seconds (75 ms:
        # with Graph's next page asked for early, 50 ms left the short run's syncs so short
        # that kills now and then came after them; docs/resilience.md).
        delay = 75
        for path in CALENDAR_PATHS:
            emulator.fault(path=path, count=10_000_000, delayMs=delay)
        setup = Setup(arguments.bin, workdir, emulator, ["google", "graph"], interval="1h")
        editor = Editor(emulator, rng)
        mid_sync = 0
        page_counts = []
        # Kill moments are drawn after the round's first calendar request, within what is
        # left of the sync under way: `whole` is how long a whole sync takes (a guess until
        # one has been timed), `left` what remains of the one the kills keep interrupting
        # (a resumed full re-sync goes on from its saved page). Drawn over a whole sync's
        # time after every kill, most kills of the short form came after a resumed sync had
        # already finished on a fast release build (docs/resilience.md).
        whole = 3.0
        left = whole
        restarts_from_page_1 = restarts_seen = 0
        for round in range(kills):
            # Every fifth (short) or tenth round lets a sync finish, then expires the cursors: the next
            # rounds kill full re-syncs (mark and sweep) rather than first syncs.
            if round % every == every - 1:
                emulator.call("DELETE", "/_emulator/requests")
                before = setup.last_successes() if os.path.exists(setup.store) else {}
                setup.start_daemon()
                started = first_calendar_answer(emulator, setup)
                setup.wait_for_socket()
                while time.monotonic() - started < 300:
                    setup.sync_wait(timeout=300)
                    after = setup.last_successes()
                    if after and all(after.get(key) != before.get(key) for key in after):
                        break
                else:
                    raise Failure("no whole sync within 300 s between kills")
                # Later kills spread over the time a whole sync takes here. This round
                # resumed a sync the kills interrupted, so it only ever widens the guess.
                whole = min(15.0, max(whole, time.monotonic() - started))
                setup.stop_daemon()
                emulator.call("POST", "/_emulator/google/expire", {})
                emulator.call("POST", "/_emulator/graph/expire", {})
                left = whole
            editor.google(3)
            editor.graph(3)
            before = setup.last_successes() if os.path.exists(setup.store) else {}
            emulator.call("DELETE", "/_emulator/requests")
            setup.start_daemon()
            started = first_calendar_answer(emulator, setup)
            kill_at = started + rng.uniform(0.0, 0.9 * left)
            finished_after = None
            while time.monotonic() < kill_at:
                time.sleep(0.05)
                if finished_after is None and os.path.exists(setup.store):
                    now = setup.last_successes()
                    if now and all(now.get(key) != before.get(key) for key in now):
                        finished_after = time.monotonic() - started
            check(setup.daemon.poll() is None, f"calsyncd exited by itself with {setup.daemon.returncode}")
            setup.kill9()
            answered = calendar_requests(emulator)
            pages = len(answered)
            # A full re-sync goes on from its saved next page after a restart; an increment
            # starts again from its saved sync token (docs/architecture.md). Counted from the
            # first Google events request after a start: without pageToken it began at page 1.
            google = [r for r in answered if r["path"].endswith("/events")]
            if google:
                names = {q["name"] for q in google[0]["query"]}
                restarts_from_page_1 += "pageToken" not in names
                restarts_seen += 1
            after = setup.last_successes() if os.path.exists(setup.store) else {}
            unfinished = not after or any(after.get(key) == before.get(key) for key in after)
            if pages > 0 and unfinished:
                mid_sync += 1
                # The next start resumes this sync: about this much less of it is left.
                left = max(0.3, left - (kill_at - started))
            elif not unfinished:
                # The sync finished before the kill: the next round would be a short
                # increment, over before most kills. Expiring the cursors makes it a full
                # re-sync (mark and sweep) again, so every kill meets a long sync.
                emulator.call("POST", "/_emulator/google/expire", {})
                emulator.call("POST", "/_emulator/graph/expire", {})
                left = whole
            page_counts.append(pages)
            outcome = "mid-sync" if pages > 0 and unfinished else "after the sync finished" if not unfinished else "before any request"
            log(f"kill: round {round + 1}: {kill_at - started:.2f} s after the first calendar request, "
                f"{pages} requests answered, {outcome}"
                + (f" (it finished after {finished_after:.2f} s)" if finished_after is not None else ""))
        log(f"kill: {kills} kills, {mid_sync} mid-sync (calendar requests answered before the kill: "
            f"median {statistics.median(page_counts)}, max {max(page_counts)})")
        emulator.clear_faults()
        setup.start_daemon()
        setup.wait_for_socket()
        seconds = converge(setup, emulator, timeout=300)
        with Store(setup.store) as store:
            counts = store.rows("SELECT count(*) FROM events")[0][0], store.rows("SELECT count(*) FROM changes")[0][0]
        orphans = orphan_exceptions(setup)
        setup.stop_daemon()
        check(mid_sync >= kills * 0.8, f"only {mid_sync} of {kills} kills landed mid-sync")
        return (f"{kills}/{kills} kills, {mid_sync} mid-sync ({restarts_from_page_1} of {restarts_seen} "
                f"restarted Google listings began at page 1); then equal to the truth after {seconds:.1f} s "
                f"({counts[0]} events, {counts[1]} changes, integrity ok; "
                f"{orphans} orphan cancelled exceptions kept)")
    finally:
        if setup and setup.daemon:
            setup.daemon.kill()
        emulator.stop()


# MARK: soak


API_PATHS = ["/calendar/v3/users/me/calendarList", "/calendar/v3/calendars/", "/v1.0/me/calendars",
             "/v1.0/me/calendars/", "/token", "/common/oauth2/v2.0/token"]


def random_fault(emulator, rng, long_timeouts):
    """Injects one random fault; returns its kind."""
    path = rng.choice(API_PATHS)
    count = rng.randint(1, 3)
    kind = rng.choice(["429", "500", "503", "slow", "truncate", "drop", "410", "token-expiry", "cursor-expiry"])
    if kind == "429":
        emulator.fault(path=path, count=count, status=429, retryAfter=rng.choice(["1", "2.5", "0"]))
    elif kind == "500":
        emulator.fault(path=path, count=count, status=500)
    elif kind == "503":
        emulator.fault(path=path, count=count, status=503, retryAfter=rng.choice(["1", "3"]))
    elif kind == "slow":
        # calsync's total timeout is 120 s: the long run makes it fire now and then; both
        # runs stall requests long enough for polls to pile up behind them.
        delay = 125_000 if long_timeouts and rng.random() < 0.1 else rng.randint(2_000, 8_000)
        emulator.fault(path=path, count=1, delayMs=delay)
    elif kind == "truncate":
        emulator.fault(path=path, count=count, truncate=True)
    elif kind == "drop":
        emulator.fault(path=path, count=count, drop=True)
    elif kind == "410":
        emulator.fault(path=rng.choice(["/calendar/v3/calendars/", "/v1.0/me/calendars/"]), count=1, status=410)
    elif kind == "token-expiry":
        emulator.call("POST", "/_emulator/tokens/expire", {})
    elif kind == "cursor-expiry":
        emulator.call("POST", rng.choice(["/_emulator/google/expire", "/_emulator/graph/expire"]), {})
    return kind


def part_soak(arguments, workdir, rng):
    duration = 60 if arguments.short else 600
    emulator = Emulator(os.path.join(arguments.bin, "calsync-emulator"), workdir, [
        "--generate", "300", "--seed", str(arguments.seed), "--google-max-page-size", "50",
        "--graph-max-page-size", "100", "--token-lifetime", "3599"])
    setup = None
    try:
        setup = Setup(arguments.bin, workdir, emulator, ["google", "graph"], interval="3s")
        pid = setup.start_daemon()
        setup.wait_for_socket()
        first = converge(setup, emulator, timeout=180)
        log(f"soak: first sync equal to the truth after {first:.1f} s; {duration} s of faults follow")
        editor = Editor(emulator, rng)
        kinds = {}
        samples = []
        start = time.monotonic()
        next_sample = start
        while time.monotonic() - start < duration:
            check(setup.daemon.poll() is None, f"calsyncd exited with {setup.daemon.returncode} during the soak")
            kind = random_fault(emulator, rng, long_timeouts=not arguments.short)
            kinds[kind] = kinds.get(kind, 0) + 1
            if rng.random() < 0.2:
                editor.google(1)
                editor.graph(1)
            if time.monotonic() >= next_sample:
                samples.append((time.monotonic() - start, setup.rss_kib()))
                next_sample += 5
                with Store(setup.store) as store:
                    integrity = store.integrity()
                check(integrity == ["ok"], f"integrity_check during the soak: {integrity[:5]}")
            time.sleep(rng.uniform(0.1, 0.6))
        emulator.clear_faults()
        check(setup.daemon.poll() is None and setup.daemon.pid == pid, "calsyncd did not survive the soak")
        seconds = converge(setup, emulator, timeout=240)
        samples.append((time.monotonic() - start, setup.rss_kib()))
        faulted = len([r for r in emulator.requests() if r.get("fault")])
        orphans = orphan_exceptions(setup)
        setup.stop_daemon()
        # Memory: the first samples include the first sync's high-water mark; compare the
        # middle third with the last third (medians) so one page in flight does not decide.
        rss = [kib for _, kib in samples]
        third = max(1, len(rss) // 3)
        middle, last = statistics.median(rss[third:2 * third] or rss), statistics.median(rss[-third:])
        growth = (last - middle) / middle * 100
        check(growth < 20 or last - middle < 4096,
              f"RSS grew {growth:.0f} % ({middle / 1024:.1f} → {last / 1024:.1f} MiB): {samples}")
        total = sum(kinds.values())
        kinds_text = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        return (f"{duration} s, {total} faults injected ({kinds_text}), {faulted} requests hit by one; "
                f"same pid {pid}; converged {seconds:.1f} s after the faults stopped "
                f"({orphans} orphan cancelled exceptions kept); "
                f"RSS {middle / 1024:.1f} → {last / 1024:.1f} MiB ({growth:+.1f} %), max {max(rss) / 1024:.1f} MiB")
    finally:
        if setup and setup.daemon:
            setup.daemon.kill()
        emulator.stop()


# MARK: disk


def part_disk(arguments, workdir, rng):
    if os.geteuid() != 0:
        return "SKIPPED: mounting a small tmpfs needs root"
    mount = os.path.join(workdir, "small-fs")
    os.makedirs(mount)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=640k,mode=0755", "chaos-tmpfs", mount],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        return f"SKIPPED: cannot mount a tmpfs here ({mounted.stderr.strip()})"
    emulator = None
    setup = None
    try:
        emulator = Emulator(os.path.join(arguments.bin, "calsync-emulator"), workdir, [
            "--generate", "1500", "--seed", str(arguments.seed), "--google-max-page-size", "250"])
        setup = Setup(arguments.bin, workdir, emulator, ["google"], interval="1h", store_dir=mount)
        pid = setup.start_daemon()
        setup.wait_for_socket()
        deadline = time.monotonic() + 120
        line = None
        while time.monotonic() < deadline and line is None:
            check(setup.daemon.poll() is None, f"calsyncd exited with {setup.daemon.returncode} on a full disk")
            with open(setup.daemon_log, errors="replace") as file:
                line = next((l for l in file if "disk full" in l or "no space" in l.lower()), None)
            time.sleep(0.5)
        check(line is not None, "no disk-full error within 120 s (was the file system too large?)")
        log(f"disk: calsyncd said: {line.strip()}")
        check(setup.store in line, "the disk-full error does not name the store")
        with open(setup.daemon_log, errors="replace") as file:
            text = file.read()
        check("while executing" not in text and "INSERT INTO" not in text,
              "the disk-full error is a multi-line dump with SQL")
        with Store(setup.store) as store:
            integrity = store.integrity()
        check(integrity == ["ok"], f"integrity_check on the full disk: {integrity[:5]}")
        check(setup.daemon.poll() is None and setup.daemon.pid == pid, "calsyncd did not survive the full disk")
        # Space returns: the next poll must finish the sync.
        subprocess.run(["mount", "-o", "remount,size=64m", mount], check=True)
        seconds = converge(setup, emulator, timeout=180)
        check(setup.daemon.pid == pid, "calsyncd was restarted")
        setup.stop_daemon()
        return (f"one-line error naming the store; integrity ok on the full disk; same pid; "
                f"equal to the truth {seconds:.1f} s after space returned")
    finally:
        if setup and setup.daemon:
            setup.daemon.kill()
            setup.daemon.wait()
        if emulator:
            emulator.stop()
        subprocess.run(["umount", mount], capture_output=True)


# MARK: fuzz


def part_fuzz(arguments, workdir, rng):
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    command = ["swift", "test", "--skip-build", "--filter", "FuzzedPageTests|JSONItemScannerMalformedTests"]
    start = time.monotonic()
    result = subprocess.run(command, cwd=package, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=600)
    seconds = time.monotonic() - start
    tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
    check(result.returncode == 0, f"swift test failed:\n{tail}")
    return f"10,000 mutated pages and the scanner's malformed cases passed in {seconds:.1f} s (swift test)"


# MARK: hostile


class ForeignOrigin:
    """A listener on another port of 127.0.0.1 standing for a foreign origin: it counts
    every connection (and keeps the first bytes of each), so that a bearer token sent
    there, or any request at all, shows."""

    def __init__(self):
        import threading
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.received = []
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            with client:
                client.settimeout(2)
                try:
                    self.received.append(client.recv(4096))
                except OSError:
                    pass

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        self.server.close()


def control_bytes(data):
    """The C0 (but newline and tab), DEL and C1 characters in a program's output."""
    text = data.decode("utf-8", errors="replace")
    return sorted({f"U+{ord(c):04X}" for c in text
                   if (ord(c) < 0x20 and c not in "\n\t") or ord(c) == 0x7F or 0x80 <= ord(c) <= 0x9F})


HOSTILE_TEXT = "\x1b[31mred\x1b[0m \x00nul \x07bell \x9b2J c1 \x08\x7f \x1b]0;owned\x07 end"


def part_hostile(arguments, workdir, rng):
    short = arguments.short
    emulator = Emulator(os.path.join(arguments.bin, "calsync-emulator"), workdir, [
        "--generate", "100" if short else "300", "--seed", str(arguments.seed), "--google-max-page-size", "50",
        "--graph-max-page-size", "50"])
    foreign = ForeignOrigin()
    setup = None
    injected = {}

    def inject(kind, **fields):
        emulator.fault(**fields)
        injected[kind] = injected.get(kind, 0) + fields.get("count", 1)

    def drain(limit=12):
        """Polls until every injected fault has met its request (or `limit` polls)."""
        for _ in range(limit):
            check(setup.daemon.poll() is None, f"calsyncd exited with {setup.daemon.returncode}")
            if not emulator.call("GET", "/_emulator/faults")["faults"]:
                return
            # A Graph 429 pauses the mailbox for up to the 300 s clamp (full form only).
            setup.sync_wait(timeout=360)
        emulator.clear_faults()

    google_events = "/calendar/v3/calendars/"
    graph_events = "/v1.0/me/calendars/"
    try:
        setup = Setup(arguments.bin, workdir, emulator, ["google", "graph"], interval="3s")
        pid = setup.start_daemon()
        setup.wait_for_socket()
        first = converge(setup, emulator, timeout=180)
        rss_before = setup.rss_kib()
        log(f"hostile: first sync equal to the truth after {first:.1f} s; foreign origin on port {foreign.port}")

        # 1. Huge and odd headers. A Graph 429 pauses the whole mailbox (up to the 300 s
        # clamp): only the full form waits that out.
        for value in ["1e300", "31536000", "-5", "NaN", "soon", "18446744073709551616",
                      "Fri, 31 Dec 9999 23:59:59 GMT", "9" * 400]:
            inject("Retry-After on a 429", path=google_events, status=429, retryAfter=value)
        inject("Retry-After on a 503", path=graph_events, status=503, retryAfter="garbage")
        for path in [google_events, graph_events]:
            inject("Retry-After on a 200", path=path, headers={"Retry-After": "1e300"})
            inject("64 KiB header", path=path, headers={"X-Long": "x" * 65536})
            inject("1 MiB header", path=path, headers={"X-Huge": "y" * (1 << 20)})
            inject("500 headers", path=path, headers={f"X-Many-{i}": "z" * 100 for i in range(500)})
        if not short:
            inject("Graph 429 Retry-After: 31536000", path=graph_events, status=429, retryAfter="31536000")
        drain()

        # 2. Graph links to other origins: port, host, scheme, userinfo, scheme-relative.
        emulator.call("POST", "/_emulator/graph/expire", {})
        own = emulator.url.split("//", 1)[1]
        origins = [f"http://127.0.0.1:{foreign.port}", f"http://localhost:{foreign.port}",
                   f"https://127.0.0.1:{foreign.port}", f"http://{own}@127.0.0.1:{foreign.port}",
                   f"//127.0.0.1:{foreign.port}"]
        if not short:
            origins += [f"HTTP://LOCALHOST:{foreign.port}", f"http://[::ffff:127.0.0.1]:{foreign.port}",
                        f"https://{own}"]
        for origin in origins:
            inject("links to another origin", path=graph_events, count=2, linkOrigin=origin)
            drain()
            emulator.call("POST", "/_emulator/graph/expire", {})
        with open(setup.daemon_log, errors="replace") as file:
            refused = sum("not followed" in line for line in file)
        check(refused > 0, "no link to another origin was refused: did the faults reach a page with links?")

        # 3. Control characters and NULs in names, summaries, locations and error messages.
        tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
        google = urllib.request.quote(GOOGLE_CALENDAR)
        graph = urllib.request.quote(GRAPH_CALENDAR, safe="")
        emulator.call("POST", f"/_emulator/google/calendars/{google}/events", {
            "id": "hostiletext1", "summary": HOSTILE_TEXT, "location": HOSTILE_TEXT, "description": HOSTILE_TEXT,
            "start": {"dateTime": f"{tomorrow}T10:00:00Z"}, "end": {"dateTime": f"{tomorrow}T11:00:00Z"}})
        emulator.call("POST", f"/_emulator/graph/calendars/{graph}/events", {
            "subject": HOSTILE_TEXT, "location": {"displayName": HOSTILE_TEXT},
            "start": {"dateTime": f"{tomorrow}T12:00:00", "timeZone": "UTC"},
            "end": {"dateTime": f"{tomorrow}T13:00:00", "timeZone": "UTC"}})
        emulator.call("POST", "/_emulator/google/calendars", {"id": "hostile@example.com", "summary": HOSTILE_TEXT})
        setup.sync_wait()
        inject("error message with control characters", path=google_events, count=10, status=400,
               message="bad request " + HOSTILE_TEXT)
        inject("error message with control characters", path=graph_events, count=10, status=400,
               message="bad request " + HOSTILE_TEXT)
        setup.sync_wait()
        outputs = {}
        for command in (["status"], ["agenda", "--from", tomorrow], ["calendars"], ["status", "--json"]):
            result = subprocess.run(
                [os.path.join(setup.bin_dir, "calsyncctl")] + command + ["--config", setup.config],
                capture_output=True, env=setup.env, timeout=60)
            outputs[" ".join(command)] = result.stdout + result.stderr
        emulator.clear_faults()
        for command, data in outputs.items():
            check(control_bytes(data) == [], f"calsyncctl {command} printed {control_bytes(data)}")
        check(b"bad request" in outputs["status"], "the provider's error message is not in calsyncctl status")
        check(b"red" in outputs[f"agenda --from {tomorrow}"], "the hostile event is not in the agenda")

        # 4. Oversize fields: quarantined, the rest of the page applied.
        big = {"summary": "s" * (65 * 1024)}, {"description": "d" * (1024 * 1024 + 1024)}, \
            {"extendedProperties": {"private": {"blob": "b" * (2 * 1024 * 1024 + 1024)}}}
        for index, fields in enumerate(big):
            emulator.call("POST", f"/_emulator/google/calendars/{google}/events", dict({
                "id": f"oversize{index}", "summary": "oversize",
                "start": {"dateTime": f"{tomorrow}T14:00:00Z"}, "end": {"dateTime": f"{tomorrow}T15:00:00Z"}},
                **fields))
        graph_big = {"subject": "s" * (65 * 1024)}, {"body": {"contentType": "text", "content": "d" * (1024 * 1024 + 1024)}}, \
            {"hostilePadding": "b" * (2 * 1024 * 1024 + 1024)}
        graph_ids = []
        for fields in graph_big:
            created = emulator.call("POST", f"/_emulator/graph/calendars/{graph}/events", dict({
                "subject": "oversize", "start": {"dateTime": f"{tomorrow}T14:00:00", "timeZone": "UTC"},
                "end": {"dateTime": f"{tomorrow}T15:00:00", "timeZone": "UTC"}}, **fields))
            graph_ids.append(created["id"])
        editor = Editor(emulator, rng)
        editor.google(2)
        editor.graph(2)
        setup.sync_wait()
        setup.sync_wait()
        with Store(setup.store) as store:
            quarantined = {row[0] for row in store.rows("SELECT event_id FROM internal_quarantine")}
        wanted = {f"oversize{i}" for i in range(3)} | set(graph_ids)
        check(wanted <= quarantined, f"oversize items not quarantined: {sorted(wanted - quarantined)[:3]}")
        injected["oversize fields (quarantined)"] = len(wanted)
        # The rest of the page was applied: the store differs from the truth by the
        # quarantined items only.
        google_ids = sorted(f"oversize{i}" for i in range(3))
        found = differences(setup, emulator)
        expected = [f"google: 3 events missing from the store, e.g. {google_ids}",
                    f"graph: 3 events missing from the store, e.g. {sorted(graph_ids)}"]
        check(found == expected, f"beside the quarantined items the store differs from the truth: {found}")
        for event_id in google_ids:
            emulator.call("DELETE", f"/_emulator/google/calendars/{google}/events/{event_id}")
        for event_id in graph_ids:
            emulator.call("DELETE", f"/_emulator/graph/calendars/{graph}/events/{urllib.request.quote(event_id, safe='')}")

        # 5. Oversize and non-JSON bodies.
        for path in [google_events, graph_events]:
            inject("body over 32 MiB", path=path, count=1 if short else 2, padBytes=33 * 1024 * 1024)
            inject("non-JSON 200 (cut)", path=path, count=2, cut=True)
        drain()

        check(setup.daemon.poll() is None and setup.daemon.pid == pid, "calsyncd did not survive")
        emulator.clear_faults()
        seconds = converge(setup, emulator, timeout=240 if short else 420)
        rss_after = setup.rss_kib()
        check(setup.daemon.pid == pid, "calsyncd was restarted")
        check(foreign.connections == 0,
              f"{foreign.connections} connections reached the foreign origin: {foreign.received[:2]!r}")
        check(rss_after < 512 * 1024, f"RSS {rss_after / 1024:.0f} MiB after the hostile part")
        setup.stop_daemon()
        total = sum(injected.values())
        kinds = ", ".join(f"{k} ×{v}" for k, v in injected.items())
        return (f"{total} faults injected ({kinds}); {refused} links refused, 0 connections to the foreign origin; "
                f"no control character in status/agenda/calendars; same pid {pid}; converged {seconds:.1f} s "
                f"after the faults stopped; RSS {rss_before / 1024:.1f} → {rss_after / 1024:.1f} MiB")
    finally:
        if setup and setup.daemon:
            setup.daemon.kill()
        foreign.stop()
        emulator.stop()


# MARK: write


WRITE_METHODS = ["POST", "PATCH", "DELETE"]
WRITE_CALENDARS = {"g": GOOGLE_CALENDAR, "m": GRAPH_CALENDAR}
ADD_PREFIX = "chaos write #"


class WriteLoad:
    """Random adds, updates and deletes for the write part, queued as people and programs
    would: through `calsyncctl event …` and by inserting outbox rows with plain SQL.

    Every request is one the provider must take (done) or may refuse as a conflict: no
    target is written after a delete of it (or of its series) was queued, and updates
    never move an event, so an occurrence's instance id stays valid."""

    def __init__(self, setup, rng):
        self.setup = setup
        self.rng = rng
        self.adds = {}  # summary -> (account, outbox row id or None until read back)
        self.gone = set()  # (account, id) of events, series and occurrences a delete was queued for
        self.counts = {"add": 0, "update": 0, "delete": 0, "occurrence": 0, "calsyncctl": 0, "sql": 0}
        self.number = 0

    def targets(self, account):
        """What may be written in `account`'s calendar now: single events and series
        (event id, summary) and occurrences of series (instance id, series id)."""
        calendar = WRITE_CALENDARS[account]
        with Store(self.setup.store) as store:
            events = store.rows("SELECT id, kind, summary FROM events WHERE account_id = ? AND calendar_id = ? "
                                "AND status != 'cancelled' AND kind IN ('single', 'series')", (account, calendar))
            occurrences = store.rows("SELECT instance_id, series_id FROM occurrences WHERE account_id = ? "
                                     "AND calendar_id = ? AND series_id IS NOT NULL", (account, calendar))
        events = [(i, kind, summary or "") for i, kind, summary in sorted(events) if (account, i) not in self.gone]
        occurrences = [(i, series) for i, series in sorted(occurrences)
                       if (account, i) not in self.gone and (account, series) not in self.gone]
        return events, occurrences

    def queue(self):
        """Queues one random write; returns its kind."""
        self.number += 1
        account = self.rng.choice(["g", "m"])
        events, occurrences = self.targets(account)
        action = self.rng.choices(["add", "update", "delete"], weights=[4, 4, 2])[0]
        if action != "add" and not events:
            action = "add"
        by_sql = self.rng.random() < 0.4
        if action == "add":
            day = time.time() + 86400 * self.rng.randint(1, 40)
            start = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(day))
            end = time.strftime("%Y-%m-%dT%H:30:00Z", time.gmtime(day))
            summary = f"{ADD_PREFIX}{self.number}"
            payload = {"summary": summary, "start": start, "end": end}
            if self.rng.random() < 0.25:
                payload["recurrence"] = ["RRULE:FREQ=DAILY;COUNT=4"]
            self.adds[summary] = account
            self.send(account, "create", None, payload, by_sql)
            self.counts["add"] += 1
            return "add"
        occurrence = bool(occurrences) and self.rng.random() < 0.35
        if occurrence:
            target, _ = self.rng.choice(occurrences)
            self.counts["occurrence"] += 1
        else:
            target, kind, summary = self.rng.choice(events)
        if action == "delete":
            self.gone.add((account, target))
            self.send(account, "delete", target, None, by_sql)
        else:
            payload = {"location": f"room {self.number}", "description": f"changed by write {self.number}"}
            # An add is recognised by its summary at the end: it keeps it.
            if occurrence or not summary.startswith(ADD_PREFIX):
                payload["summary"] = f"edited by write {self.number}"
            self.send(account, "update", target, payload, by_sql)
        self.counts[action] += 1
        return action

    def send(self, account, op, target, payload, by_sql):
        calendar = WRITE_CALENDARS[account]
        if by_sql:
            # As a program would (docs/store.md#outbox): calsyncd fills in the rest.
            connection = sqlite3.connect(self.setup.store, timeout=30)
            try:
                with connection:
                    connection.execute(
                        "INSERT INTO outbox(account_id, calendar_id, op, event_id, payload) VALUES (?, ?, ?, ?, ?)",
                        (account, calendar, op, target, None if payload is None else json.dumps(payload)))
            finally:
                connection.close()
            self.counts["sql"] += 1
            return
        arguments = ["event", "add" if op == "create" else op, f"{account}/{calendar}"]
        if target is not None:
            arguments.append(target)
        for member, value in (payload or {}).items():
            if member == "recurrence":
                arguments += ["--rrule", value[0].removeprefix("RRULE:")]
            else:
                arguments += [f"--{member}", value]
        self.setup.ctl(arguments)
        self.counts["calsyncctl"] += 1


def outbox_states(setup):
    with Store(setup.store) as store:
        return dict(store.rows("SELECT state, count(*) FROM outbox GROUP BY state"))


def random_write_fault(emulator, rng):
    """A write fault at one provider: refused transiently (500, 429 with Retry-After),
    applied with the answer lost (the connection dropped), or applied and answered late.
    Returns its kind."""
    path = rng.choice(["/calendar/v3/calendars/", "/v1.0/me/"])
    method = rng.choice(WRITE_METHODS)
    kind = rng.choice(["500", "429", "drop", "slow"])
    if kind == "slow":
        # Applied, then answered late (or not at all): a kill meanwhile leaves the row
        # `sent` with the write made.
        emulator.fault(path=path, method=method, delayMs=rng.randint(200, 1500), drop=rng.random() < 0.5)
    elif kind == "500":
        emulator.fault(path=path, method=method, status=500)
    elif kind == "429":
        emulator.fault(path=path, method=method, status=429, retryAfter=rng.choice(["1", "2"]))
    else:
        emulator.fault(path=path, method=method, drop=True)
    return kind


def count_by_summary(items, summary_of):
    counts = {}
    for item in items:
        summary = summary_of(item) or ""
        if summary.startswith(ADD_PREFIX):
            counts[summary] = counts.get(summary, 0) + 1
    return counts


def part_write(arguments, workdir, rng):
    total = 40 if arguments.short else 200
    kill_target = 8 if arguments.short else 30
    emulator = Emulator(os.path.join(arguments.bin, "calsync-emulator"), workdir, [
        "--generate", "40", "--seed", str(arguments.seed)])
    setup = None
    try:
        # Polls every 10 s: a transiently refused write is held back a tenth of that,
        # doubling up to it (docs/write-back.md).
        setup = Setup(arguments.bin, workdir, emulator, ["google", "graph"], interval="10s", write=True)
        started = time.monotonic()
        setup.start_daemon()
        setup.wait_for_socket()
        converge(setup, emulator, timeout=120)
        load = WriteLoad(setup, rng)
        rounds = (total + 3) // 4
        kill_rounds = set(rng.sample(range(rounds), min(kill_target, rounds)))
        kills = in_flight = 0
        faults = {}
        queued = 0
        for round in range(rounds):
            if setup.daemon is None and rng.random() < 0.7:
                setup.start_daemon()
            for _ in range(rng.randint(0, 3) + (round in kill_rounds)):
                kind = random_write_fault(emulator, rng)
                faults[kind] = faults.get(kind, 0) + 1
            batch = total - queued if round == rounds - 1 else min(rng.randint(2, 6), total - queued)
            for _ in range(batch):
                load.queue()
                queued += 1
            if setup.daemon is None:
                setup.start_daemon()
            if round in kill_rounds:
                # Aim at a write being sent: wait (a random while, at most) for a row to
                # turn `sent`, then kill within a moment of it.
                budget = time.monotonic() + rng.uniform(0.1, 2.0)
                while time.monotonic() < budget and not outbox_states(setup).get("sent"):
                    time.sleep(0.01)
                time.sleep(rng.uniform(0, 0.15))
                check(setup.daemon.poll() is None, f"calsyncd exited by itself with {setup.daemon.returncode}")
                setup.kill9()
                kills += 1
                # A row left `sent` was being sent when the process died.
                in_flight += outbox_states(setup).get("sent", 0) > 0
            else:
                time.sleep(rng.uniform(0, 0.5))
            if queued >= total:
                break
        check(queued == total, f"only {queued} of {total} writes queued")
        log(f"write: {queued} writes queued ({load.counts}), {kills} kills ({in_flight} with a write in flight), "
            f"faults {faults}")

        # Faults off, a clean run: every row ends, the store equals the provider.
        remaining = len(emulator.call("GET", "/_emulator/faults")["faults"])
        emulator.clear_faults()
        if setup.daemon is None:
            setup.start_daemon()
        setup.wait_for_socket()
        clean = time.monotonic()
        deadline = clean + 180
        while time.monotonic() < deadline:
            states = outbox_states(setup)
            if not states.get("pending") and not states.get("sent"):
                break
            check(setup.daemon.poll() is None, f"calsyncd exited with {setup.daemon.returncode}")
            time.sleep(0.5)
        else:
            raise Failure(f"the outbox did not drain within 180 s of the faults stopping: {outbox_states(setup)}")
        drained = time.monotonic() - clean
        seconds = converge(setup, emulator, timeout=180)
        states = outbox_states(setup)
        with Store(setup.store) as store:
            unfinished = store.rows("SELECT id, op, state, error FROM outbox WHERE state NOT IN ('done', 'conflict')")
            attempts = store.rows("SELECT max(attempts), sum(attempts > 1) FROM outbox")[0]
            created = dict(store.rows("SELECT json_extract(payload, '$.summary'), result_event_id FROM outbox "
                                      "WHERE op = 'create' AND state = 'done'"))
            deleted = {row[0] for row in store.rows("SELECT event_id FROM outbox WHERE op = 'delete' AND state = 'done'")}
            held = count_by_summary(store.rows("SELECT summary FROM events WHERE status != 'cancelled' "
                                               "AND kind != 'exception'"), lambda row: row[0])
            # A delete done is gone: an event, a series or one occurrence.
            kept = store.rows("""
                SELECT o.id, o.event_id FROM outbox o WHERE o.op = 'delete' AND o.state = 'done' AND (
                  EXISTS (SELECT 1 FROM occurrences x WHERE x.account_id = o.account_id
                          AND x.calendar_id = o.calendar_id AND x.instance_id = o.event_id)
                  OR EXISTS (SELECT 1 FROM events e WHERE e.account_id = o.account_id
                             AND e.calendar_id = o.calendar_id AND e.id = o.event_id AND e.status != 'cancelled'))""")
            # Nor any occurrence twice: one series, one start, one row.
            doubled_occurrences = store.rows("""
                SELECT account_id, series_id, start, count(*) FROM occurrences WHERE series_id IS NOT NULL
                GROUP BY account_id, calendar_id, series_id, start HAVING count(*) > 1""")
            # A conflict changes nothing at the provider: each update's description is its
            # own, so no event may carry the description of an update that ended in conflict.
            applied_conflicts = store.rows("""
                SELECT o.id, o.event_id FROM outbox o WHERE o.op = 'update' AND o.state = 'conflict'
                AND EXISTS (SELECT 1 FROM events e WHERE e.account_id = o.account_id
                            AND e.description = json_extract(o.payload, '$.description'))""")
        check(not unfinished, f"{len(unfinished)} outbox rows neither done nor in conflict, e.g. {unfinished[:3]}")
        check(not applied_conflicts, f"{len(applied_conflicts)} updates ended in conflict but were applied at the "
              f"provider, e.g. {applied_conflicts[:3]}")
        check(not doubled_occurrences, f"{len(doubled_occurrences)} occurrences twice in the store, "
              f"e.g. {doubled_occurrences[:3]}")
        check(not kept, f"{len(kept)} deletes done but still in the store, e.g. {kept[:3]}")
        check(sum(states.values()) == total, f"{sum(states.values())} outbox rows for {total} writes: {states}")
        # No duplicate: each add has its own summary (updates keep it), so it is one event
        # at the provider and in the store, or none when a later delete took it.
        google = count_by_summary(
            [e for e in emulator.google_truth().values() if e.get("status") != "cancelled" and not e.get("recurringEventId")],
            lambda e: e.get("summary"))
        graph = count_by_summary(
            [e for e in emulator.graph_truth().values() if e.get("type") in (None, "singleInstance", "seriesMaster")],
            lambda e: e.get("subject"))
        at_provider = {**google, **graph}
        doubled = sorted(s for s, n in at_provider.items() if n > 1) + sorted(s for s, n in held.items() if n > 1)
        check(not doubled, f"{len(doubled)} adds more than once at the provider or in the store, e.g. {doubled[:3]}")
        lost = sorted(s for s, event in created.items() if event not in deleted and at_provider.get(s) != 1)
        check(not lost, f"{len(lost)} adds done but not at the provider, e.g. {lost[:3]}")
        check(set(held) == set(at_provider), f"adds in the store and at the provider differ: "
              f"{sorted(set(held) ^ set(at_provider))[:3]}")
        faulted = [r for r in emulator.requests() if r.get("fault") and r["method"] in WRITE_METHODS]
        setup.stop_daemon()
        elapsed = time.monotonic() - started
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(load.counts.items()))
        return (f"{total} writes ({kinds}); {kills} kill -9 ({in_flight} with a write in flight); "
                f"{sum(faults.values())} write faults injected ({', '.join(f'{k} ×{v}' for k, v in sorted(faults.items()))}), "
                f"{len(faulted)} met a write ({remaining} left unmet); rows sent more than once {attempts[1]} "
                f"(max attempts {attempts[0]}); outbox {states}; drained {drained:.1f} s and equal to the provider "
                f"{seconds:.1f} s after the faults stopped; {len(at_provider)} adds at the provider, none twice; "
                f"{elapsed:.0f} s in all")
    finally:
        if setup and setup.daemon:
            setup.daemon.kill()
        emulator.stop()


PARTS = {"kill": part_kill, "soak": part_soak, "hostile": part_hostile, "disk": part_disk, "fuzz": part_fuzz,
         "write": part_write}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the directory with calsyncd, calsyncctl, calsync-emulator")
    parser.add_argument("--short", action="store_true", help="CI's short form (8 kills, a 60 s soak)")
    parser.add_argument("--only", default="kill,soak,hostile,disk,fuzz,write", help="comma-separated parts")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CALSYNC_CHAOS_SEED", "8")))
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, stores)")
    arguments = parser.parse_args()
    arguments.bin = os.path.abspath(arguments.bin)
    parts = [part.strip() for part in arguments.only.split(",") if part.strip()]
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]} (kill, soak, hostile, disk, fuzz, write)")

    root = tempfile.mkdtemp(prefix="calsync-chaos-")
    results = {}
    failed = False
    for part in parts:
        rng = random.Random(f"{arguments.seed}-{part}")
        workdir = os.path.join(root, part)
        os.makedirs(workdir)
        log(f"{part}: starting (seed {arguments.seed}, files in {workdir})")
        start = time.monotonic()
        try:
            summary = PARTS[part](arguments, workdir, rng)
            results[part] = summary if summary.startswith("SKIPPED") else "PASS " + summary
        except Failure as failure:
            results[part] = f"FAIL {failure}"
            failed = True
        except Exception as error:  # a bug of the suite itself: still report, still clean up
            results[part] = f"FAIL (suite error) {type(error).__name__}: {error}"
            failed = True
        log(f"{part}: {results[part]} ({time.monotonic() - start:.0f} s)")
    print("\n== scripts/chaos results (seed %d%s)" % (arguments.seed, ", short" if arguments.short else ""))
    for part, result in results.items():
        print(f"  {part:7} {result}")
    if failed or arguments.keep:
        print(f"  logs and stores: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
