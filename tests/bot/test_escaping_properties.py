"""Whatever people type in titles, notes and names, every message siteloop sends shows it as
typed, and none of it pings a group, mentions someone or links anywhere."""

import itertools
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bot.seen import bot_payloads, formatted_texts, read, sequences
from tests.bot.sites import answer

TRICKY = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!subteam^S1>",
        "<http://x|y>",
        "<@U0ANN>",
        "&amp;",
        "&lt;b&gt;",
        "<",
        ">",
        "&",
        "@channel",
        "@here",
        "@everyone",
        "a|b",
    ]
)
# Letters and the characters Slack escapes (notes' punctuation is tidied, so none of that).
WORDS = st.text(alphabet=string.ascii_letters + "&<>", min_size=1, max_size=8)
# What people type around the tricky parts; it opens and ends with a word, as titles do.
TYPED = st.lists(st.one_of(TRICKY, WORDS), min_size=1, max_size=4).map(
    lambda parts: " ".join(["Seal", *parts, "joints"])
)
_KEYS = ("".join(letters) for letters in itertools.product(string.ascii_uppercase, repeat=3))


@pytest.fixture
def site(siteloop, slack):
    """Return a function giving each example a channel and project key of its own."""
    numbers = itertools.count(1)

    def new_site() -> tuple[str, str]:
        number = next(numbers)
        channel = f"C0SITE{number}"
        slack.add_channel(channel, name=f"site-{number}", members=["U0ANN", "U0BOB"])
        return channel, next(_KEYS)

    return new_site


def _sent_by_people(slack) -> list[str]:
    """Return the sequences the bot sent that it did not put there: anything but its own
    mentions of the two people on site."""
    return [s for s in sequences(slack) if s not in ("@U0ANN", "@U0BOB")]


def _card(slack, posted_before: int) -> list[str]:
    """Return the texts of the next card posted, as people read them."""
    posts = slack.wait_for(lambda: slack.calls("chat.postMessage")[posted_before:])
    card = posts[0].args
    return [read(text, is_mrkdwn) for text, is_mrkdwn in formatted_texts(card)]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TYPED, title=TYPED, note=TYPED)
def test_it_shows_what_people_typed_and_never_pings_or_links(site, slack, name, title, note):
    channel, key = site()

    slack.driver.command("/siteloop", f"setup {key} {name}", user="U0ANN", channel=channel)
    set_up = read(answer(slack, "U0ANN"))
    posted = len(slack.calls("chat.postMessage"))
    slack.driver.command("/task", f"add {title} @bob", user="U0ANN", channel=channel)
    added = read(answer(slack, "U0ANN"))
    card = _card(slack, posted)
    slack.driver.command("/update", f"{key}-1 40% {note}", user="U0BOB", channel=channel)
    updated = read(answer(slack, "U0BOB"))
    slack.driver.command("/tasks", "", user="U0ANN", channel=channel)
    listed = read(answer(slack, "U0ANN"))

    assert bot_payloads(slack) and _sent_by_people(slack) == []
    assert set_up.startswith(f"*{name}* ({key}) is set up")
    assert added.startswith(f"Created {key}-1 {title} · assigned to")
    assert all(f"{key}-1 {title}" in text for text in card[:2])
    assert f'"{note}"' in updated
    assert f"{key}-1* {title}" in listed
