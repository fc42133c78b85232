#!/usr/bin/env python3
"""Whole-process benchmarks of calsync (issue 8), driven by scripts/bench.

Every measured process is a child of this script: wall time from a monotonic clock, CPU
(user + system) and peak RSS (ru_maxrss) from os.wait4 of that child. Every server is a
calsync-emulator on 127.0.0.1 started here; every wait is bounded.

    bench.py --bin DIR [--runs N] [--quick] [--only a,b] [--json FILE] [--venv DIR]

Benchmarks: google (full sync, 10k and 100k events; --quick: 2k), graph (the same on
Graph), peer (gcal-sync on the same Google calendars), limit (curl of the same pages to
/dev/null + sqlite3 inserting as many rows in one transaction), noop (no-change poll over
50 calendars: requests and CPU), changes (100 changes in the 100k calendar), idle (the
daemon with 10 accounts / 50 calendars: RSS after 60 s, CPU in 60 s), reader (the
canonical agenda query for one week and "what changed since seq N", timed in a reader
process on the largest calendar, idle and while calsyncd writes), writes (write-back
latency: 20 adds queued while calsyncd runs, half through calsyncctl event add, half by an
SQL insert; the time from the request to its arrival at the emulator and to the row done),
occurrence-writes (one occurrence of a series deleted with calsyncctl event delete in the
largest Google and Graph calendars: the command's own time, which checks the id and reads
its etag, and the time to the request's arrival and to the row done).
"""

import argparse
import calendar
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ALL = ["google", "graph", "peer", "limit", "noop", "changes", "slide", "idle", "reader", "writes", "occurrence-writes"]
GOOGLE_USER = "user@example.com"
CLIENT = "bench-client"
MS_CLIENT = "bench-public-client"

# A reader's queries, by the public names only (docs/store.md), so that the benchmark
# measures any store version that keeps the contract.
AGENDA_SQL = 'SELECT summary, start, "end" FROM agenda WHERE start_ts < :to AND end_ts > :from ORDER BY start_ts'
CHANGES_SQL = ("SELECT c.seq, c.op, c.event_id, e.summary, e.start, e.etag FROM changes c "
               "LEFT JOIN events e ON e.account_id = c.account_id AND e.calendar_id = c.calendar_id "
               "AND e.id = c.event_id WHERE c.seq > ? ORDER BY c.seq")


def log(message):
    print(message, file=sys.stderr, flush=True)


def measure(command, stdout=subprocess.DEVNULL, stdin=None, env=None, timeout=3600):
    """Runs a child; returns wall s, cpu s, peak RSS MiB, exit code.

    The peak RSS comes from GNU time (`%M`), not from wait4: Linux carries the forking
    process's high-water RSS into a child across exec, so a child of this script would
    report at least this script's own peak (hundreds of MiB after reading 100k events).
    """
    rss_file = tempfile.NamedTemporaryFile(prefix="calsync-bench-rss-", delete=False)
    rss_file.close()
    command = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file.name] + list(command)
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, stdin=stdin, env=env)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.005)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        log(f"   ! {command[6]} exited {process.returncode}: {error[-2000:]}")
    try:
        with open(rss_file.name) as file:
            rss_kib = int(file.read().split()[-1])
    except (ValueError, IndexError):
        rss_kib = 0
    os.remove(rss_file.name)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,  # the command's, GNU time's (a few ms) included
        "rss_mib": rss_kib / 1024.0,
        "rc": process.returncode,
    }


