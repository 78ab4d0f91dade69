"""What every service is handed: who asked, where, what they typed, and now."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.services.replies import UserError
from rules.slack_text import mrkdwn
from storage import projects
from storage.models import Member, Project


@dataclass(frozen=True)
class Where:
    """The conversation a command was typed in."""

    channel_id: str
    channel_name: str | None

    @property
    def is_direct_message(self) -> bool:
        """Return whether this is a DM (Slack DM ids start with D)."""
        return self.channel_id.startswith("D")


@dataclass(frozen=True)
class Request:
    """One `/siteloop` subcommand: who asked, where, the words after the subcommand, and now.

    `enroll(user_id)` returns the member for a mentioned person, enrolling them if new.
    """

    session: Session
    actor: Member
    where: Where
    args: list[str]
    now: datetime
    enroll: Callable[[str], Member]
    rules_path: Path | None = None  # the rules in force (SITELOOP_RULES), for calendars

    def project_here(self) -> Project:
        """Return the project this channel is linked to, or refuse saying how to link one.

        In a direct message with the bot, the project is the person's own if they have just one.
        """
        project = projects.project_of_channel(self.session, self.where.channel_id)
        if project is None and self.where.is_direct_message:
            own = projects.projects_of(self.session, self.actor)
            if len(own) == 1:
                return own[0]
            raise UserError(
                "You are on several projects: run this in the channel of the one you mean."
                if own
                else "You are not on a project yet: run this in your project's channel."
            )
        if project is None:
            raise UserError(
                "This channel is not linked to a project. Type `/siteloop setup KEY Project name` "
                "to start one here, or `/siteloop link KEY` to join an existing one."
            )
        return project

    def require_unlinked_channel(self) -> None:
        """Refuse unless this is a channel not yet linked to any project."""
        if self.where.is_direct_message:
            raise UserError("Run this in the project's channel, not in a direct message.")
        linked = projects.project_of_channel(self.session, self.where.channel_id)
        if linked is not None:
            raise UserError(
                f"This channel is already linked to *{mrkdwn(linked.name)}* ({linked.key})."
            )

    def link_here(self, project: Project) -> None:
        """Link this channel to `project`, recording who did it."""
        projects.link_channel(
            self.session,
            project,
            slack_channel_id=self.where.channel_id,
            name=self.where.channel_name,
            linked_by=self.actor,
            now=self.now,
        )


_PLAIN_MENTION = re.compile(r"(?<![<\w])@([\w.\-]+)")


def require_known_people(args: list[str]) -> None:
    """Refuse a typed `@name` that Slack did not turn into a mention (nobody it knows)."""
    plain = [match.group(1) for match in _PLAIN_MENTION.finditer(" ".join(args))]
    if plain:
        raise UserError(
            f"Slack doesn't know @{plain[0]} here. Pick the person from the list that appears "
            "as you type @, so the command names them."
        )
