"""Idle or slow clients can't starve the HTTP server: Slack's requests and the health check
still answer at once while hundreds of connections sit open doing nothing."""

import resource
import socket
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.process.server import IDLE_SECONDS, MAX_BODY_BYTES


def idle_connection_count() -> int:
    # The server runs in this process, so each idle connection costs two descriptors here.
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(0, min(400, (soft - 200) // 2))


@contextmanager
def idle_connections(port: int, count: int) -> Iterator[list[socket.socket]]:
    sockets = []
    try:
        for _ in range(count):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_it_answers_slack_and_the_health_check_while_hundreds_of_connections_sit_idle(
    siteloop, slack
):
    count = idle_connection_count()
    if count < 200:
        pytest.skip(f"the open-files limit leaves room for only {count} idle connections")
    health = f"http://127.0.0.1:{siteloop.port}/healthz"

    with idle_connections(siteloop.port, count):
        status, health_seconds = timed(lambda: urllib.request.urlopen(health, timeout=5).status)
        delivery, command_seconds = timed(
            lambda: slack.driver.command("/siteloop", "help", user="U0BOB", channel="C0TOWER")
        )

    assert (status, delivery.status) == (200, 200)
    assert health_seconds < 1 and command_seconds < 1
    assert [e for e in slack.ephemerals(user="U0BOB") if "Commands" in e.rendered]


def test_it_closes_a_connection_that_stays_silent(siteloop):
    with idle_connections(siteloop.port, 1) as (sock,):
        sock.settimeout(30)
        started = time.monotonic()
        assert sock.recv(1) == b""  # the server hung up

    assert time.monotonic() - started < IDLE_SECONDS + 5


def test_it_refuses_a_body_far_larger_than_anything_slack_sends(siteloop):
    with idle_connections(siteloop.port, 1) as (sock,):
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: siteloop\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
        )
        status_line = sock.makefile("rb").readline()

    assert status_line.split()[1] == b"413"
