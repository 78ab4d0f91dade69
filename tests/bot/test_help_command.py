"""`/siteloop help` over the real HTTP path: signed request in, private answer out."""


def test_it_answers_help_privately_with_the_commands(siteloop, slack):
    delivery = slack.driver.command("/siteloop", "help", user="U0BOB", channel="C0TOWER")

    assert delivery.status == 200
    [answer] = slack.ephemerals(user="U0BOB")
    assert answer.channel == "C0TOWER"
    assert "siteloop closes the loop between the site and the office" in answer.rendered
    assert "/siteloop help" in answer.rendered
    assert slack.messages("C0TOWER") == []


def test_a_bare_command_shows_the_help_too(siteloop, slack):
    slack.driver.command("/siteloop", "", user="U0BOB", channel="C0TOWER")

    [answer] = slack.ephemerals(user="U0BOB")
    assert "Commands" in answer.rendered


def test_it_says_what_to_type_instead_of_an_unknown_subcommand(siteloop, slack):
    slack.driver.command("/siteloop", "fly to the moon", user="U0BOB", channel="C0TOWER")

    [answer] = slack.ephemerals(user="U0BOB")
    assert answer.rendered.startswith("I don't know `/siteloop fly to the moon`")
    assert "/siteloop help" in answer.rendered


def test_the_answer_fits_slacks_block_kit_limits(siteloop, slack):
    slack.driver.command("/siteloop", "x" * 3000, user="U0BOB", channel="C0TOWER")

    [answer] = slack.ephemerals(user="U0BOB")
    assert len(answer.blocks) <= 50
    assert all(len(block.get("text", {}).get("text", "")) <= 3000 for block in answer.blocks)
    assert "I don't know" in answer.rendered
