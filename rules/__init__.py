"""The decision layer: pure rules, calendars and the vocabulary of the data model.

Nothing here touches a database, Slack or the wall clock; every function takes `now`.
"""
