"""Bad requests at the door: unsigned → 401, unreadable → 400, signed but malformed → 200 with
nothing stored; each is one warning line, never a traceback, and never reaches the worker."""

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from bot.emulator.to_bot.sender import signature_headers
from storage import inbox
from storage.models import InboxEvent, Update
from tests.bot.sites import plan_task, setup_project, task
from tests.conftest import SIGNING_SECRET

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
POST = {
    "type": "message",
    "channel": "C0TOWER",
    "user": "U0BOB",
    "text": "TWR-1 50%",
    "ts": "1764550800.000100",
    "channel_type": "channel",
}
REACTION = {
    "type": "reaction_added",
    "user": "U0BOB",
    "reaction": "white_check_mark",
    "item": {"type": "message", "channel": "C0TOWER", "ts": "1764550800.000100"},
    "event_ts": "1764550900.000100",
}
CLICK = {
    "type": "block_actions",
    "user": {"id": "U0BOB"},
    "trigger_id": "1.2.abc",
    "container": {"type": "message", "channel_id": "C0TOWER", "message_ts": "1764550800.000100"},
    "actions": [{"action_id": "task_ack", "value": "TWR-1", "action_ts": "1764550900.000100"}],
}
SUBMISSION = {
    "type": "view_submission",
    "user": {"id": "U0BOB"},
    "view": {"id": "V1", "callback_id": "task_update", "state": {"values": {}}},
}
COMMAND = {
    "command": "/update",
    "text": "TWR-1 50%",
    "channel_id": "C0TOWER",
    "response_url": "http://127.0.0.1:9/respond",
    "trigger_id": "1.2.abc",
}


def envelope(event, team: str = "T0SITE") -> bytes:
    body = {"type": "event_callback", "team_id": team, "event_id": "Ev0BAD", "event": event}
    return json.dumps(body).encode()


def interaction(payload: dict) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def without(shape: dict, key: str) -> dict:
    return {name: value for name, value in shape.items() if name != key}


