"""HTTP mode's endpoint: Bolt's signature check, the URL handshake and the health check."""

import json
import shutil
import urllib.error
import urllib.request

import pytest


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    "forgery",
    [
        {"signing_secret": "not-the-real-secret"},
        {"signature": "v0=" + "0" * 64},
        {"signature": ""},
        {"timestamp_offset": -6 * 60},
    ],
    ids=["wrong secret", "forged signature", "no signature", "six minutes old"],
)
def test_it_refuses_a_request_slack_did_not_sign(siteloop, slack, forgery):
    delivery = slack.driver.command("/siteloop", "help", user="U0BOB", channel="C0TOWER", **forgery)

    assert delivery.status == 401
    assert [e for e in slack.ephemerals(user="U0BOB") if "Commands" in e.rendered] == []


def test_it_answers_slacks_url_verification_handshake(siteloop, slack):
    delivery = slack.driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")

    assert delivery.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in delivery.text


def test_health_is_ok_while_the_database_answers(siteloop):
    status, report = get(f"http://127.0.0.1:{siteloop.port}/healthz")

    assert status == 200
    assert report == report | {
        "ok": True,
        "database": "ok",
        "scheduler": "running",
        "inbox": "running",
        "outbox": "running",
        "events_waiting": 0,
    }


def test_health_is_503_when_a_worker_has_stopped(siteloop):
    siteloop.dispatcher.stop()

    status, report = get(f"http://127.0.0.1:{siteloop.port}/healthz")

    assert status == 503
    assert report == report | {"ok": False, "database": "ok", "outbox": "stopped"}


def test_health_is_503_when_the_database_is_gone(siteloop, tmp_path):
    if siteloop.runtime.engine.dialect.name != "sqlite":
        pytest.skip("removing the database file is how this test takes SQLite away")
    shutil.rmtree(tmp_path)
    siteloop.runtime.engine.dispose()

    status, report = get(f"http://127.0.0.1:{siteloop.port}/healthz")

    assert status == 503
    assert report == report | {"ok": False, "database": "unreachable"}


def test_it_answers_404_elsewhere(siteloop):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"http://127.0.0.1:{siteloop.port}/admin", timeout=5)

    assert caught.value.code == 404
