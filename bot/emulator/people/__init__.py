"""People at their Slack client: the driver tests use to post, edit, react, run commands and
click, and what a client does to their input before Slack sends it.
"""