UNSIGNED = {
    "a timestamp that is not a number": (
        envelope(POST),
        JSON,
        {"X-Slack-Request-Timestamp": "abc"},
    ),
    "a payload that is not JSON": (b"payload=not-json", FORM, {}),
    "an event that is a string": (envelope("message"), JSON, {}),
}
# Slack's requests are UTF-8, always: a body that is not can't be Slack's (nor its signature
# checked, as it is computed over the text).
NOT_TEXT = {
    "a form that is not UTF-8": (b"command=/update&text=\xff\xfe", FORM),
    "JSON that is not UTF-8": (b'{"type": "event_callback", "event": "\xff"}', JSON),
}
UNREADABLE = {
    "a payload that is not JSON": (b"payload=not-json", FORM),
    "a JSON array": (b"[1, 2]", JSON),
    "JSON null": (b"null", JSON),
    "a JSON string": (b'"event_callback"', JSON),
    "100,000-deep nesting": (b'{"event": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", JSON),
}
# What each request lacks, as the warning names it: the field, then what is wrong with it.
MALFORMED = {
    "an event that is a string": (envelope("message"), "event: not an object"),
    "an event that is a list": (envelope([POST]), "event: not an object"),
    "an event without a type": (envelope(without(POST, "type")), "event.type: missing"),
    "a post without a channel": (envelope(without(POST, "channel")), "event.channel: missing"),
    "a post without a ts": (envelope(without(POST, "ts")), "event.ts: missing"),
    "a post whose ts is not a ts": (
        envelope(POST | {"ts": "not-a-ts"}),
        "event.ts: not a Slack timestamp",
    ),
    "a post whose text is a number": (envelope(POST | {"text": 50}), "event.text: not a text"),
    "a post whose user is an object": (
        envelope(POST | {"user": {"id": "U0BOB"}}),
        "event.user: not a text",
    ),
    "a post whose channel is a number": (
        envelope(POST | {"channel": 7}),
        "event.channel: neither an id nor an object",
    ),
    "a reply whose thread_ts is not a ts": (
        envelope(POST | {"thread_ts": "yesterday"}),
        "event.thread_ts: not a Slack timestamp",
    ),
    "an edit without its message": (
        envelope(POST | {"subtype": "message_changed"}),
        "event: an edit without its `message`",
    ),
    "an edit whose message has no ts": (
        envelope(POST | {"subtype": "message_changed", "message": without(POST, "ts")}),
        "event.message.ts: missing",
    ),
    "a deletion without deleted_ts": (
        envelope(POST | {"subtype": "message_deleted"}),
        "event: a deletion without its `deleted_ts`",
    ),
    "a reaction on a message without a ts": (
        envelope(REACTION | {"item": without(REACTION["item"], "ts")}),
        "event.item: a message item needs its `channel` and `ts`",
    ),
    "a reaction whose user is a list": (
        envelope(REACTION | {"user": ["U0BOB"]}),
        "event.user: neither an id nor an object",
    ),
    "a reaction whose event_ts is not a ts": (
        envelope(REACTION | {"event_ts": "soon"}),
        "event.event_ts: not a Slack timestamp",
    ),
    "a home tab opened by a number": (
        envelope({"type": "app_home_opened", "user": 7}),
        "event.user: neither an id nor an object",
    ),
    "authorizations that are a string": (
        envelope(POST)[:-1] + b', "authorizations": "T0SITE"}',
        "authorizations: not a list",
    ),
    "a click without actions": (interaction(CLICK | {"actions": []}), "actions: empty"),
    "a click whose actions are a string": (
        interaction(CLICK | {"actions": "task_ack"}),
        "actions: not a list",
    ),
    "a click whose user is a string": (
        interaction(CLICK | {"user": "U0BOB"}),
        "user: not an object",
    ),
    "a click whose team is a string": (
        interaction(CLICK | {"team": "T0SITE"}),
        "team: not an object",
    ),
    "a closed modal whose user is a string": (
        interaction({"type": "view_closed", "user": "U0BOB"}),
        "user: not an object",
    ),
    "a submission whose state.values is a string": (
        interaction(SUBMISSION | {"view": SUBMISSION["view"] | {"state": {"values": "note"}}}),
        "view.state.values: not an object",
    ),
    "a submission whose block is a string": (
        interaction(
            SUBMISSION | {"view": SUBMISSION["view"] | {"state": {"values": {"note": "50%"}}}}
        ),
        "view.state.values.note: not an object",
    ),
    "a command without user_id": (
        urllib.parse.urlencode(COMMAND).encode(),
        "user_id: missing",
    ),
    "a command by an empty user_id": (
        urllib.parse.urlencode(COMMAND | {"user_id": ""}).encode(),
        "user_id: empty",
    ),
    "a post by an empty user": (envelope(POST | {"user": ""}), "event.user: empty"),
    "a reaction by an empty user": (envelope(REACTION | {"user": ""}), "event.user: empty"),
    "a home tab opened by an empty user": (
        envelope({"type": "app_home_opened", "user": ""}),
        "event.user: empty",
    ),
    "a click by an empty user id": (interaction(CLICK | {"user": {"id": ""}}), "user.id: empty"),
}
# Signed with the app's secret, as Slack signs every workspace's requests, but for a workspace
# siteloop is not installed in (the emulator's is T0SITE).
ANOTHER_TEAM = {
    "a post": envelope(POST, team="T0OTHER"),
    "a command": urllib.parse.urlencode(
        COMMAND | {"user_id": "U0BOB", "team_id": "T0OTHER"}
    ).encode(),
    "a click": interaction(CLICK | {"team": {"id": "T0OTHER", "domain": "other"}}),
}


@pytest.fixture
def site(siteloop, slack, caplog):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3")
    caplog.set_level(logging.WARNING)
    caplog.clear()
    return siteloop


def send(siteloop, raw: bytes, content_type: str, headers: dict | None = None) -> int:
    """POST `raw` to siteloop as Slack would, signed unless `headers` say otherwise; return the
    status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{siteloop.port}/slack/events",
        data=raw,
        headers={"Content-Type": content_type, **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    siteloop.inbox.settle()
    return status


def signed(raw: bytes) -> dict:
    return signature_headers(SIGNING_SECRET, raw, int(time.time()))


def stored(siteloop) -> tuple[int, int]:
    """Return how many requests the inbox holds and how many updates are recorded."""
    with siteloop.runtime.inbox_sessions() as requests, siteloop.runtime.sessions() as updates:
        count = sa.select(sa.func.count())
        return (
            requests.scalar(count.select_from(InboxEvent)),
            updates.scalar(count.select_from(Update)),
        )


def warnings(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def assert_one_warning_naming(caplog, *words: str) -> None:
    [warning] = warnings(caplog)
    assert warning.levelno == logging.WARNING and warning.exc_info is None
    assert all(word in warning.getMessage() for word in words), warning.getMessage()


@pytest.mark.parametrize(("raw", "content_type", "headers"), UNSIGNED.values(), ids=UNSIGNED)
def test_it_refuses_an_unsigned_request_with_401(site, caplog, raw, content_type, headers):
    before = stored(site)

    status = send(site, raw, content_type, headers)

    assert status == 401
    assert stored(site) == before
    assert_one_warning_naming(caplog, "not signed")


@pytest.mark.parametrize(("raw", "content_type"), NOT_TEXT.values(), ids=NOT_TEXT)
def test_it_refuses_a_body_that_is_not_utf8_with_400(site, caplog, raw, content_type):
    before = stored(site)

    status = send(site, raw, content_type)

    assert status == 400
    assert stored(site) == before
    assert_one_warning_naming(caplog, "unreadable", "UTF-8")


@pytest.mark.parametrize(("raw", "content_type"), UNREADABLE.values(), ids=UNREADABLE)
def test_it_refuses_a_signed_request_it_cannot_read_with_400(site, caplog, raw, content_type):
    before = stored(site)

    status = send(site, raw, content_type, signed(raw))

    assert status == 400
    assert stored(site) == before
    assert_one_warning_naming(caplog, "unreadable")


@pytest.mark.parametrize(("raw", "wrong"), MALFORMED.values(), ids=MALFORMED)
def test_it_answers_a_signed_malformed_request_200_and_stores_nothing(site, caplog, raw, wrong):
    before = stored(site)
    content_type = JSON if raw.startswith(b"{") else FORM

    status = send(site, raw, content_type, signed(raw))

    assert status == 200
    assert stored(site) == before
    assert_one_warning_naming(caplog, f"malformed: {wrong}")
    assert task(site, "TWR-1").percent_complete == 0


@pytest.mark.parametrize("raw", ANOTHER_TEAM.values(), ids=ANOTHER_TEAM)
def test_it_refuses_a_request_for_another_workspace_and_stores_nothing(site, caplog, raw):
    before = stored(site)
    content_type = JSON if raw.startswith(b"{") else FORM

    status = send(site, raw, content_type, signed(raw))

    assert status == 200  # signed by Slack: a retry would be refused the same
    assert stored(site) == before
    assert_one_warning_naming(caplog, "request for another workspace refused")
    assert task(site, "TWR-1").percent_complete == 0


def test_it_gives_up_at_once_on_a_malformed_request_stored_before_the_door_checked(
    site, caplog, clock
):
    with site.runtime.inbox_engine.begin() as connection:
        inbox.accept(connection, "Ev0OLD", envelope(without(POST, "ts")).decode(), clock.now())

    clock.advance(minutes=5)  # its lease ran out
    site.inbox.sweep()
    site.inbox.settle()

    with site.runtime.inbox_sessions() as session:
        old = session.scalars(sa.select(InboxEvent).where(InboxEvent.event_id == "Ev0OLD")).one()
    assert old.attempts == 1 and old.done_at is not None
    assert old.last_error == "malformed: event.ts: missing"
    assert_one_warning_naming(caplog, "given up, malformed: event.ts: missing")
    assert site.inbox.sweep() == 0
