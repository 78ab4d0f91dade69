"""Messages that cannot be delivered on a flaky day reach the project's manager as one DM."""

from rules.vocabulary import OutboxState
from tests.faults.conftest import dispatcher_for, drain, failed_calls, flaky
from tests.faults.test_killed_process import queue, rows


def test_a_channel_siteloop_was_removed_from_is_reported_once_with_the_fix(site, slack, clock):
    slack.remove_bot_from("C0TOWER")
    flaky(slack, seed=17)
    lost = [queue(site, "C0TOWER", f"TWR-{n} is yours") for n in range(1, 11)]
    queue(site, "U0BOB", "TWR-3 starts tomorrow")

    drain(dispatcher_for(site, seed=17), site)

    [dm] = slack.dms("U0ANN")
    lines = dm.rendered.splitlines()
    assert lines[0] == "Tower A (TWR): 10 messages could not be delivered"
    assert lines[1].startswith("• 10 follow-ups for <#C0TOWER|tower-a> (id ")
    assert lines[1].endswith(
        "siteloop is not in <#C0TOWER|tower-a>. *Fix:* invite @siteloop to <#C0TOWER|tower-a> "
        "(type `/invite @siteloop` there)."
    )
    retry = "siteloop outbox retry " + " ".join(str(i) for i in lost)
    assert lines[2] == (
        f"Once fixed, an admin resends them with `{retry}`; "
        "`siteloop outbox --failed --project TWR` lists them."
    )
    assert [m.text for m in slack.dms("U0BOB")] == ["TWR-3 starts tomorrow"]
    states = {r.id: r.state for r in rows(site)}
    assert {states[i] for i in lost} == {OutboxState.FAILED}
    assert failed_calls(slack)["not_in_channel"] == 10
