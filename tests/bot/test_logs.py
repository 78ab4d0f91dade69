"""Logs: readable on a terminal, JSON for collectors, secrets scrubbed."""

import io
import json
import logging

import pytest

from bot import logs


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs._ScrubFilter())
    logger = logging.getLogger("test.logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, handler, stream
    logger.handlers.clear()


def test_it_writes_one_json_object_per_line_with_the_ids(captured):
    logger, handler, stream = captured
    handler.setFormatter(logs.JsonFormatter())

    logger.info(
        "command /update", extra=logs.fields(team="T1", channel="C1", task="TWR-42", alert=None)
    )

    entry = json.loads(stream.getvalue())
    assert entry["message"] == "command /update"
    assert entry["level"] == "info"
    assert (entry["team"], entry["channel"], entry["task"]) == ("T1", "C1", "TWR-42")
    assert "alert" not in entry


def test_it_writes_key_value_pairs_on_a_terminal(captured):
    logger, handler, stream = captured
    handler.setFormatter(logs.TextFormatter())

    logger.info("delivered", extra=logs.fields(outbox=17, channel="C9"))

    line = stream.getvalue().strip()
    assert "INFO" in line and "delivered" in line and line.endswith("outbox=17 channel=C9")


@pytest.mark.parametrize("formatter", [logs.TextFormatter(), logs.JsonFormatter()])
def test_it_never_writes_a_token_or_a_registered_secret(captured, formatter):
    logger, handler, stream = captured
    handler.setFormatter(formatter)
    logs.register_secret("my-signing-secret-value")

    logger.info("calling with xoxb-123-456-abcdef and %s", "my-signing-secret-value")
    logger.info("app token", extra=logs.fields(token="xapp-1-A1-xyz"))
    try:
        raise RuntimeError("bad token xoxb-999-SECRET")
    except RuntimeError:
        logger.exception("failed")

    output = stream.getvalue()
    assert "abcdef" not in output
    assert "my-signing-secret-value" not in output
    assert "xyz" not in output
    assert "SECRET" not in output
    assert "xoxb-***" in output