def summary(samples, key):
    values = [s[key] for s in samples]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def stop(process):
    """SIGTERM, then SIGKILL if the process is still there after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def http(method, url, body=None, timeout=600):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def synced(ctl, calsync, daemon, seconds):
    """Waits for the running calsyncd to finish a sync of every calendar (`calsyncctl sync
    --wait`, asked again until the daemon answers), at most `seconds`."""
    deadline = time.monotonic() + seconds
    while subprocess.run([ctl, "sync", "--wait", "--config", calsync.config], env=calsync.env,
                         capture_output=True, timeout=seconds).returncode != 0:
        if time.monotonic() > deadline or daemon.poll() is not None:
            raise RuntimeError("calsyncd did not answer sync --wait")
        time.sleep(0.2)


def settled(connection, row, seconds):
    """Polls the outbox row every 5 ms until it is done, conflicting or failed (at most
    `seconds`); returns the time it was seen done. Anything else fails the benchmark."""
    state = None
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        state = connection.execute("SELECT state FROM outbox WHERE id = ?", (row,)).fetchone()[0]
        if state in ("done", "conflict", "failed"):
            break
        time.sleep(0.005)
    done = time.time()
    if state != "done":
        raise RuntimeError(f"bench: outbox row {row} ended {state}")
    return done


class Emulator:
    def __init__(self, binary, workdir, generate, extra=()):
        self.portfile = os.path.join(workdir, "emulator.port")
        self.logfile = open(os.path.join(workdir, "emulator.log"), "w")
        command = [binary, "--port", "0", "--port-file", self.portfile, "--generate", str(generate), "--seed", "7"]
        self.process = subprocess.Popen(command + list(extra), stdout=self.logfile, stderr=subprocess.STDOUT)
        started = time.monotonic()
        while not (os.path.exists(self.portfile) and os.path.getsize(self.portfile) > 0):
            if self.process.poll() is not None:
                raise RuntimeError("the emulator exited; see " + self.logfile.name)
            if time.monotonic() - started > 600:
                raise RuntimeError("the emulator did not start within 600 s")
            time.sleep(0.1)
        self.url = "http://127.0.0.1:" + open(self.portfile).read().strip()
        log(f"   emulator ready in {time.monotonic() - started:.1f} s ({generate} events per provider)")

    def tokens(self, provider, client, user=None):
        body = {"provider": provider, "client_id": client}
        if user:
            body["user"] = user
        return http("POST", self.url + "/_emulator/tokens", body)

    def requests(self):
        return http("GET", self.url + "/_emulator/requests")["requests"]

    def forget_requests(self):
        http("DELETE", self.url + "/_emulator/requests")

    def stop(self):
        stop(self.process)
        self.logfile.close()


class Calsync:
    """A store directory with a configuration pointing at the emulator."""

    def __init__(self, bin_dir, directory, emulator, accounts, interval="5m"):
        self.bin = bin_dir
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.config = os.path.join(directory, "calsync.toml")
        secret = os.path.join(directory, "client_secret")
        with open(secret, "w") as file:
            file.write("bench-secret")
        os.chmod(secret, 0o600)
        lines = [
            "[store]",
            f'path = "{directory}/calsync.db"',
            f'tokens_path = "{directory}/tokens.json"',
            "",
            "[sync]",
            f'interval = "{interval}"',
            "",
        ]
        for account in accounts:
            lines += ["[[account]]", f'name = "{account["name"]}"']
            if account.get("write"):
                lines.append("write = true")
            if account["provider"] == "google":
                lines += [
                    'provider = "google"',
                    f'client_id = "{CLIENT}"',
                    f'client_secret_file = "{secret}"',
                    f'api_url = "{emulator.url}/calendar/v3"',
                    f'token_url = "{emulator.url}/token"',
                    f'authorize_url = "{emulator.url}/o/oauth2/v2/auth"',
                    f'revoke_url = "{emulator.url}/revoke"',
                ]
            else:
                lines += [
                    'provider = "microsoft"',
                    f'client_id = "{MS_CLIENT}"',
                    f'graph_url = "{emulator.url}/v1.0"',
                    f'login_url = "{emulator.url}"',
                ]
            lines.append("")
        with open(self.config, "w") as file:
            file.write("\n".join(lines))
        self.env = dict(os.environ, CALSYNC_CONTROL_SOCKET=os.path.join(directory, "control.sock"))
        self.accounts = accounts
        for account in accounts:
            client = CLIENT if account["provider"] == "google" else MS_CLIENT
            token = emulator.tokens(account["provider"], client, account.get("user"))["refresh_token"]
            subprocess.run(
                [os.path.join(bin_dir, "calsyncctl"), "login", account["name"], "--config", self.config,
                 "--refresh-token-file", "-"],
                input=token.encode(), check=True, env=self.env, stdout=subprocess.DEVNULL, timeout=60)

    def once(self):
        return measure([os.path.join(self.bin, "calsyncd"), "--config", self.config, "--once"], env=self.env)

    def daemon(self):
        """calsyncd running on this store (the caller stops it); returns once its socket is up."""
        process = subprocess.Popen([os.path.join(self.bin, "calsyncd"), "--config", self.config], env=self.env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        socket_path = self.env["CALSYNC_CONTROL_SOCKET"]
        deadline = time.monotonic() + 60
        while not os.path.exists(socket_path) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        return process

    def ask_sync(self, full=False):
        """`calsyncctl sync --wait` (--full: a full re-sync) as a child that runs while the caller reads."""
        command = [os.path.join(self.bin, "calsyncctl"), "sync", "--config", self.config, "--wait"]
        return subprocess.Popen(command + (["--full"] if full else []), env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def query(self, sql):
        out = subprocess.run(["sqlite3", os.path.join(self.dir, "calsync.db"), sql], capture_output=True,
                             check=True, timeout=120)
        return out.stdout.decode().strip()


def iso_seconds(text):
    """Seconds since the epoch of the emulator's `2026-12-06T23:30:30.858Z`."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) + float("0." + (fraction or "0"))


def provider_requests(emulator):
    """The requests a client made (the control API's own are left out)."""
    return [r for r in emulator.requests() if not r.get("path", "").startswith("/_emulator")]


