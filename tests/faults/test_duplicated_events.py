"""1,000 events, each delivered twice, while Slack's Web API fails, rate-limits and times out.

People post in the project's channel (progress naming a task, now and then a task that does not
exist) and now and then write to the bot in a DM. Slack delivers every event twice: half of the
duplicates at once, half after the bot has already answered the first. Meanwhile the Web API
answers 20% of calls with a 5xx, 10% with a 429 and lets 5% time out, and enforces its rate
limits. Afterwards the conversation reads as if nothing had gone wrong: every post recorded and
marked 📝 once, every private note and every DM answer shown once, no update lost or doubled.
"""

import re
from collections import Counter

import sqlalchemy as sa

from rules.vocabulary import OutboxState
from storage.models import OutboxMessage, Task, Update
from tests.faults.conftest import dispatcher_for, drain, failed_calls, flaky

EVENTS = 1000
BATCH = 10
TASKS = 10
SEED = 2026


def script(n: int) -> tuple[str, str]:
    """Return what event `n` is ("task", "unknown" or "dm") and the text Bob writes."""
    if n % 50 == 7:
        return "unknown", f"TWR-{100 + n} at 30%, formwork up"
    if n % 50 == 21:
        return "dm", f"hello siteloop, what can you do? ({n})"
    task, round_ = n % TASKS + 1, n // TASKS
    return "task", f"TWR-{task} {round_ * 98 // (EVENTS // TASKS) + 1}% pour {n} done"


def test_a_thousand_events_delivered_twice_through_a_flaky_slack_land_exactly_once(
    site, slack, clock
):
    flaky(slack, seed=SEED)
    dispatcher = dispatcher_for(site, seed=SEED)
    dm = slack.dm_channel("U0BOB")
    posted: dict[str, list] = {"task": [], "unknown": [], "dm": []}
    late = []
    for start in range(0, EVENTS, BATCH):
        for n in range(start, start + BATCH):
            kind, text = script(n)
            post = slack.driver.post("U0BOB", dm if kind == "dm" else "C0TOWER", text)
            posted[kind].append(post)
            if n % 2:
                slack.driver.redeliver(post.delivery)
            else:
                late.append(post)
        drain(dispatcher, site)
        for post in late:  # Slack's retry after the bot had answered the first delivery
            slack.driver.redeliver(post.delivery)
        late.clear()
    drain(dispatcher, site)

    # What Bob sees in #tower-a: his posts only, in order, each task post marked 📝 once.
    channel_texts = [p.message.text for p in posted["task"] + posted["unknown"]]
    assert sorted(m.text for m in slack.messages("C0TOWER")) == sorted(channel_texts)
    assert all(m.user == "U0BOB" for m in slack.messages("C0TOWER"))
    assert all(slack.reactions("C0TOWER", p.ts) == {"memo": ["U0BOT"]} for p in posted["task"])
    assert all(slack.reactions("C0TOWER", p.ts) == {} for p in posted["unknown"])
    # One private note per post naming a task that does not exist.
    notes = [e.text for e in slack.ephemerals(user="U0BOB", channel="C0TOWER")]
    assert Counter(re.findall(r"no task (TWR-\d+)", " ".join(notes))) == Counter(
        {f"TWR-{100 + n}": 1 for n in range(7, EVENTS, 50)}
    )
    # One answer in the DM per message Bob wrote there.
    assert [m.user for m in slack.dms("U0BOB")] == ["U0BOB", "U0BOT"] * len(posted["dm"])
    assert len(posted["dm"]) == EVENTS // 50
    # The data: one update per task post, nothing doubled, each task where its last post left it.
    with site.runtime.sessions() as session:
        updates = session.scalars(sa.select(Update)).all()
        percents = dict(session.execute(sa.select(Task.number, Task.percent_complete)).all())
        outbox_states = Counter(session.scalars(sa.select(OutboxMessage.state)))
    assert len(updates) == len(posted["task"]) == EVENTS - 2 * EVENTS // 50
    assert Counter(u.slack_ts for u in updates) == Counter(p.ts for p in posted["task"])
    last = {int(p.message.text.split()[0].split("-")[1]): p.message.text for p in posted["task"]}
    assert percents == {task: int(text.split()[1].rstrip("%")) for task, text in last.items()}
    assert outbox_states == Counter({OutboxState.SENT: EVENTS})
    # Slack was as unreliable as promised.
    failed = failed_calls(slack)
    calls = len(slack.calls())
    assert failed["5xx"] > 0.1 * calls and failed["429"] > 0.05 * calls and failed["timeout"]
