"""Whatever people type, every command answers clearly and stores nothing for a bad report."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.emulator.people.client import escape_entities
from rules.grammar.parsed import ReportContext
from rules.grammar.report import parse_report
from storage.models import Update
from tests.bot.sites import plan_task, setup_project

FIELD_WORDS = st.sampled_from(
    [
        "TWR-1",
        "twr-1",
        "#1",
        "1",
        "60%",
        "140%",
        "12 m3",
        "cost:1500",
        "$1,500",
        "crew 6",
        "8h",
        "done",
        "blocked",
        "waiting for",
        "@bob",
        "<@U0BOB|bob>",
        "due:2026-12-04",
        "due:4/12",
        "budget:12k",
        "qty:40m3",
        "mine",
        "late",
        "add",
        "assign",
        "show",
        "setup",
        "role",
        "crew",
        "&amp;",
        "&lt;",
        "\u0000",
        "💩",
        "Tầng 3",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(FIELD_WORDS, max_size=8).map(" ".join),
    st.text(min_size=3990, max_size=4100, alphabet="ab 1%"),
)
COMMANDS = ["/update", "/blocked", "/done", "/task", "/tasks", "/siteloop"]
CONTEXTS = {
    "/update": ReportContext.UPDATE,
    "/blocked": ReportContext.BLOCKED,
    "/done": ReportContext.DONE,
}


@pytest.fixture
def site(siteloop, slack):
    setup_project(slack)
    plan_task(siteloop, "Pour slab L3", unit="m³")
    return siteloop


def stored(siteloop) -> int:
    with siteloop.runtime.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Update))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(COMMANDS), text=TEXTS)
@example(command="/update", text="TWR1:0")  # a key without its dash, found on a fresh machine
@example(command="/update", text="TWR1&amp;")  # typed as is: the note is "amp", and recorded
def test_every_command_answers_and_bad_reports_store_nothing(site, slack, command, text):
    before = stored(site)
    answers = len(slack.ephemerals(user="U0BOB"))

    delivery = slack.driver.command(command, text, user="U0BOB", channel="C0TOWER")

    assert delivery.status == 200
    shown = slack.ephemerals(user="U0BOB")
    assert len(shown) == answers + 1
    assert shown[-1].rendered.strip()
    assert "Something went wrong" not in shown[-1].rendered
    # NUL characters are dropped at the door, before any listener reads the text; what the
    # grammar reads is the text as Slack delivers it, its `&`, `<` and `>` escaped once.
    read = escape_entities(text.replace("\x00", ""))
    if (
        command in CONTEXTS
        # Read as siteloop reads it in the channel: knowing the projects' keys ("TWR1" is TWR-1).
        and not parse_report(
            read, project_key="TWR", context=CONTEXTS[command], known_keys={"TWR"}
        ).ok
    ):
        assert stored(site) == before
