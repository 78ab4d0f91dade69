"""Threads as Slack keeps them: replies, parent bookkeeping, broadcasts, permalinks."""


def test_a_reply_joins_the_thread_and_updates_the_parent(emu, client):
    parent = client.chat_postMessage(channel="C_TWR", text="TWR-42 assigned to <@U_BOB>")["ts"]

    client.chat_postMessage(channel="C_TWR", text="follow-up", thread_ts=parent)
    emu.driver.post("U_BOB", "C_TWR", "on it", thread_ts=parent)

    root, _, bob_reply = emu.thread("C_TWR", parent)
    assert root.reply_count == 2 and root.latest_reply == bob_reply.ts
    assert root.reply_users == ["U0BOT", "U_BOB"]
    assert bob_reply.thread_ts == parent and bob_reply.parent_user_id == "U0BOT"
    assert [m.text for m in emu.messages("C_TWR")] == ["TWR-42 assigned to <@U_BOB>"]


def test_replies_come_back_parent_first_with_slacks_thread_fields(emu, client):
    parent = emu.driver.post("U_ANN", "C_TWR", "TWR-42 pour today").ts
    client.chat_postMessage(channel="C_TWR", text="noted", thread_ts=parent)

    messages = client.conversations_replies(channel="C_TWR", ts=parent)["messages"]

    assert [m["text"] for m in messages] == ["TWR-42 pour today", "noted"]
    assert messages[0]["reply_count"] == 1 and messages[0]["thread_ts"] == parent
    assert messages[0]["reply_users"] == ["U0BOT"] and messages[0]["reply_users_count"] == 1
    assert messages[1]["parent_user_id"] == "U_ANN"


def test_a_reply_to_a_reply_lands_in_the_parents_thread(emu, client):
    parent = client.chat_postMessage(channel="C_TWR", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C_TWR", text="reply", thread_ts=parent)["ts"]

    client.chat_postMessage(channel="C_TWR", text="nested", thread_ts=reply)

    assert [m.text for m in emu.thread("C_TWR", parent)] == ["parent", "reply", "nested"]


def test_a_broadcast_reply_shows_in_the_channel_too(emu, client):
    parent = client.chat_postMessage(channel="C_TWR", text="parent")["ts"]

    client.chat_postMessage(channel="C_TWR", text="done", thread_ts=parent, reply_broadcast=True)

    assert [m.text for m in emu.messages("C_TWR")] == ["parent", "done"]
    assert emu.messages("C_TWR")[1].subtype == "thread_broadcast"
    history = client.conversations_history(channel="C_TWR")["messages"]
    assert history[0]["root"]["ts"] == parent


def test_a_reply_to_an_unknown_ts_is_accepted_but_shows_nowhere(emu, client):
    answer = client.chat_postMessage(channel="C_TWR", text="lost", thread_ts="1700000000.000001")

    assert answer["ok"] is True
    assert emu.messages("C_TWR") == []


def test_timestamps_are_slack_shaped_and_strictly_increasing(emu, client, clock):
    first = client.chat_postMessage(channel="C_TWR", text="one")["ts"]
    second = client.chat_postMessage(channel="C_TWR", text="two")["ts"]

    seconds, micros = first.split(".")
    assert int(seconds) == int(clock.now().timestamp()) and len(micros) == 6
    assert float(second) > float(first)


def test_a_permalink_points_at_the_message_and_its_thread(client):
    parent = client.chat_postMessage(channel="C_TWR", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C_TWR", text="reply", thread_ts=parent)["ts"]

    top = client.chat_getPermalink(channel="C_TWR", message_ts=parent)["permalink"]
    nested = client.chat_getPermalink(channel="C_TWR", message_ts=reply)["permalink"]

    assert top == f"https://siteloop-demo.slack.com/archives/C_TWR/p{parent.replace('.', '')}"
    assert nested.endswith(f"?thread_ts={parent}&cid=C_TWR")


def test_deleting_a_parent_with_replies_leaves_a_tombstone(emu, client):
    parent = emu.driver.post("U_ANN", "C_TWR", "TWR-42 question").ts
    client.chat_postMessage(channel="C_TWR", text="answer", thread_ts=parent)

    emu.driver.delete("C_TWR", parent)

    [tombstone] = emu.messages("C_TWR")
    assert tombstone.subtype == "tombstone" and tombstone.reply_count == 1
