#!/usr/bin/env python3
"""Summarises CalSyncMicro's standalone output (HdrHistogram percentile tables, one per
metric and benchmark) as one line per metric: min, median, max. Reads stdin."""
import re
import sys

UNITS = {"Time (wall clock)": (1e6, "ms"), "Time (total CPU)": (1e6, "ms"),
         "Memory (resident peak)": (2**20, "MiB"), "Malloc (total)": (1, "")}
benchmark, metric, rows = None, None, []


def flush():
    if benchmark and metric and rows:
        scale, unit = UNITS.get(metric, (1, ""))
        median = next(value for value, percentile in rows if percentile >= 0.5)
        print(f"{benchmark} | {metric} | min {rows[0][0] / scale:.1f} | median {median / scale:.1f} | "
              f"max {rows[-1][0] / scale:.1f} {unit}")


for line in sys.stdin:
    line = line.strip()
    found = re.match(r"Debug results for (.*):$", line)
    if found:
        flush()
        benchmark, metric, rows = found.group(1), None, []
    elif line.rstrip(":") in UNITS:
        flush()
        metric, rows = line.rstrip(":"), []
    elif metric and re.match(r"^[0-9.]+ +[0-9.]+ +[0-9]+", line):
        value, percentile = line.split()[:2]
        rows.append((float(value), float(percentile)))
flush()
