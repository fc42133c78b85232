#!/usr/bin/env python3
"""One `calsyncd --once` first sync of a generated calendar, for profiling and A/B runs.

    scripts/bench-tools/one-sync.py BIN_DIR google|microsoft EVENTS OUT_DIR [--perf]

BIN_DIR holds release `calsyncd`, `calsyncctl` and `calsync-emulator`; OUT_DIR is emptied
and gets the emulator's log and the store. Prints wall, CPU and peak RSS as bench.py
measures them, then the events and occurrences stored. With --perf the sync runs under
`perf record --call-graph dwarf` instead (FREQ and CALL_GRAPH in the environment change
its sampling; the data goes to OUT_DIR/perf.data). docs/benchmarks.md cites runs of it.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    args = [a for a in sys.argv[1:] if a != "--perf"]
    if len(args) != 4 or args[1] not in ("google", "microsoft"):
        sys.exit(__doc__)
    bin_dir, provider, size, out = args[0], args[1], int(args[2]), args[3]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "emulator"))
    emulator = bench.Emulator(os.path.join(bin_dir, "calsync-emulator"), os.path.join(out, "emulator"), size)
    try:
        calsync = bench.Calsync(bin_dir, os.path.join(out, "calsync"), emulator,
                                [{"name": "x", "provider": provider}])
        command = [os.path.join(bin_dir, "calsyncd"), "--config", calsync.config, "--once"]
        if "--perf" in sys.argv:
            subprocess.run(["perf", "record", "-F", os.environ.get("FREQ", "499"), "--call-graph",
                            os.environ.get("CALL_GRAPH", "dwarf,32768"), "-o", os.path.join(out, "perf.data")]
                           + command, env=calsync.env, check=True)
        else:
            print(bench.measure(command, env=calsync.env))
        print("events", calsync.query("SELECT COUNT(*) FROM events"),
              "occurrences", calsync.query("SELECT COUNT(*) FROM occurrences"))
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
