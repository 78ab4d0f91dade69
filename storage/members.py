"""Members: Slack users siteloop has met, with their profile cached from `users.info`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Member

# A cached profile older than this is refreshed on the member's next contact.
PROFILE_MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Profile:
    """What Slack tells about a person (`users.info`), reduced to what siteloop keeps."""

    slack_user_id: str
    name: str | None = None
    real_name: str | None = None
    display_name: str | None = None
    email: str | None = None
    timezone: str | None = None
    is_bot: bool = False

    @classmethod
    def from_users_info(cls, user: dict[str, Any]) -> Profile:
        """Return the profile from a `users.info` response's `user` object."""
        profile = user.get("profile") or {}
        return cls(
            slack_user_id=user["id"],
            name=user.get("name"),
            real_name=user.get("real_name") or profile.get("real_name") or None,
            display_name=profile.get("display_name") or None,
            email=profile.get("email") or None,
            timezone=user.get("tz") or None,
            is_bot=bool(user.get("is_bot")),
        )


def find_member(session: Session, slack_user_id: str) -> Member | None:
    """Return the member with this Slack user id, or None if siteloop has not met them."""
    return session.scalars(sa.select(Member).where(Member.slack_user_id == slack_user_id)).first()


def needs_profile(member: Member | None, now: datetime) -> bool:
    """Return whether the member is unknown or their cached profile is over a day old."""
    if member is None or member.profile_refreshed_at is None:
        return True
    return now - member.profile_refreshed_at >= PROFILE_MAX_AGE


def save_member(
    session: Session, slack_user_id: str, profile: Profile | None, now: datetime
) -> Member:
    """Return the member for `slack_user_id`, created if new, with `profile` stored when given.

    Without a profile (Slack could not be asked) a new member is stored by id alone and its
    profile is fetched on a later contact.
    """
    member = find_member(session, slack_user_id)
    if member is None:
        member = Member(slack_user_id=slack_user_id)
        session.add(member)
    if profile is not None:
        member.name = profile.name
        member.real_name = profile.real_name
        member.display_name = profile.display_name
        member.email = profile.email
        member.timezone = profile.timezone
        member.is_bot = profile.is_bot
        member.profile_refreshed_at = now
    session.flush()
    return member


def display_name(member: Member) -> str:
    """Return how to call a member in a message: display name, real name, handle or id."""
    return member.display_name or member.real_name or member.name or member.slack_user_id
