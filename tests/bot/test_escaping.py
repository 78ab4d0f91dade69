"""What people type reaches every message as they typed it, and never pings or links anyone."""

import pytest
from sqlalchemy import select

from storage.models import Update
from tests.bot.seen import everything_read, read, sequences
from tests.bot.sites import answer, plan_task, setup_project, task

BROADCASTS = ("!channel", "!here", "!everyone", "!subteam")


@pytest.fixture
def tower(siteloop, slack):
    setup_project(slack)
    return siteloop


def broadcasts_and_links(slack) -> list[str]:
    """Return the sequences the bot sent that ping a group or link somewhere."""
    return [s for s in sequences(slack) if s.startswith(BROADCASTS) or s[:1] not in "@#"]


def test_it_adds_a_task_whose_title_names_a_broadcast_without_pinging_anyone(tower, slack):
    slack.driver.command("/task", "add Seal joints @channel @ann", user="U0ANN", channel="C0TOWER")
    slack.wait_for(lambda: slack.calls("chat.postMessage"))

    assert task(tower, "TWR-1").title == "Seal joints @channel"
    assert broadcasts_and_links(slack) == []
    card = slack.calls("chat.postMessage")[-1].args["text"]
    assert card.startswith("TWR-1 Seal joints @channel — assigned to <@U0ANN>")


def test_it_echoes_reports_naming_everyone_or_here_without_pinging_anyone(tower, slack):
    plan_task(tower, "Pour slab L3")

    slack.driver.command("/update", "TWR-1 40% @everyone look", user="U0BOB", channel="C0TOWER")
    slack.driver.command("/blocked", "TWR-1 @here no rebar", user="U0BOB", channel="C0TOWER")

    assert broadcasts_and_links(slack) == []
    assert "@here no rebar" in read(answer(slack, "U0BOB"))


def test_it_shows_a_title_that_looks_like_a_link_as_plain_text(tower, slack):
    plan_task(tower, "Fix <http://evil.example|click> & <!channel>")

    slack.driver.command("/task", "assign TWR-1 @bob", user="U0ANN", channel="C0TOWER")
    slack.wait_for(lambda: slack.calls("chat.postMessage"))

    assert broadcasts_and_links(slack) == []
    card = slack.calls("chat.postMessage")[-1].args["text"]
    assert "TWR-1 Fix &lt;http://evil.example|click&gt; &amp; &lt;!channel&gt;" in card


def test_it_keeps_a_link_posted_in_a_report_as_text_not_a_link(tower, slack):
    plan_task(tower, "Pour slab L3")

    slack.driver.command(
        "/update", "TWR-1 40% see <http://evil.example|click>", user="U0BOB", channel="C0TOWER"
    )

    assert broadcasts_and_links(slack) == []
    assert 'see <http://evil.example|click>"' in read(answer(slack, "U0BOB"))


def test_it_shows_a_project_name_with_ampersand_and_brackets_as_typed(siteloop, slack):
    slack.driver.command(
        "/siteloop", "setup TWR Smith & Sons <Tower A>", user="U0ANN", channel="C0TOWER"
    )
    slack.driver.command("/siteloop", "report", user="U0ANN", channel="C0TOWER")
    slack.driver.command("/siteloop", "frobnicate <b> & co", user="U0ANN", channel="C0TOWER")

    read = everything_read(slack)
    assert any("*Smith & Sons <Tower A>* (TWR) is set up" in text for text in read)
    assert any("Smith & Sons <Tower A> ·" in text for text in read)
    assert any("I don't know `/siteloop frobnicate <b> & co`" in text for text in read)
    assert broadcasts_and_links(slack) == []


def test_it_lists_a_title_with_an_ampersand_as_typed(tower, slack):
    slack.driver.command("/task", "add Seal joints & caulk", user="U0ANN", channel="C0TOWER")

    slack.driver.command("/tasks", "", user="U0ANN", channel="C0TOWER")

    assert "Seal joints & caulk" in read(answer(slack, "U0ANN"))
    assert "&amp;amp;" not in slack.response_posts[-1].body["text"]


def test_it_stores_a_note_in_angle_brackets_as_typed(tower, slack):
    plan_task(tower, "Pressure test")

    slack.driver.command("/update", "TWR-1 40% <5 bar>", user="U0BOB", channel="C0TOWER")

    with tower.runtime.sessions() as session:
        assert session.scalars(select(Update.note)).all() == ["<5 bar>"]
    assert '"<5 bar>"' in read(answer(slack, "U0BOB"))
