"""The process dies between Slack accepting a message and siteloop recording it.

A dying dispatcher stands for the process: it is killed right after Slack answered (or right
before it called), leaving its claim on the row. Once the lease has run out, a fresh dispatcher
(a restarted process) picks the message up, finds it in the conversation by the outbox id in its
metadata, and records it instead of posting it again.
"""

import random
from collections import Counter
from datetime import timedelta

import pytest

from bot.delivery import Dispatcher, make_client
from bot.delivery.dispatcher import DEFAULT_LEASE
from bot.process.delivery import delivery_steps
from rules.vocabulary import OutboxState
from storage import outbox, projects
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.faults.conftest import dispatcher_for, drain, failed_calls, flaky


class Killed(BaseException):
    """The process died: nothing after this point ran."""


class DyingDispatcher(Dispatcher):
    """A dispatcher whose process dies mid-delivery, at the moments that hurt most.

    after_send: the share of Slack's answers it dies on before recording them.
    before_send: the share of claimed messages it dies on before calling Slack.
    """

    def __init__(self, site, deaths: random.Random, after_send=1.0, before_send=0.0) -> None:
        super().__init__(
            sessions=site.runtime.sessions,
            client=make_client(site.settings),
            clock=site.clock,
            rng=random.Random(deaths.random()),
            **delivery_steps(),
        )
        self._deaths = deaths
        self._after_send = after_send
        self._before_send = before_send

    def _call(self, call):
        if self._deaths.random() < self._before_send:
            raise Killed
        return super()._call(call)

    def _record_sent(self, *args, **kwargs):
        if self._deaths.random() < self._after_send:
            raise Killed
        return super()._record_sent(*args, **kwargs)


def queue(site, target: str, text: str, thread_ts: str | None = None) -> int:
    """Queue a post for project TWR, as a decision would; return its outbox id."""
    with session_scope(site.runtime.sessions) as session:
        project = projects.find_project(session, "TWR")
        message = outbox.enqueue(
            session,
            kind="follow_up",
            target=target,
            payload={"method": "chat.postMessage", "args": {"text": text}},
            now=site.clock.now(),
            thread_ts=thread_ts,
            project_id=project.id,
        )
        session.flush()
        return message.id


def rows(site) -> list[OutboxMessage]:
    with session_scope(site.runtime.sessions, read_only=True) as session:
        return session.query(OutboxMessage).order_by(OutboxMessage.id).all()


def test_what_slack_accepted_before_the_process_died_is_recorded_not_sent_again(site, slack, clock):
    report = slack.driver.post("U0BOB", "C0TOWER", "TWR-1 formwork started")
    queue(site, "C0TOWER", "TWR-2 is yours, <@U0BOB>")
    queue(site, "C0TOWER", "Any news on the formwork?", thread_ts=report.ts)
    queue(site, "U0ANN", "TWR-1 has had no update for a day")
    dying = DyingDispatcher(site, random.Random(1))
    for _ in range(4):
        with pytest.raises(Killed):
            dying.deliver_one(clock.now())
        clock.advance(seconds=1)
    posts_before_restart = len(slack.calls("chat.postMessage"))

    clock.advance(DEFAULT_LEASE)
    drain(dispatcher_for(site), site)

    assert [m.text for m in slack.messages("C0TOWER")] == [
        "TWR-1 formwork started",
        "TWR-2 is yours, <@U0BOB>",
    ]
    assert [m.text for m in slack.thread("C0TOWER", report.ts)[1:]] == ["Any news on the formwork?"]
    assert [m.text for m in slack.dms("U0ANN")] == ["TWR-1 has had no update for a day"]
    assert slack.reactions("C0TOWER", report.ts) == {"memo": ["U0BOT"]}
    assert len(slack.calls("chat.postMessage")) == posts_before_restart == 3
    assert slack.calls("conversations.history") and slack.calls("conversations.replies")
    shown = {m.ts for m in slack.messages("C0TOWER") + slack.thread("C0TOWER", report.ts)}
    shown |= {m.ts for m in slack.dms("U0ANN")}
    assert all(r.state == OutboxState.SENT for r in rows(site))
    assert {r.slack_ts for r in rows(site)} <= shown


@pytest.mark.parametrize("seed", [5, 2026])
def test_repeated_deaths_and_a_flaky_slack_deliver_every_message_exactly_once(
    site, slack, clock, seed
):
    reports = [slack.driver.post("U0BOB", "C0TOWER", f"TWR-{n} at {10 * n}%") for n in (1, 2, 3)]
    flaky(slack, seed)
    slack.faults.accept_then_drop("chat.postMessage", times=3)
    expected = Counter()
    for n in range(40):
        where = n % 4
        if where == 0:
            queue(site, "C0TOWER", f"note {n}")
            expected[("C0TOWER", None, f"note {n}")] += 1
        elif where == 1:
            thread = reports[n % 3].ts
            queue(site, "C0TOWER", f"question {n}", thread_ts=thread)
            expected[("C0TOWER", thread, f"question {n}")] += 1
        else:
            person = ("U0ANN", "U0BOB")[where - 2]
            queue(site, person, f"reminder {n}")
            expected[(person, None, f"reminder {n}")] += 1
    deaths = random.Random(seed)
    restarts = 0

    while True:
        dispatcher = DyingDispatcher(site, deaths, after_send=0.15, before_send=0.05)
        try:
            drain(dispatcher, site)
            break
        except Killed:
            restarts += 1
            clock.advance(DEFAULT_LEASE + timedelta(seconds=1))

    seen = Counter(("C0TOWER", None, m.text) for m in slack.messages("C0TOWER"))
    for report in reports:
        seen.update(("C0TOWER", report.ts, m.text) for m in slack.thread("C0TOWER", report.ts)[1:])
        seen.pop(("C0TOWER", None, report.message.text))
    for person in ("U0ANN", "U0BOB"):
        seen.update((person, None, m.text) for m in slack.dms(person))
    assert seen == expected
    assert all(slack.reactions("C0TOWER", r.ts) == {"memo": ["U0BOT"]} for r in reports)
    assert {r.state for r in rows(site)} == {OutboxState.SENT}
    assert len({(r.slack_channel, r.slack_ts) for r in rows(site) if r.kind == "follow_up"}) == 40
    assert restarts >= 3
    assert failed_calls(slack)["5xx"] and failed_calls(slack)["429"]
