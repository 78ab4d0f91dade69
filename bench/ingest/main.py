"""The ingest benchmark's run: siteloop, then bare Bolt twice, under the same load; the
figures and the targets' checks (see `bench.ingest`)."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import bench.ingest
from bench.ingest.drive import Result, drive, post_command, schedule, warm_up
from bench.ingest.load import CREW, MANAGER, PROJECT, Request, build_load, chatter
from bench.ingest.profile import report_profile, start_profilers
from bench.ingest.report import (
    P99_LIMIT_MS,
    RATIO_LIMIT,
    by_kind,
    load_average,
    machine_facts,
    print_table,
)
from bench.ingest.targets import (
    Child,
    count_updates,
    plan_tasks,
    start_bare,
    start_emulator,
    start_siteloop,
    wait_for_inbox,
    wait_for_project,
)


def timed_drive(
    child: Child, port: int, plan: list[Request], args, start: float
) -> tuple[list[Result], float, float]:
    """Drive the load; return the results, the start and the server's CPU ms per request."""
    cpu = child.cpu_seconds()
    results = drive(port, plan, args.rate, args.concurrency, start)
    return results, start, (child.cpu_seconds() - cpu) * 1000 / len(plan)


def run_siteloop_target(args, workdir: Path) -> tuple[list[Result], float, float, dict[str, int]]:
    database = workdir / "siteloop.db"
    database_url = f"sqlite:///{database}"
    emulator, api_url, answer_urls = start_emulator(workdir, args.requests, args.tasks, args.rate)
    siteloop = None
    profilers: list[subprocess.Popen] = []
    try:
        siteloop, port = start_siteloop(workdir, api_url, database_url)
        post_command(port, MANAGER, "/siteloop", f"setup {PROJECT} Tower A", answer_urls[0])
        wait_for_project(database)
        plan_tasks(database_url, args.tasks)
        warm_up(port, [*CREW, MANAGER], chatter)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            profilers = start_profilers(siteloop.popen.pid, args.profile)
        start, start_wall = schedule()
        emulator.tell(repr(start_wall))
        emulator.wait_for(lambda e: "posts" in e)
        plan = build_load(args.requests, args.tasks, start_wall, args.rate, "S", answer_urls[1:])
        cpu, front_cpu = siteloop.cpu_seconds(), siteloop.cpu_seconds(children=False)
        results = drive(port, plan, args.rate, args.concurrency, start)
        # Events are answered once stored; their reports are recorded right after, by the inbox's
        # worker. The check below waits for it, and the CPU figure includes its work.
        lag = wait_for_inbox(Path(f"{database}-inbox"), since=max(r.done for r in results))
        cpu_ms = (siteloop.cpu_seconds() - cpu) * 1000 / len(plan)
        front_ms = (siteloop.cpu_seconds(children=False) - front_cpu) * 1000 / len(plan)
        for profiler in profilers:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
        emulator.tell("answers")
        answered = emulator.wait_for(lambda e: "answered" in e)["answered"]
        counts = count_updates(database) | {
            "lag_ms": round(lag * 1000),
            "answered": answered,
            "front_cpu_ms": front_ms,
        }
    finally:
        if siteloop is not None:
            siteloop.stop()
        emulator.stop()
    if profilers:
        report_profile(args.profile, 2 * args.requests)
        print("(latencies of a profiled run are perturbed by the sampling; judge them without it)")
    return results, start, cpu_ms, counts


def run_bare_target(
    args, workdir: Path, before_response: bool
) -> tuple[list[Result], float, float]:
    bare, port = start_bare(workdir, before_response)
    try:
        warm_up(port, [*CREW, MANAGER], chatter)
        start, start_wall = schedule()
        tag = "P" if before_response else "B"
        plan = build_load(args.requests, args.tasks, start_wall, args.rate, tag)
        run = timed_drive(bare, port, plan, args, start)
    finally:
        bare.stop()
    return run


