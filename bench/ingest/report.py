"""The figures of a run: latency percentiles by kind, the table, the machine they were
measured on, and the targets' checks."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
from dataclasses import dataclass
from importlib import metadata

from bench.ingest.drive import Result

# Targets (the design's performance and reliability targets).
P99_LIMIT_MS = 100.0
RATIO_LIMIT = 1.5


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(round(fraction * len(sorted_values), 9))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


@dataclass
class Summary:
    count: int
    errors: int
    throughput: float
    p50: float
    p95: float
    p99: float
    max: float
    svc_p99: float
    problems: list[str]


def summarise(results: list[Result], start: float) -> Summary:
    latencies = sorted((r.done - r.due) * 1000 for r in results)
    service = sorted((r.done - r.sent) * 1000 for r in results)
    ok = [r for r in results if r.problem is None]
    end = max((r.done for r in results), default=start)
    return Summary(
        count=len(results),
        errors=len(results) - len(ok),
        throughput=len(ok) / (end - start) if end > start else 0.0,
        p50=percentile(latencies, 0.50),
        p95=percentile(latencies, 0.95),
        p99=percentile(latencies, 0.99),
        max=latencies[-1] if latencies else float("nan"),
        svc_p99=percentile(service, 0.99),
        problems=[r.problem for r in results if r.problem][:3],
    )


def by_kind(results: list[Result], start: float) -> dict[str, Summary]:
    return {
        "command": summarise([r for r in results if r.kind == "command"], start),
        "event": summarise([r for r in results if r.kind == "event"], start),
        "all": summarise(results, start),
    }


def machine_facts() -> str:
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("slack_bolt", "waitress", "SQLAlchemy")
    )
    return (
        f"machine: {usable} usable cores ({cores} online), "
        f"{platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {versions}; "
        f"{load_average()}"
    )


def load_average(before: bool = True) -> str:
    """Say how busy the machine is: other processes on 2 cores move every figure."""
    one, five, _ = os.getloadavg()
    busy = before and one >= 0.5
    note = " (busy: other processes compete with the benchmark)" if busy else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){note}"


def print_table(rows: list[tuple[str, str, Summary]]) -> None:
    header = (
        f"{'target':<10} {'kind':<8} {'count':>6} {'errors':>6} {'req/s':>7} "
        f"{'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'svc p99':>8}"
    )
    print(header)
    print("-" * len(header))
    for target, kind, s in rows:
        print(
            f"{target:<10} {kind:<8} {s.count:>6} {s.errors:>6} {s.throughput:>7.1f} "
            f"{s.p50:>7.1f} {s.p95:>7.1f} {s.p99:>7.1f} {s.max:>7.1f} {s.svc_p99:>8.1f}"
        )