def google_pages(emulator, calendar, page_size=2500):
    """The URLs of every page of a full listing, and the events in them (not timed)."""
    token = emulator.tokens("google", CLIENT)["access_token"]
    base = f"{emulator.url}/calendar/v3/calendars/{urllib.request.quote(calendar, safe='')}/events"
    query = f"maxResults={page_size}&singleEvents=false&showDeleted=true"
    urls, events, page_token = [], [], None
    for _ in range(10_000):
        url = base + "?" + query + (f"&pageToken={urllib.request.quote(page_token)}" if page_token else "")
        request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(request, timeout=600) as response:
            page = json.load(response)
        urls.append(url)
        events += page.get("items", [])
        page_token = page.get("nextPageToken")
        if not page_token:
            break
    return token, urls, events


class Bench:
    def __init__(self, options):
        self.options = options
        self.bin = options.bin
        self.emulator_bin = os.path.join(self.bin, "calsync-emulator")
        self.results = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": options.runs,
                        "load_before": os.getloadavg(), "benchmarks": {}}
        self.work = tempfile.mkdtemp(prefix="calsync-bench-")
        self.sizes = [2000] if options.quick else [int(size) for size in options.sizes.split(",")]

    def runs_for(self, size):
        if size >= 100_000 and self.options.runs_large:
            return self.options.runs_large
        return self.options.runs

    def report(self, name, value):
        self.results["benchmarks"][name] = value
        log(f"== {name}: {json.dumps(value, indent=None)}")

    def full_syncs(self, wanted):
        for size in self.sizes:
            todo = wanted & {"google", "peer", "limit", "changes", "slide"}
            if "graph" in wanted and (size < 100_000 or self.options.graph_large):
                todo.add("graph")
            if not todo:
                continue
            directory = os.path.join(self.work, f"full-{size}")
            os.makedirs(directory)
            emulator = Emulator(self.emulator_bin, directory, size)
            try:
                runs = self.runs_for(size)
                last_google = None
                if wanted & {"google", "changes", "slide"}:
                    samples = []
                    for run in range(runs if "google" in wanted else 1):
                        calsync = Calsync(self.bin, os.path.join(directory, f"google-{run}"), emulator,
                                          [{"name": "g", "provider": "google"}])
                        sample = calsync.once()
                        sample["events"] = int(calsync.query("SELECT COUNT(*) FROM events"))
                        sample["occurrences"] = int(calsync.query("SELECT COUNT(*) FROM occurrences"))
                        sample["events_per_s"] = sample["events"] / sample["wall"]
                        log(f"   google {size} run {run + 1}: {sample}")
                        samples.append(sample)
                        if last_google:
                            shutil.rmtree(last_google.dir, ignore_errors=True)
                        last_google = calsync
                    if "google" in wanted:
                        self.report(f"google_full_{size}", self.describe(samples))
                if "graph" in wanted and (size < 100_000 or self.options.graph_large):
                    samples = []
                    for run in range(runs):
                        calsync = Calsync(self.bin, os.path.join(directory, f"graph-{run}"), emulator,
                                          [{"name": "m", "provider": "microsoft"}])
                        sample = calsync.once()
                        sample["events"] = int(calsync.query("SELECT COUNT(*) FROM events"))
                        sample["occurrences"] = int(calsync.query("SELECT COUNT(*) FROM occurrences"))
                        sample["events_per_s"] = sample["events"] / sample["wall"]
                        log(f"   graph {size} run {run + 1}: {sample}")
                        samples.append(sample)
                        shutil.rmtree(calsync.dir, ignore_errors=True)
                    self.report(f"graph_full_{size}", self.describe(samples))
                if "peer" in wanted:
                    self.peer(emulator, directory, size, runs)
                if "limit" in wanted:
                    self.limit(emulator, directory, size, runs)
                if "slide" in wanted and size == self.sizes[-1] and last_google:
                    self.slide(last_google, runs)
                if "changes" in wanted and size == self.sizes[-1] and last_google:
                    self.changes(emulator, last_google, runs)
            finally:
                emulator.stop()
                shutil.rmtree(directory, ignore_errors=True)

    def describe(self, samples):
        out = {key: summary(samples, key) for key in ("wall", "cpu", "rss_mib")}
        for key in ("events", "occurrences", "events_per_s", "requests"):
            if key in samples[0]:
                out[key] = summary(samples, key)
        out["failed_runs"] = sum(1 for s in samples if s["rc"] != 0)
        return out

    def peer(self, emulator, directory, size, runs):
        python = os.path.join(self.options.venv, "bin", "python3")
        samples = []
        for run in range(runs):
            store = os.path.join(directory, f"peer-{run}.json")
            token = emulator.tokens("google", CLIENT)["access_token"]
            out_path = os.path.join(directory, f"peer-{run}.out")
            with open(out_path, "w") as out:
                sample = measure([python, os.path.join(os.path.dirname(__file__), "peer.py"),
                                  "--api-url", emulator.url + "/calendar/v3", "--access-token", token,
                                  "--calendar", GOOGLE_USER, "--store", store, "--page-size", "2500"], stdout=out)
            sample["events"] = json.load(open(out_path)).get("events", 0) if sample["rc"] == 0 else 0
            sample["events_per_s"] = sample["events"] / sample["wall"]
            sample["store_mib"] = os.path.getsize(store) / 2**20 if os.path.exists(store) else 0
            log(f"   peer {size} run {run + 1}: {sample}")
            samples.append(sample)
            if os.path.exists(store):
                os.remove(store)
        self.report(f"peer_full_{size}", self.describe(samples))

    def limit(self, emulator, directory, size, runs):
        token, urls, events = google_pages(emulator, GOOGLE_USER)
        curl = ["curl", "-s", "-f", "-H", "Authorization: Bearer " + token]
        for url in urls:
            curl += ["-o", "/dev/null", url]
        sql_path = os.path.join(directory, "limit.sql")
        with open(sql_path, "w") as sql:
            sql.write("CREATE TABLE events(id TEXT PRIMARY KEY, raw TEXT NOT NULL);\nBEGIN;\n")
            for event in events:
                raw = json.dumps(event, separators=(",", ":")).replace("'", "''")
                sql.write(f"INSERT INTO events VALUES('{event['id'].replace(chr(39), '')}', '{raw}');\n")
            sql.write("COMMIT;\n")
        curl_samples, sqlite_samples = [], []
        for run in range(runs):
            curl_samples.append(measure(curl))
            database = os.path.join(directory, f"limit-{run}.db")
            with open(sql_path) as sql:
                sqlite_samples.append(measure(["sqlite3", database], stdin=sql))
            os.remove(database)
        total = [{"wall": c["wall"] + s["wall"], "cpu": c["cpu"] + s["cpu"],
                  "rss_mib": max(c["rss_mib"], s["rss_mib"]), "rc": c["rc"] or s["rc"]}
                 for c, s in zip(curl_samples, sqlite_samples)]
        self.report(f"limit_{size}", {"pages": len(urls), "rows": len(events),
                                      "curl": self.describe(curl_samples), "sqlite3": self.describe(sqlite_samples),
                                      "total": self.describe(total)})

    def slide(self, calsync, runs):
        """The window's daily slide: the stored window is moved back a day (as if the sync had
        last run yesterday), then `calsyncd --once` slides it: rows that ended before the new
        start go, the day that entered at the end is expanded. Beside it, a no-change poll of
        the same store, so that the slide's own cost is the difference."""
        samples = []
        for run in range(runs):
            quiet = calsync.once()
            calsync.query(
                "UPDATE sync_state SET "
                "window_start = strftime('%Y-%m-%dT%H:%M:%SZ', window_start, '-1 day'), "
                "window_end = strftime('%Y-%m-%dT%H:%M:%SZ', window_end, '-1 day')")
            sample = calsync.once()
            sample["noop_wall"], sample["noop_cpu"] = quiet["wall"], quiet["cpu"]
            sample["slide_wall"] = sample["wall"] - quiet["wall"]
            sample["slide_cpu"] = sample["cpu"] - quiet["cpu"]
            sample["occurrences"] = int(calsync.query("SELECT COUNT(*) FROM occurrences"))
            log(f"   slide run {run + 1}: {sample}")
            samples.append(sample)
        self.report("window_slide_large", self.describe(samples) | {
            key: summary(samples, key) for key in ("slide_wall", "slide_cpu", "noop_wall", "noop_cpu")})

    def changes(self, emulator, calsync, runs):
        truth = http("GET", f"{emulator.url}/_emulator/google/calendars/{GOOGLE_USER}/events")
        ids = [e["id"] for e in truth["items"] if "recurringEventId" not in e and e.get("status") != "cancelled"]
        samples = []
        for run in range(runs):
            for index in range(100):
                event_id = ids[(run * 100 + index) * 7 % len(ids)]
                http("PATCH", f"{emulator.url}/_emulator/google/calendars/{GOOGLE_USER}/events/{event_id}",
                     {"summary": f"bench change {run}-{index}"})
            emulator.forget_requests()
            sample = calsync.once()
            sample["requests"] = len(provider_requests(emulator))
            sample["changed_rows"] = int(calsync.query(
                f"SELECT COUNT(*) FROM events WHERE summary LIKE 'bench change {run}-%'"))
            log(f"   100 changes run {run + 1}: {sample}")
            samples.append(sample)
        self.report("changes_100_in_large", self.describe(samples) | {
            "changed_rows": [s["changed_rows"] for s in samples]})

    def many_calendars(self, directory):
        """10 Google accounts with 5 calendars each (50), 200 generated events apiece."""
        emulator = Emulator(self.emulator_bin, directory, 0)
        accounts = []
        for a in range(10):
            user = f"bench{a}@example.com"
            accounts.append({"name": f"a{a}", "provider": "google", "user": user})
            for c in range(5):
                calendar = f"bench{a}-{c}@group.example.com"
                http("POST", emulator.url + "/_emulator/google/calendars",
                     {"id": calendar, "summary": calendar, "owner": user, "timeZone": "Europe/Berlin"})
                http("POST", f"{emulator.url}/_emulator/google/calendars/{calendar}/generate",
                     {"count": 200, "seed": a * 10 + c})
        return emulator, accounts

    def noop_and_idle(self, wanted):
        if not wanted & {"noop", "idle"}:
            return
        directory = os.path.join(self.work, "many")
        os.makedirs(directory)
        emulator, accounts = self.many_calendars(directory)
        try:
            interval = "1h"
            calsync = Calsync(self.bin, os.path.join(directory, "store"), emulator, accounts, interval=interval)
            first = calsync.once()
            calendars = int(calsync.query("SELECT COUNT(*) FROM calendars"))
            log(f"   first sync of {calendars} calendars: {first}")
            if "noop" in wanted:
                samples = []
                for run in range(self.options.runs):
                    emulator.forget_requests()
                    sample = calsync.once()
                    requests = provider_requests(emulator)
                    sample["requests"] = len(requests)
                    kinds = {}
                    for request in requests:
                        path = request.get("path", "")
                        kind = ("token" if path.endswith("/token") else "calendarList" if "calendarList" in path
                                else "events" if path.endswith("/events") else path)
                        kinds[kind] = kinds.get(kind, 0) + 1
                    sample["by_kind"] = kinds
                    log(f"   no-change poll run {run + 1}: {sample}")
                    samples.append(sample)
                self.report("noop_poll_50", self.describe(samples) | {"calendars": calendars,
                                                                      "by_kind": samples[-1]["by_kind"]})
            if "idle" in wanted:
                self.idle(calsync, emulator)
        finally:
            emulator.stop()
            shutil.rmtree(directory, ignore_errors=True)

    def idle(self, calsync, emulator):
        seconds = 10 if self.options.quick else 60
        daemon = subprocess.Popen([os.path.join(self.bin, "calsyncd"), "--config", calsync.config],
                                  env=calsync.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # The daemon's start-up round: wait until the emulator has seen no request for 3 s.
            emulator.forget_requests()
            quiet_since, seen = time.monotonic(), 0
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                time.sleep(0.5)
                count = len(provider_requests(emulator))
                if count != seen:
                    seen, quiet_since = count, time.monotonic()
                elif count > 0 and time.monotonic() - quiet_since > 3:
                    break
            ticks = os.sysconf("SC_CLK_TCK")

            def cpu():
                fields = open(f"/proc/{daemon.pid}/stat").read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / ticks

            def memory():
                status = {}
                for line in open(f"/proc/{daemon.pid}/status"):
                    key, _, value = line.partition(":")
                    if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                        status[key] = int(value.split()[0]) / 1024.0
                return status

            emulator.forget_requests()
            before = cpu()
            time.sleep(seconds)
            used = cpu() - before
            idle_requests = provider_requests(emulator)
            result = {"seconds": seconds, "startup_requests": seen, "requests_while_idle": len(idle_requests),
                      "cpu_s": used, "cpu_s_per_min": used * 60 / seconds, "memory_mib": memory()}
            self.report("idle_10_accounts_50_calendars", result)
        finally:
            stop(daemon)

    def reader(self, wanted):
        """A reader's two queries on the largest calendar: idle, then while calsyncd writes
        (a full re-sync of the calendar, then polls that each bring 100 changed events)."""
        if "reader" not in wanted:
            return
        size = self.sizes[-1]
        directory = os.path.join(self.work, f"reader-{size}")
        os.makedirs(directory)
        emulator = Emulator(self.emulator_bin, directory, size)
        try:
            calsync = Calsync(self.bin, os.path.join(directory, "store"), emulator,
                              [{"name": "g", "provider": "google"}], interval="1h")
            first = calsync.once()
            log(f"   first sync for the reader: {first}")
            self.read_store(emulator, calsync, size)
        finally:
            emulator.stop()
            shutil.rmtree(directory, ignore_errors=True)

    def read_store(self, emulator, calsync, size):
        """The reader's queries on `calsync`'s synced store of the emulator's calendar."""
        daemon = None
        try:
            db = sqlite3.connect(f"file:{os.path.join(calsync.dir, 'calsync.db')}?mode=ro", uri=True)
            day = int(time.time()) // 86_400 * 86_400
            week = {"from": day, "to": day + 7 * 86_400}
            top = db.execute("SELECT MAX(seq) FROM changes").fetchone()[0] or 0
            occurrences = db.execute("SELECT COUNT(*) FROM occurrences").fetchone()[0]
            idle = {
                "agenda_week": self.latency(db, AGENDA_SQL, week, count=500, seconds=60),
                "changes_last_100": self.latency(db, CHANGES_SQL, (top - 100,), count=500, seconds=60),
                "changes_last_1000": self.latency(db, CHANGES_SQL, (top - 1000,), count=200, seconds=60),
                "changes_all": self.latency(db, CHANGES_SQL, (0,), count=10, seconds=120),
            }
            log(f"   idle: {json.dumps(idle)}")

            daemon = calsync.daemon()
            truth = http("GET", f"{emulator.url}/_emulator/google/calendars/{GOOGLE_USER}/events")
            ids = [e["id"] for e in truth["items"] if "recurringEventId" not in e and e.get("status") != "cancelled"]
            writing = {}
            # Phase 1: a full re-sync of the calendar (every page listed, decoded and applied).
            sync = calsync.ask_sync(full=True)
            phase = self.latencies_while(db, sync, week, lambda: (top - 100,), seconds=600)
            writing["full_resync"] = phase
            log(f"   during a full re-sync: {json.dumps(phase)}")
            # Phase 2: polls, each after 100 events changed at the provider.
            rounds = []
            for round_index in range(5):
                for index in range(100):
                    event_id = ids[(round_index * 100 + index) * 13 % len(ids)]
                    http("PATCH", f"{emulator.url}/_emulator/google/calendars/{GOOGLE_USER}/events/{event_id}",
                         {"summary": f"reader bench {round_index}-{index}"})
                seq = db.execute("SELECT MAX(seq) FROM changes").fetchone()[0] or 0
                sync = calsync.ask_sync()
                rounds.append(self.latencies_while(db, sync, week, lambda: (seq,), seconds=300, raw=True))
            writing["polls_with_100_changes"] = {
                "rounds": len(rounds),
                "sync_wall_s": [r["sync_wall_s"] for r in rounds],
                "agenda_week": self.summarize([x for r in rounds for x in r["agenda"]], rounds[-1]["agenda_rows"]),
                "changes_since_poll": self.summarize([x for r in rounds for x in r["changes"]],
                                                     rounds[-1]["changes_rows"]),
            }
            log(f"   during polls: {json.dumps(writing['polls_with_100_changes'])}")
            self.report(f"reader_{size}", {"week": week, "occurrences": occurrences, "changes_rows": top,
                                           "idle": idle, "writing": writing})
            db.close()
        finally:
            if daemon:
                stop(daemon)

    @staticmethod
    def timed(db, sql, parameters):
        start = time.perf_counter()
        rows = db.execute(sql, parameters).fetchall()
        return (time.perf_counter() - start) * 1000, len(rows)

    @staticmethod
    def summarize(samples, rows):
        """Median and p99 of query times in ms (execute + fetchall in Python's sqlite3)."""
        if not samples:
            return {"n": 0}
        ordered = sorted(samples)
        p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]
        return {"median_ms": statistics.median(ordered), "p99_ms": p99, "max_ms": ordered[-1],
                "n": len(ordered), "rows": rows}

    def latency(self, db, sql, parameters, count, seconds):
        samples, rows = [], 0
        deadline = time.monotonic() + seconds
        while len(samples) < count and time.monotonic() < deadline:
            elapsed, rows = self.timed(db, sql, parameters)
            samples.append(elapsed)
        return self.summarize(samples, rows)

    def latencies_while(self, db, writer, week, since, seconds, raw=False):
        """The agenda and changes queries in turn until `writer` (a calsyncctl child) exits."""
        agenda, changes, agenda_rows, changes_rows = [], [], 0, 0
        start = time.monotonic()
        while writer.poll() is None and time.monotonic() - start < seconds:
            elapsed, agenda_rows = self.timed(db, AGENDA_SQL, week)
            agenda.append(elapsed)
            elapsed, changes_rows = self.timed(db, CHANGES_SQL, since())
            changes.append(elapsed)
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        wall = time.monotonic() - start
        if raw:
            return {"agenda": agenda, "changes": changes, "agenda_rows": agenda_rows, "changes_rows": changes_rows,
                    "sync_wall_s": wall}
        return {"sync_wall_s": wall, "sync_rc": writer.returncode, "agenda_week": self.summarize(agenda, agenda_rows),
                "changes_last_100": self.summarize(changes, changes_rows)}

    def writes(self, wanted):
        """Write-back latency (docs/write-back.md): adds queued one at a time, at random
        moments, while calsyncd runs against the emulator; from the request (calsyncctl
        started, or the SQL insert committed) to the POST's arrival at the emulator (its
        request log, millisecond times) and to the row read back `done`."""
        if "writes" not in wanted:
            return
        count = 10 if self.options.quick else 20
        directory = os.path.join(self.work, "writes")
        os.makedirs(directory)
        emulator = Emulator(self.emulator_bin, directory, 200)
        accounts = [{"name": "g", "provider": "google", "write": True},
                    {"name": "m", "provider": "microsoft", "write": True}]
        calsync = Calsync(self.bin, os.path.join(directory, "store"), emulator, accounts, interval="1h")
        targets = {"g": ("g/" + GOOGLE_USER, GOOGLE_USER, "/calendar/v3/calendars/"),
                   "m": ("m/Calendar", None, "/v1.0/me/calendars/")}
        store = os.path.join(calsync.dir, "calsync.db")
        daemon = subprocess.Popen([os.path.join(self.bin, "calsyncd"), "--config", calsync.config],
                                  env=calsync.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rng = random.Random(20)
        samples = []
        try:
            ctl = os.path.join(self.bin, "calsyncctl")
            synced(ctl, calsync, daemon, 300)
            graph_calendar = calsync.query("SELECT id FROM calendars WHERE account_id = 'm' AND is_primary = 1")
            targets["m"] = ("m/" + graph_calendar, graph_calendar, "/v1.0/me/calendars/")
            for number in range(count):
                account = "g" if number % 2 == 0 else "m"
                way = "calsyncctl" if number % 4 < 2 else "sql"
                target, calendar_id, path = targets[account]
                day = time.gmtime(time.time() + 86400 * (1 + number))
                payload = {"summary": f"bench write {number}", "start": time.strftime("%Y-%m-%dT09:00:00Z", day),
                           "end": time.strftime("%Y-%m-%dT09:30:00Z", day)}
                time.sleep(rng.uniform(0.3, 1.0))  # a random phase against calsyncd's 200 ms look
                emulator.forget_requests()
                if way == "calsyncctl":
                    requested = time.time()
                    subprocess.run([ctl, "event", "add", target, "--config", calsync.config, "--summary",
                                    payload["summary"], "--start", payload["start"], "--end", payload["end"]],
                                   env=calsync.env, check=True, capture_output=True, timeout=60)
                    connection = sqlite3.connect(store, timeout=30)
                    row = connection.execute("SELECT max(id) FROM outbox").fetchone()[0]
                else:
                    connection = sqlite3.connect(store, timeout=30)
                    with connection:
                        row = connection.execute(
                            "INSERT INTO outbox(account_id, calendar_id, op, payload) VALUES (?, ?, 'create', ?)",
                            (account, calendar_id, json.dumps(payload))).lastrowid
                    requested = time.time()
                done = settled(connection, row, 60)
                connection.close()
                posts = [r for r in emulator.requests() if r["method"] == "POST" and r["path"].startswith(path)]
                if not posts:
                    raise RuntimeError(f"bench: the emulator saw no POST for outbox row {row}")
                arrived = iso_seconds(posts[0]["receivedAt"])
                sample = {"way": way, "account": account, "to_provider_s": arrived - requested,
                          "to_done_s": done - requested}
                log(f"   write {number + 1}: {sample}")
                samples.append(sample)
        finally:
            stop(daemon)
            emulator.stop()
            shutil.rmtree(directory, ignore_errors=True)

        def figures(chosen):
            return {key: {"median": statistics.median(s[key] for s in chosen), "max": max(s[key] for s in chosen)}
                    for key in ("to_provider_s", "to_done_s")}

        result = {"writes": len(samples), "all": figures(samples)}
        for way in ("calsyncctl", "sql"):
            result[way] = figures([s for s in samples if s["way"] == way])
        for account, name in (("g", "google"), ("m", "graph")):
            result[name] = figures([s for s in samples if s["account"] == account])
        self.report("write_latency", result)

    def occurrence_writes(self, wanted):
        """One occurrence of a series deleted at a time (`calsyncctl event delete`), in
        calendars of the largest size, Google and Graph in turn: the command's own wall time
        (it checks that the store holds the id and fills `if_etag` from it), then from its
        start to the request's arrival at the emulator and to the row read back `done`. Both
        the command and calsyncd find the occurrence by its id (docs/store.md, "Finding one
        occurrence by its id")."""
        if "occurrence-writes" not in wanted:
            return
        size = self.sizes[-1]
        count = 2 if self.options.quick else 6
        directory = os.path.join(self.work, "occurrence-writes")
        os.makedirs(directory)
        emulator = Emulator(self.emulator_bin, directory, size)
        accounts = [{"name": "g", "provider": "google", "write": True},
                    {"name": "m", "provider": "microsoft", "write": True}]
        calsync = Calsync(self.bin, os.path.join(directory, "store"), emulator, accounts, interval="1h")
        store = os.path.join(calsync.dir, "calsync.db")
        daemon = subprocess.Popen([os.path.join(self.bin, "calsyncd"), "--config", calsync.config],
                                  env=calsync.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples = []
        try:
            ctl = os.path.join(self.bin, "calsyncctl")
            synced(ctl, calsync, daemon, 900)
            connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
            # An instance of each of a few series drawn at random, in the coming week (the
            # time a look-up through the whole view takes depends on where its event's id
            # sorts: a search stops at the first match).
            now = int(time.time())
            rng = random.Random(8)
            chosen = {}
            for account in ("g", "m"):
                first_instance = {}
                for calendar_id, instance_id, event_id in connection.execute(
                        "SELECT calendar_id, instance_id, event_id FROM occurrences WHERE account_id = ? "
                        "AND series_id IS NOT NULL AND instance_id != event_id AND start_ts BETWEEN ? AND ? "
                        "ORDER BY start_ts", (account, now + 86400, now + 8 * 86400)):
                    first_instance.setdefault(event_id, (calendar_id, instance_id))
                chosen[account] = [first_instance[e] for e in rng.sample(sorted(first_instance), count // 2)]
            for account in ("g", "m"):
                held = connection.execute("SELECT count(*) FROM occurrences WHERE account_id = ?", (account,))
                log(f"   account {account}: {held.fetchone()[0]} occurrences; deleting {chosen[account]}")
            connection.close()
            for number in range(count):
                account = "g" if number % 2 == 0 else "m"
                calendar_id, instance_id = chosen[account][number // 2]
                time.sleep(0.5)
                emulator.forget_requests()
                started = time.time()
                command = measure([ctl, "event", "delete", f"{account}/{calendar_id}", instance_id,
                                   "--config", calsync.config], env=calsync.env, timeout=120)
                if command["rc"] != 0:
                    raise RuntimeError(f"bench: calsyncctl event delete {instance_id} exited {command['rc']}")
                connection = sqlite3.connect(store, timeout=30)
                row = connection.execute("SELECT max(id) FROM outbox").fetchone()[0]
                done = settled(connection, row, 120)
                connection.close()
                writes = [r for r in provider_requests(emulator) if r["method"] != "GET"
                          and "$batch" not in r["path"] and "token" not in r["path"]]
                if not writes:
                    raise RuntimeError(f"bench: the emulator saw no write for outbox row {row}")
                sample = {"account": account, "command_s": command["wall"],
                          "to_provider_s": iso_seconds(writes[0]["receivedAt"]) - started, "to_done_s": done - started}
                log(f"   occurrence write {number + 1} ({writes[0]['method']}): {sample}")
                samples.append(sample)
        finally:
            stop(daemon)
            emulator.stop()
            shutil.rmtree(directory, ignore_errors=True)
        result = {"events": size, "writes": len(samples)}
        for account, name in (("g", "google"), ("m", "graph")):
            chosen_samples = [s for s in samples if s["account"] == account]
            result[name] = {key: {"median": statistics.median(s[key] for s in chosen_samples),
                                  "max": max(s[key] for s in chosen_samples)}
                            for key in ("command_s", "to_provider_s", "to_done_s")}
        self.report("occurrence_write_latency", result)

    def run(self):
        wanted = set(self.options.only.split(",")) if self.options.only else set(ALL)
        unknown = wanted - set(ALL)
        if unknown:
            raise SystemExit(f"bench: unknown benchmark {', '.join(sorted(unknown))} (known: {', '.join(ALL)})")
        try:
            self.noop_and_idle(wanted)
            self.writes(wanted)
            self.occurrence_writes(wanted)
            self.full_syncs(wanted)
            self.reader(wanted)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        self.results["load_after"] = os.getloadavg()
        self.ratios()
        text = json.dumps(self.results, indent=2)
        if self.options.json:
            with open(self.options.json, "w") as file:
                file.write(text + "\n")
        print(text)

    def ratios(self):
        b = self.results["benchmarks"]
        ratios = {}
        for size in self.sizes:
            ours = b.get(f"google_full_{size}")
            if not ours:
                continue
            peer = b.get(f"peer_full_{size}")
            if peer:
                ratios[f"calsync/peer {size}"] = {k: ours[k]["median"] / peer[k]["median"]
                                                  for k in ("wall", "cpu", "rss_mib")}
            limit = b.get(f"limit_{size}")
            if limit:
                ratios[f"calsync/limit {size}"] = {"wall": ours["wall"]["median"] / limit["total"]["wall"]["median"]}
        self.results["ratios"] = ratios
        for name, value in ratios.items():
            log(f"== {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in value.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the release build's bin directory")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-large", type=int, default=0, help="runs for the 100k figures (default: --runs)")
    parser.add_argument("--quick", action="store_true", help="2,000 events instead of 10k/100k, 10 s idle")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(ALL))
    parser.add_argument("--graph-large", action="store_true",
                        help="also sync the 100k Graph calendar (slow: its series are read instance by instance)")
    parser.add_argument("--sizes", default="10000,100000",
                        help="calendar sizes for google/graph/peer/limit (default 10000,100000)")
    parser.add_argument("--json", default="")
    parser.add_argument("--venv", default=".build-bench-venv")
    options = parser.parse_args()
    if not 1 <= options.runs <= 50:
        raise SystemExit("bench: --runs must be 1-50")
    Bench(options).run()


if __name__ == "__main__":
    main()
