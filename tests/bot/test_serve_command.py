"""`siteloop serve` and `siteloop db upgrade` as an operator runs them: a real process."""

import json
import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import cli
from tests.cli import run_siteloop
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


class Process:
    """A `siteloop` process whose JSON log lines can be awaited."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=cwd,
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.popen.stderr:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def wait_for_log(self, message: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            line = self._queue.get(timeout=remaining)
            if line is None:
                break
            entry = json.loads(line)
            if entry["message"] == message:
                return entry
        raise AssertionError(f"no {message!r} log line; the process wrote:\n{''.join(self.lines)}")

    def stop(self, timeout: float = 15) -> int:
        self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout)


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    return cli.environment(tmp_path, SITELOOP_LOG_FORMAT="json", **values)


def health(port: int) -> tuple[int, dict]:
    """Return what `/healthz` answers: its status and its report."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def serve(
    slack, database_url: str, tmp_path: Path, ready: bool = True, **settings: str
) -> tuple[Process, int]:
    """Start `siteloop serve` against `slack` and return it, listening (and, with `ready`, its
    health check answering 200, as a load balancer waits for), with its port."""
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=database_url,
        **settings,
    )
    process = Process(["serve", "--port", "0"], env, tmp_path)
    port = process.wait_for_log("listening")["port"]
    slack.connect(f"http://127.0.0.1:{port}/slack/events")
    if ready:
        slack.wait_for(lambda: health(port)[0] == 200, timeout=20)
    return process, port


@pytest.fixture
def served(slack, app_database_url, tmp_path):
    process, port = serve(slack, app_database_url, tmp_path)
    yield process, port
    if process.popen.poll() is None:
        process.popen.kill()


def test_serve_answers_a_signed_command_and_refuses_a_forged_one(served, slack):
    process, port = served

    good = slack.driver.command("/siteloop", "help", user="U0ANN", channel="C0TOWER")
    forged = slack.driver.command(
        "/siteloop", "help", user="U0ANN", channel="C0TOWER", signing_secret="x" * 32
    )
    health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)

    assert (good.status, forged.status, health.status) == (200, 401, 200)
    assert json.load(health)["worker"] == "running"  # the process that does the work
    helped = slack.wait_for(  # answered by the worker process
        lambda: [e for e in slack.ephemerals(user="U0ANN") if "/siteloop help" in e.rendered]
    )
    assert len(helped) == 1
    request = process.wait_for_log("command /siteloop")
    assert (request["team"], request["channel"], request["user"]) == ("T0SITE", "C0TOWER", "U0ANN")


def test_health_says_starting_until_the_worker_takes_requests_then_answers_promptly(
    slack, app_database_url, tmp_path
):
    process, port = serve(slack, app_database_url, tmp_path, ready=False)
    try:
        seen = [health(port)]
        while seen[-1][0] != 200:
            seen.append(health(port))
            time.sleep(0.02)  # polling a real process, as a load balancer does
        asked = time.monotonic()
        slack.driver.command("/siteloop", "help", user="U0ANN", channel="C0TOWER")
        slack.wait_for(lambda: slack.ephemerals(user="U0ANN"))
        answered_in = time.monotonic() - asked
    finally:
        process.stop()

    assert (seen[0][0], seen[0][1]["worker"], seen[0][1]["ok"]) == (503, "starting", False)
    assert {report["worker"] for _, report in seen} == {"starting", "running"}
    assert seen[-1][1]["ok"] and seen[-1][1]["worker"] == "running"
    assert answered_in < 0.5, f"the first command was answered after {answered_in:.2f} s"


def test_a_worker_process_that_dies_is_started_again_and_what_came_meanwhile_is_done(served, slack):
    process, _ = served
    [first] = [json.loads(line)["pid"] for line in process.lines if '"worker started"' in line]

    os.kill(first, signal.SIGKILL)
    process.wait_for_log("worker stopped")
    meanwhile = slack.driver.command("/siteloop", "help", user="U0ANN", channel="C0TOWER")
    restarted = process.wait_for_log("worker started")

    assert meanwhile.status == 200 and restarted["pid"] != first
    helped = slack.wait_for(
        lambda: [e for e in slack.ephemerals(user="U0ANN") if "/siteloop help" in e.rendered]
    )
    assert len(helped) == 1


def test_health_shows_when_the_worker_process_last_ran_the_rules(slack, app_database_url, tmp_path):
    process, port = serve(slack, app_database_url, tmp_path, SITELOOP_TICK_SECONDS="1")
    try:

        def health() -> dict:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                return json.load(answer)

        first = health()
        beating = slack.wait_for(lambda: health()["last_heartbeat"], timeout=10)
    finally:
        process.stop()

    assert first["ok"] and first["worker"] == "running"
    assert beating.endswith("+00:00")  # an ISO instant from the worker's scheduler


def test_serve_stops_cleanly_on_sigterm_and_never_logs_secrets(served):
    process, _ = served

    status = process.stop()

    assert status == 0
    process.wait_for_log("stopped")
    log = "".join(process.lines)
    assert BOT_TOKEN not in log and "siteloop-test-token" not in log
    assert SIGNING_SECRET not in log


def test_serve_stops_at_once_when_slack_rejects_the_token(slack, tmp_path):
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-someone-elses-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}",
    )

    result = run_siteloop("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "siteloop: Slack rejected SLACK_BOT_TOKEN (invalid_auth): "
        "the token is not valid: copy the bot token (xoxb-…) again"
    )
    assert "someone-elses" not in result.stderr


def test_serve_says_when_slack_cannot_be_reached(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=unreachable,
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}",
    )

    result = run_siteloop("serve", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert f"siteloop: cannot reach the Slack Web API at {unreachable}" in result.stderr


def test_serve_names_what_is_missing(tmp_path):
    result = run_siteloop("serve", env=environment(tmp_path), cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("siteloop: SLACK_BOT_TOKEN is not set")


def test_db_upgrade_creates_the_schema_and_is_harmless_twice(tmp_path):
    database = tmp_path / "site.db"
    env = environment(tmp_path, DATABASE_URL=f"sqlite:///{database}")

    first = run_siteloop("db", "upgrade", env=env, cwd=tmp_path)
    second = run_siteloop("db", "upgrade", env=env, cwd=tmp_path)

    assert (first.returncode, second.returncode) == (0, 0)
    assert "is up to date" in second.stdout
    tables = {
        row[0]
        for row in sqlite3.connect(database).execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
    }
    assert {"projects", "tasks", "updates", "alerts", "outbox"} <= tables