def main(argv: list[str] | None = None) -> int:
    description = (bench.ingest.__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=description)
    parser.add_argument("--requests", type=int, default=2000, help="N per kind (default 2000)")
    parser.add_argument("--rate", type=float, default=100.0, help="total requests/s (default 100)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections (default 16)")
    parser.add_argument("--tasks", type=int, default=300, help="tasks on the plan (default 300)")
    parser.add_argument("--profile", type=Path, help="py-spy siteloop during the load, into DIR")
    args = parser.parse_args(argv)

    print(machine_facts())
    print(
        f"load: {args.requests} /update commands + {args.requests} channel posts, interleaved, "
        f"open loop at {args.rate:g} requests/s over {args.concurrency} keep-alive connections; "
        f"{args.tasks} tasks, {len(CREW)} people"
    )
    print(
        "latency (ms): scheduled send → answer read, so queueing behind a slow server counts; "
        "svc p99: actual send → answer read"
    )
    with tempfile.TemporaryDirectory(prefix="siteloop-bench-") as scratch:
        workdir = Path(scratch)
        print("running siteloop serve (SQLite) …", file=sys.stderr, flush=True)
        site_results, site_start, site_cpu, counts = run_siteloop_target(args, workdir)
        print("running bare Bolt (default) …", file=sys.stderr, flush=True)
        bare_results, bare_start, bare_cpu = run_bare_target(args, workdir, False)
        print("running bare Bolt (process_before_response) …", file=sys.stderr, flush=True)
        pbr_results, pbr_start, pbr_cpu = run_bare_target(args, workdir, True)
    site = by_kind(site_results, site_start)
    bare = by_kind(bare_results, bare_start)
    pbr = by_kind(pbr_results, pbr_start)

    print()
    print_table(
        [("siteloop", kind, s) for kind, s in site.items()]
        + [("bare", kind, s) for kind, s in bare.items()]
        + [("bare pbr", kind, s) for kind, s in pbr.items()]
    )
    for name, summary in (
        ("siteloop", site["all"]),
        ("bare", bare["all"]),
        ("bare pbr", pbr["all"]),
    ):
        for problem in summary.problems:
            print(f"  {name} error: {problem}")
    print(
        "server CPU per request: "
        + ", ".join(
            f"{name} {ms:.1f} ms ({ms * args.rate / 10:.0f}% of a core at {args.rate:g}/s)"
            for name, ms in (("siteloop", site_cpu), ("bare", bare_cpu), ("bare pbr", pbr_cpu))
        )
    )
    front_ms = counts["front_cpu_ms"]
    print(
        f"siteloop's CPU per request by process: front (answers Slack) {front_ms:.1f} ms, "
        f"worker (does the work) {site_cpu - front_ms:.1f} ms"
    )
    if deferred := sum(r.deferred for r in site_results):
        print(
            f"  siteloop: {deferred} /update acks were the 'Recording…' answer siteloop gives "
            "when its work is not done in time (the real answer follows by response_url)"
        )
    ratios = {kind: site[kind].p99 / bare[kind].p99 for kind in site}
    print(
        "ratio siteloop p99 / bare p99 (the target's baseline): "
        + ", ".join(f"{kind} {ratio:.2f}×" for kind, ratio in ratios.items())
    )
    print(
        "ratio siteloop p99 / bare pbr p99 (same Bolt configuration as siteloop): "
        + ", ".join(f"{kind} {site[kind].p99 / pbr[kind].p99:.2f}×" for kind in site)
    )

    n = args.requests
    count_ok = (
        counts.get("command") == n
        and counts.get("message") == n
        and counts["total"] == counts["distinct_keys"] == 2 * n
    )
    print(
        f"database: {counts['total']} updates ({counts.get('command', 0)} from /update, "
        f"{counts.get('message', 0)} from channel posts), {counts['distinct_keys']} distinct keys; "
        f"expected {2 * n}, {n} of each: {'OK' if count_ok else 'MISMATCH'}"
    )
    print(
        f"processed: the last report was recorded {counts['lag_ms']} ms after the last answer; "
        f"{counts['answered']} of {n} /update commands answered at their response_url"
    )
    worst = max(site.values(), key=lambda s: s.p99)
    checks = [
        (
            f"siteloop p99 < {P99_LIMIT_MS:g} ms at {args.rate:g} requests/s",
            all(s.p99 < P99_LIMIT_MS for s in site.values()),
            f"worst p99 {worst.p99:.1f} ms",
        ),
        (
            f"siteloop p99 ≤ {RATIO_LIMIT:g}× bare Bolt's",
            all(ratio <= RATIO_LIMIT for ratio in ratios.values()),
            f"worst ratio {max(ratios.values()):.2f}×",
        ),
        (
            "no errors",
            all(s.errors == 0 for s in (*site.values(), *bare.values(), *pbr.values())),
            f"{site['all'].errors} siteloop, {bare['all'].errors} bare, "
            f"{pbr['all'].errors} bare pbr",
        ),
        ("every report stored once", count_ok, f"{counts['total']} of {2 * n}"),
        ("every command answered", counts["answered"] == n, f"{counts['answered']} of {n}"),
    ]
    print(f"after the run (the benchmark's own load included): {load_average(before=False)}")
    for label, passed, detail in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {label} ({detail})")
    return 0 if all(passed for _, passed, _ in checks) else 1
