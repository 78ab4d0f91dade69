"""Slack's requests in: the Bolt app, the inbox that stores and replays them, the pure
predicates on payloads, the listeners and their replies, and the people siteloop meets.
"""
