"""Where siteloop's CPU goes during the load: py-spy's samples of its process, summarised."""

from __future__ import annotations

import collections
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

OURS = ("bot", "storage", "rules")


def start_profilers(pid: int, folder: Path) -> list[subprocess.Popen]:
    """Sample `pid` with py-spy twice over: every thread's stack (wall time) and only the
    thread holding the GIL (CPU time, the resource one Python process has one of)."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("bench: --profile needs py-spy (pip install py-spy); not profiling", file=sys.stderr)
        return []
    common = [exe, "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--threads"]
    return [
        subprocess.Popen(
            [*common, *extra, "--nonblocking", "--output", str(folder / f"siteloop-{name}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, extra in (("wall", ["--idle"]), ("gil", ["--gil"]))
    ]


def _samples(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """Yield (thread group, frames, count) from a py-spy raw file."""
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        thread = frames[0].rsplit(": ", 1)[-1]
        yield thread.rstrip("0123456789").rstrip("-_") or thread, frames[1:], int(count)


def _where(frame: str) -> str:
    """Return a frame's file relative to its package root: `sqlalchemy/orm/session.py`."""
    where = frame.partition(" (")[2].rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/main/", "lib/python3.11/"):
        if marker in where:
            return where.split(marker, 1)[1]
    return where


def _package(frame: str) -> str:
    top = _where(frame).split("/", 1)[0]
    return top.removesuffix(".py")


def _function(frame: str) -> str:
    return f"{frame.partition(' (')[0]} ({_where(frame)})"


def report_profile(folder: Path, requests: int, top: int = 18) -> None:
    """Print where siteloop's CPU went (GIL samples) and how long requests waited on SQLite."""
    gil, wall = folder / "siteloop-gil.txt", folder / "siteloop-wall.txt"
    if not gil.exists() or not wall.exists():
        print(f"(no profile written to {folder})")
        return
    by_thread: collections.Counter[str] = collections.Counter()
    by_package: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for group, frames, n in _samples(gil):
        if not frames:
            continue
        total += n
        by_thread[group] += n
        by_package[_package(frames[-1])] += n
        for name in {_function(f) for f in frames if _package(f) in OURS}:
            inclusive[name] += n
    print(f"\nprofile of siteloop serve during the load (py-spy, 100 Hz, {folder}):")
    print(f"CPU (samples holding the GIL: {total}) by thread: " + _shares(by_thread, total))
    print("CPU by package of the running function: " + _shares(by_package, total, 10))
    print("CPU inclusive, siteloop functions:")
    for name, n in inclusive.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {name}")
    waits: collections.Counter[str] = collections.Counter()
    for group, frames, n in _samples(wall):
        if group not in ("waitress", "command", "outbox") or not frames:
            continue
        leaf = frames[-1].partition(" (")[0]
        if any("_on_begin" in f for f in frames) and "do_execute" in leaf:
            waits[f"{group}: waiting for SQLite's write lock (BEGIN IMMEDIATE)"] += n
        elif "do_commit" in leaf:
            waits[f"{group}: SQLite commit"] += n
    # Waitress threads run the event listeners (a command's waitress thread only waits for the
    # command pool); the outbox thread works for every post.
    per = {"command": ("/update", requests // 2), "waitress": ("post", requests // 2)}
    print("wall time in SQLite waits (thread-seconds):")
    for label, n in waits.most_common():
        kind, count = per.get(label.split(":")[0], ("request", requests))
        print(f"  {n / 100:6.1f} s  {label}  ({1000 * n / 100 / count:.1f} ms per {kind})")


def _shares(counter: collections.Counter[str], total: int, top: int = 6) -> str:
    return ", ".join(
        f"{name} {100 * n / max(total, 1):.0f}%" for name, n in counter.most_common(top)
    )
