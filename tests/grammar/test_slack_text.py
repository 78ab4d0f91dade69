"""Slack's text format both ways: what a person meant, and how it is shown back (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.slack_text import mrkdwn, plain


@pytest.mark.parametrize(
    ("delivered", "meant"),
    [
        ("Smith &amp; Sons &lt;Tower A&gt;", "Smith & Sons <Tower A>"),
        ("&amp;lt; stays four characters", "&lt; stays four characters"),
        ("ping <!channel> <!here> <!everyone>", "ping @channel @here @everyone"),
        ("<!here|here> and <!subteam^S1|@concrete> <!subteam^S2>", "@here and @concrete @subteam"),
        ("ask <@U0ANN|ann> or <@U0BOB>", "ask @ann or @U0BOB"),
        ("in <#C0GEN|general> or <#C0TWR>", "in #general or #C0TWR"),
        (
            "see <http://evil.example|click> or <https://x.io>",
            "see click (http://evil.example) or https://x.io",
        ),
        ("<http://x.io?a=1&amp;b=2|a &amp; b>", "a & b (http://x.io?a=1&b=2)"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
    ],
)
def test_it_reads_what_the_person_meant(delivered, meant):
    assert plain(delivered) == meant


def test_it_keeps_mentions_for_the_commands_that_name_people():
    assert plain("<@U0BOB|bob> &amp; <!channel>", keep_mentions=True) == "<@U0BOB|bob> & @channel"


def test_it_escapes_each_character_once():
    assert mrkdwn("Seal & caulk <5 bar> &amp;") == "Seal &amp; caulk &lt;5 bar&gt; &amp;amp;"


@given(st.text())
def test_it_gives_back_what_was_typed_once_escaped_both_ways(typed):
    assert plain(mrkdwn(typed)) == typed
