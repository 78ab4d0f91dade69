"""Enrolling the people siteloop meets: their name and time zone come from `users.info`.

Profiles are cached on the member row and refreshed at most daily, so a busy channel costs one
`users.info` call per person per day. If Slack can't be asked, the person is still enrolled (by
id) and their profile is fetched on a later contact: a report is never refused for that.

Slack is never asked inside a database transaction (a slow Slack would hold every writer
back): a listener first `meet`s the people its request names, then, in its transaction,
`enroll`s them from what is stored.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session, sessionmaker

from bot.logs import fields
from storage.db import session_scope
from storage.members import Profile, find_member, needs_profile, save_member
from storage.models import Member

log = logging.getLogger("directory")


def meet(
    sessions: sessionmaker[Session], client: WebClient, slack_user_ids: Iterable[str], now: datetime
) -> None:
    """Store the profiles of the people not known, or known over a day ago, before a request
    about them is handled.

    1. Look each person up, in a short read.
    2. Ask Slack for those who need it (`users.info`), with no transaction open.
    3. Store what Slack said, in a short write of its own.
    """
    people = list(dict.fromkeys(slack_user_ids))
    with session_scope(sessions, read_only=True) as session:
        unknown = [p for p in people if needs_profile(find_member(session, p), now)]
    profiles = {person: _ask_slack(client, person) for person in unknown}
    if any(profiles.values()):
        with session_scope(sessions) as session:
            for person, profile in profiles.items():
                if profile is not None:
                    save_member(session, person, profile, now)


def enroll(session: Session, slack_user_id: str, now: datetime) -> Member:
    """Return the member for a Slack user, stored by id alone if new (see `meet`)."""
    return find_member(session, slack_user_id) or save_member(session, slack_user_id, None, now)


def _ask_slack(client: WebClient, slack_user_id: str) -> Profile | None:
    try:
        return Profile.from_users_info(client.users_info(user=slack_user_id)["user"])
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("could not read a profile", extra=fields(user=slack_user_id, error=str(error)))
        return None
