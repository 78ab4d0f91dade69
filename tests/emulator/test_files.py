"""Slack's external file upload: URL, raw bytes without auth, completion and sharing."""

import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import DEFAULT_SCOPES, SlackEmulator


@pytest.fixture
def scopes() -> tuple[str, ...]:
    """siteloop doesn't upload files yet (the manifest lacks files:write); Slack's API does."""
    return (*DEFAULT_SCOPES, "files:write")


def test_files_upload_v2_shares_the_file_in_the_channel(emu, bot, client):
    answer = client.files_upload_v2(
        channel="C_TWR", content=b"task,percent\nTWR-42,60\n", filename="report.csv",
        title="Daily report", initial_comment="Today's report",
    )  # fmt: skip
    emu.wait_idle()

    assert answer["file"]["title"] == "Daily report"
    [message] = emu.messages("C_TWR")
    assert message.subtype == "file_share" and message.text == "Today's report"
    assert message.files[0]["name"] == "report.csv" and message.files[0]["size"] == 23
    assert message.rendered == "Today's report\n[file: Daily report]"
    assert bot.events()[-1]["files"][0]["id"] == answer["file"]["id"]
    assert [c.method for c in emu.calls()] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_the_upload_url_takes_raw_bytes_without_a_token(emu, client):
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=3)

    request = urllib.request.Request(reserved["upload_url"], data=b"abc", method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        status = answer.status

    assert status == 200
    completed = client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}])
    assert completed["files"] == [{"id": reserved["file_id"], "title": "a.txt"}]
    assert emu.messages("C_TWR") == []  # no channel: the file stays private


def test_completing_a_file_that_was_never_uploaded_fails(client):
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=3)

    with pytest.raises(SlackApiError) as raised:
        client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}])

    assert raised.value.response["error"] == "file_not_found"


def test_sharing_needs_the_bot_in_the_channel(emu, client):
    emu.remove_bot_from("C_TWR")

    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel="C_TWR", content="x", filename="x.txt")

    assert raised.value.response["error"] == "not_in_channel"


def test_an_empty_file_is_refused(client):
    with pytest.raises(SlackApiError) as raised:
        client.files_getUploadURLExternal(filename="a.txt", length=0)

    assert raised.value.response["error"] == "missing_argument"


def test_an_app_without_files_write_is_refused_an_upload_url(clock):
    # An app installed from a manifest older than the digest's chart.
    older = [scope for scope in DEFAULT_SCOPES if scope != "files:write"]
    with SlackEmulator(clock=clock, scopes=older) as shipped:
        client = WebClient(base_url=shipped.api_url, token=shipped.bot_token)

        with pytest.raises(SlackApiError) as refused:
            client.files_getUploadURLExternal(filename="digest.png", length=3)

    answer = refused.value.response.data
    assert (answer["ok"], answer["error"], answer["needed"]) == (
        False,
        "missing_scope",
        "files:write",
    )
    assert "users:read.email" in answer["provided"].split(",")


def test_a_home_tab_may_show_only_a_file_slack_has(clock):
    with SlackEmulator(clock=clock) as slack:
        slack.add_user("U0ANN", name="ann")
        client = WebClient(base_url=slack.api_url, token=slack.bot_token)
        image = {"type": "image", "slack_file": {"id": "F0NOPE"}, "alt_text": "S-curve"}

        with pytest.raises(SlackApiError) as refused:
            client.views_publish(user_id="U0ANN", view={"type": "home", "blocks": [image]})

    answer = refused.value.response.data
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] invalid slack_file: no file 'F0NOPE' [json-pointer:/blocks/0/slack_file]"
    ]
