"""Slack towards the bot: the payloads Slack sends and their delivery (signed, acked, retried)."""
