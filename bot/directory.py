"""Enrolling the people siteloop meets: their name and time zone come from `users.info`.

Profiles are cached on the member row and refreshed at most daily, so a busy channel costs one
`users.info` call per person per day. If Slack can't be asked, the person is still enrolled (by
id) and their profile is fetched on a later contact: a report is never refused for that.
"""

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.logs import fields
from storage.members import Profile, find_member, needs_profile, save_member
from storage.models import Member

log = logging.getLogger("directory")


def enroll(session: Session, client: WebClient, slack_user_id: str, now: datetime) -> Member:
    """Return the member for a Slack user, creating or refreshing their cached profile."""
    member = find_member(session, slack_user_id)
    if not needs_profile(member, now):
        return member
    return save_member(session, slack_user_id, _ask_slack(client, slack_user_id), now)


def _ask_slack(client: WebClient, slack_user_id: str) -> Profile | None:
    try:
        return Profile.from_users_info(client.users_info(user=slack_user_id)["user"])
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("could not read a profile", extra=fields(user=slack_user_id, error=str(error)))
        return None
