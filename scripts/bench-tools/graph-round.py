#!/usr/bin/env python3
"""One full `calendarView/delta` round of calsync-emulator's generated Graph calendar.

    scripts/bench-tools/graph-round.py BIN_DIR EVENTS OUT_DIR [--dump FILE]

Starts BIN_DIR's release `calsync-emulator --generate EVENTS` (its log in OUT_DIR), then
walks one round of the default calendar (window 90 days back to 400 ahead, `Prefer:
odata.maxpagesize=1000, outlook.timezone="UTC"`) as a client would: the first request's
wall and emulator CPU time (it renders the whole round; later pages come from its cache),
then the pages, bytes, items by type and the whole walk's time. With --dump every item
goes to FILE as one sorted JSON line (times of creation left out), to compare two
builds' rounds. PERF=1 in the environment records the emulator with `perf record -g`
into OUT_DIR/emulator.perf. docs/benchmarks.md ("Graph's full round") cites runs of it.
"""
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    args = sys.argv[1:]
    dump_path = None
    if "--dump" in args:
        at = args.index("--dump")
        dump_path = args[at + 1]
        del args[at:at + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    bin_dir, size, out = args[0], int(args[1]), args[2]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "emulator"))
    emulator = bench.Emulator(os.path.join(bin_dir, "calsync-emulator"), os.path.join(out, "emulator"), size)
    perf = None
    if os.environ.get("PERF"):
        perf = subprocess.Popen(["perf", "record", "-F", os.environ.get("FREQ", "999"), "-g", "-o",
                                 os.path.join(out, "emulator.perf"), "-p", str(emulator.process.pid)])

    def cpu():
        fields = open(f"/proc/{emulator.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        token = emulator.tokens("microsoft", bench.CLIENT)["access_token"]
        request = urllib.request.Request(emulator.url + "/v1.0/me/calendars",
                                         headers={"Authorization": "Bearer " + token})
        calendar = json.load(urllib.request.urlopen(request, timeout=60))["value"][0]["id"]
        today = datetime.datetime.now(datetime.timezone.utc)
        start = (today - datetime.timedelta(days=90)).strftime("%Y-%m-%dT00:00:00Z")
        end = (today + datetime.timedelta(days=400)).strftime("%Y-%m-%dT00:00:00Z")
        url = (f"{emulator.url}/v1.0/me/calendars/{urllib.parse.quote(calendar, safe='')}/calendarView/delta"
               f"?startDateTime={start}&endDateTime={end}")
        dump = open(dump_path, "w") if dump_path else None
        pages = total = items = 0
        kinds = {}
        began = time.monotonic()
        while url and pages < 10_000:
            request = urllib.request.Request(url, headers={
                "Authorization": "Bearer " + token, "Prefer": 'odata.maxpagesize=1000, outlook.timezone="UTC"'})
            cpu_before, sent = cpu(), time.monotonic()
            body = urllib.request.urlopen(request, timeout=600).read()
            if pages == 0:
                print(f"first request: {time.monotonic() - sent:.3f} s wall, {cpu() - cpu_before:.3f} s emulator CPU")
            pages += 1
            total += len(body)
            page = json.loads(body)
            for item in page.get("value", []):
                kinds[item.get("type", "@removed")] = kinds.get(item.get("type", "@removed"), 0) + 1
                if dump:
                    item.pop("createdDateTime", None)
                    item.pop("lastModifiedDateTime", None)
                    dump.write(json.dumps(item, sort_keys=True) + "\n")
            items += len(page.get("value", []))
            url = page.get("@odata.nextLink")
        print(f"round: {pages} pages, {total:,} bytes, {items:,} items {kinds}, "
              f"{time.monotonic() - began:.2f} s")
    finally:
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        emulator.stop()


if __name__ == "__main__":
    main()
