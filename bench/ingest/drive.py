"""Sending the load: open loop from keep-alive connections, each request timed from when it
was due; and the unmeasured warm-up before it."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.ingest.load import EVENTS_PATH, FORM, Request, command_body, signed_headers


@dataclass
class Result:
    kind: str
    status: int | None
    due: float
    sent: float
    done: float
    problem: str | None = None
    deferred: bool = False  # a command acked "Recording…", its answer to follow by response_url


def drive(
    port: int, plan: list[Request], rate: float, concurrency: int, start: float
) -> list[Result]:
    """Send `plan` open loop at `rate` requests/s from `concurrency` keep-alive connections,
    request i when `time.perf_counter()` reaches start + i/rate."""
    results: list[Result | None] = [None] * len(plan)
    lock = threading.Lock()
    position = [0]

    def take() -> int:
        with lock:
            i = position[0]
            position[0] += 1
            return i

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        while (i := take()) < len(plan):
            request = plan[i]
            due = start + i / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            headers = signed_headers(request.body, request.content_type)
            sent = time.perf_counter()
            status, problem, deferred = None, None, False
            try:
                connection.request("POST", EVENTS_PATH, request.body, headers)
                response = connection.getresponse()
                text = response.read()
                status = response.status
                if status != 200:
                    problem = f"HTTP {status}: {text[:200]!r}"
                elif request.kind == "command" and text:
                    answer = json.loads(text).get("text", "")
                    if "Nothing recorded" in answer or "went wrong" in answer:
                        problem = f"refused: {answer[:200]}"
                    deferred = answer.startswith("⏳")
            except (OSError, http.client.HTTPException, ValueError) as error:
                problem = f"{type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            done = time.perf_counter()
            results[i] = Result(request.kind, status, due, sent, done, problem, deferred)
        connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def schedule(lead: float = 1.0) -> tuple[float, float]:
    """Return when the load starts, `lead` seconds from now: (perf_counter, wall clock)."""
    return time.perf_counter() + lead, time.time() + lead


def warm_up(port: int, users: list[str], build: Callable[[str, int], Request]) -> None:
    """Send one unmeasured request per person, then a few more, to warm connections and caches."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    for i, user in enumerate(users * 2):
        request = build(user, i)
        connection.request(
            "POST", EVENTS_PATH, request.body, signed_headers(request.body, request.content_type)
        )
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"bench: warm-up request answered {response.status}")
    connection.close()


def post_command(port: int, user: str, command: str, text: str, answer_url: str) -> None:
    """Send one slash command (setting the site up), refusing anything but a 200."""
    body = command_body(user, command, text, f"setup.{time.time_ns()}", answer_url)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request("POST", EVENTS_PATH, body, signed_headers(body, FORM))
    response = connection.getresponse()
    answer = response.read().decode()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"bench: {command} {answer!r} answered HTTP {response.status}")
