#!/usr/bin/env python3
"""One `calsyncd --once` first sync of a generated calendar, for profiling and A/B runs.

    scripts/bench-tools/one-sync.py BIN_DIR google|microsoft EVENTS OUT_DIR [--perf | --callgrind]

BIN_DIR holds release `calsyncd`, `calsyncctl` and `calsync-emulator`; OUT_DIR is emptied
and gets the emulator's log and the store. Prints wall, CPU and peak RSS as bench.py
measures them, then the events and occurrences stored. With --perf the sync runs under
`perf record --call-graph dwarf` instead (FREQ and CALL_GRAPH in the environment change
its sampling; the data goes to OUT_DIR/perf.data). With --callgrind it runs under
valgrind's callgrind and prints the instructions calsyncd executed: a count that moves by
about 0.3 % from run to run where wall and CPU time move by 5-10 %, so it shows a change
of 1 % in one pair of runs (about 25 s for 2,000 Graph events, 50 times slower than
without; the profile goes to OUT_DIR/callgrind.out for `callgrind_annotate`). This
machine has no hardware counters for `perf stat`. docs/benchmarks.md cites runs of it.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    args = [a for a in sys.argv[1:] if a not in ("--perf", "--callgrind")]
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
        elif "--callgrind" in sys.argv:
            print("instructions", callgrind(command, out, calsync.env))
        else:
            print(bench.measure(command, env=calsync.env))
        print("events", calsync.query("SELECT COUNT(*) FROM events"),
              "occurrences", calsync.query("SELECT COUNT(*) FROM occurrences"))
    finally:
        emulator.stop()


def callgrind(command, out, env):
    """Runs `command` under callgrind; the instructions it executed."""
    # Valgrind 3.19 (Debian 12) cannot read the DWARF 5 the Swift toolchain writes: a
    # copy without debug information keeps the symbols callgrind_annotate needs.
    if shutil.which("valgrind") is None:
        sys.exit("--callgrind needs valgrind: apt-get install valgrind")
    stripped = os.path.join(out, "calsyncd")
    subprocess.run(["strip", "--strip-debug", "-o", stripped, command[0]], check=True)
    profile = os.path.join(out, "callgrind.out")
    result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", stripped]
                            + command[1:], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"calsyncd under callgrind exited {result.returncode}:\n{result.stderr[-2000:]}")
    collected = [line for line in result.stderr.splitlines() if "Collected :" in line]
    if not collected:
        sys.exit("callgrind reported no count:\n" + result.stderr[-2000:])
    return int(collected[-1].split(":")[-1].strip())


if __name__ == "__main__":
    main()
