"""The Home tab and direct messages point people at what they can do."""


def test_opening_the_home_tab_shows_the_help(siteloop, slack):
    slack.driver.home_opened("U0ANN")

    [home] = slack.wait_for(lambda: [v for v in slack.views(user="U0ANN") if v.type == "home"])
    assert "siteloop closes the loop" in home.rendered
    assert "/siteloop help" in home.rendered


def test_a_direct_message_gets_one_answer_and_the_bot_ignores_its_own(siteloop, slack):
    slack.driver.post("U0ANN", slack.dm_channel("U0ANN"), "hi, how do I use this?")

    slack.wait_for(lambda: len(slack.dms("U0ANN")) == 2)
    slack.wait_idle()

    question, answer = slack.dms("U0ANN")
    assert question.user == "U0ANN"
    assert answer.bot_id == "B0BOT"
    assert "/siteloop help" in answer.rendered
    assert len(slack.calls("chat.postMessage")) == 1


def test_other_bots_in_a_direct_message_are_left_alone(siteloop, slack):
    slack.driver.event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0OTHER",
            "text": "beep",
            "channel": slack.dm_channel("U0ANN"),
            "channel_type": "im",
            "ts": "1764550800.000100",
            "event_ts": "1764550800.000100",
        }
    )
    slack.wait_idle()

    assert slack.calls("chat.postMessage") == []
