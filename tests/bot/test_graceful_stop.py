"""Stopping the HTTP server lets requests in flight finish and refuses new ones."""

import threading
import urllib.error
import urllib.request

import pytest

from bot.process.server import HttpServer


@pytest.fixture
def slow_server():
    entered, release = threading.Event(), threading.Event()

    def app(environ, start_response):
        entered.set()
        release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"finished"]

    server = HttpServer(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield server, entered, release, thread
    release.set()


def test_a_request_in_flight_finishes_while_the_server_stops(slow_server):
    server, entered, release, serving = slow_server
    answers = []
    request = threading.Thread(
        target=lambda: answers.append(
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=5).read()
        )
    )
    request.start()
    entered.wait(5)

    stopping = threading.Thread(target=server.stop)
    stopping.start()
    stopping.join(0.3)
    still_waiting = stopping.is_alive()
    release.set()
    stopping.join(5)
    request.join(5)

    assert still_waiting, "stop() returned before the request in flight had finished"
    assert answers == [b"finished"]
    assert not serving.is_alive()


def test_new_connections_are_refused_once_stopping(slow_server):
    server, _, release, _ = slow_server
    port = server.port
    release.set()

    server.stop()

    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_a_stopped_server_can_be_stopped_again(slow_server):
    server, _entered, release, serving = slow_server
    release.set()
    server.stop(grace_seconds=1)
    serving.join(5)

    server.stop(grace_seconds=1)  # its event loop is gone: nothing left to close, no error

    assert not serving.is_alive()
