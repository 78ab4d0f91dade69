"""A press on an escalation DM that Slack shows before siteloop has recorded its delivery."""

from datetime import timedelta

from slack_sdk import WebClient

from bot.process.delivery import build_dispatcher
from tests.conftest import BOT_TOKEN
from tests.escalations.loop import alerts, site_time, stalled_task


class PressedOnArrival(WebClient):
    """Slack's side of the race: `user` presses Acknowledge on a DM the moment Slack has it,
    before the answer reaches siteloop."""

    def __init__(self, slack, user: str) -> None:
        super().__init__(token=BOT_TOKEN, base_url=slack.api_url, retry_handlers=[])
        self.slack, self.user = slack, user

    def chat_postMessage(self, **kwargs):
        answer = super().chat_postMessage(**kwargs)
        if kwargs["channel"] == self.user:
            self.slack.driver.click(self.user, answer["channel"], answer["ts"], "alert_ack")
        return answer


def deliver(site, dispatcher) -> None:
    for step in range(30):
        dispatcher.deliver_due(site.clock.now() + timedelta(seconds=step))


def test_it_counts_an_acknowledgement_pressed_while_the_dm_is_being_delivered(site, slack):
    stalled_task(site, slack)
    site.at(site_time(2, 8))  # Cam is followed up in the thread
    dispatcher = build_dispatcher(site.runtime, client=PressedOnArrival(slack, "U0BOB"))
    site.clock.set(site_time(2, 13, 30))
    site.tick()  # Bob, the crew's lead, is told by DM

    deliver(site, dispatcher)

    assert [p.body["text"] for p in slack.response_posts if p.user == "U0BOB"] == []  # no refusal
    [alert] = alerts(site)
    assert alert.acknowledged_at == site_time(2, 13, 30)
    [dm] = slack.dms("U0BOB")
    assert (
        "Acknowledged by Bob Nguyen at 13:30." in dm.rendered and "[Acknowledge]" not in dm.rendered
    )
    site.clock.set(site_time(3, 17))
    site.tick()
    deliver(site, dispatcher)
    assert [m for m in slack.dms("U0ANN") if "TWR-1" in m.text] == []  # the chain stopped
