"""People's Home tabs: noting who opened siteloop's, and finding those that show something
that has changed since (`storage.models.HomeTab`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from rules.vocabulary import OutboxKind, OutboxState
from storage.models import Alert, HomeTab, Member, OutboxMessage, ProjectRole, Task

# A change stamped this long before its commit is still caught: the tab is drawn once more.
LATE_COMMIT = timedelta(seconds=30)
# A tab shown this long is drawn again: its "ago"s and what is late have moved on.
REDRAW_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class StaleHome:
    """A Home tab to publish again: whose, and the latest change it does not show yet."""

    member_id: int
    slack_user_id: str
    changed_at: datetime | None  # None: asked for, or due a redraw, not a change


def is_stale(
    shown: datetime | None, drawn: datetime, latest: datetime | None, now: datetime
) -> bool:
    """Return whether a tab drawn at `drawn`, showing the changes up to `shown` (None: asked
    for again), should be drawn again at `now`, the latest change being `latest`."""
    if shown is None or (latest is not None and latest > shown):
        return True
    if now - drawn >= REDRAW_AFTER:
        return True
    # A change shortly before the drawing may have a twin stamped earlier, committed later.
    return latest is not None and latest >= drawn - LATE_COMMIT and now >= drawn + LATE_COMMIT


def note_drawn(
    session: Session, member_id: int, shown: datetime, drawn: datetime, *, opened: bool = False
) -> None:
    """Record that the member's Home tab now shows the changes up to `shown`, drawn at
    `drawn` (and, with `opened`, that they opened it then)."""
    tab = session.get(HomeTab, member_id)
    if tab is None:
        if opened:
            session.add(
                HomeTab(member_id=member_id, opened_at=drawn, shown_at=shown, drawn_at=drawn)
            )
        return
    if opened:
        tab.opened_at = max(tab.opened_at, drawn)
    if tab.shown_at is None or tab.shown_at <= shown:
        tab.shown_at, tab.drawn_at = shown, max(tab.drawn_at, drawn)


def ask_for(session: Session, member_ids: Iterable[int]) -> None:
    """Ask for these members' Home tabs to be published again (those who ever opened it)."""
    ids = list(member_ids)
    if ids:
        session.execute(sa.update(HomeTab).where(HomeTab.member_id.in_(ids)).values(shown_at=None))


def ask_for_people(session: Session, slack_user_ids: Iterable[str]) -> None:
    """Ask for these people's Home tabs (by Slack user id) to be published again."""
    ids = list(slack_user_ids)
    if ids:
        ask_for(session, session.scalars(sa.select(Member.id).where(Member.slack_user_id.in_(ids))))


def ask_for_project(session: Session, project_id: int) -> None:
    """Ask for the Home tabs of everyone with a role in the project to be published again."""
    ask_for(
        session,
        session.scalars(
            sa.select(ProjectRole.member_id).where(ProjectRole.project_id == project_id)
        ),
    )


def latest_change(session: Session, member_id: int, now: datetime) -> datetime:
    """Return the latest change the member's Home tab would show (`now` when nothing has
    changed yet). Read it before drawing the tab: a change committed meanwhile is later."""
    return _latest_changes(session, [member_id]).get(member_id) or now


def stale_homes(session: Session, now: datetime) -> list[StaleHome]:
    """Return the Home tabs to draw again at `now` (`is_stale`) that are not being published.

    The changes a tab shows are those of the person's projects (those they have a role in,
    or a task of): a task written, an alert opened, notified, acknowledged or resolved.
    """
    tabs = session.execute(
        sa.select(HomeTab.member_id, HomeTab.shown_at, HomeTab.drawn_at, Member.slack_user_id)
        .join(Member, Member.id == HomeTab.member_id)
        .where(~_publishing(Member.slack_user_id))
    ).all()
    if not tabs:
        return []
    latest = _latest_changes(session, [tab.member_id for tab in tabs])
    stale = []
    for tab in tabs:
        changed = latest.get(tab.member_id)
        if is_stale(tab.shown_at, tab.drawn_at, changed, now):
            news = (
                changed if tab.shown_at is not None and changed and changed > tab.shown_at else None
            )
            stale.append(StaleHome(tab.member_id, tab.slack_user_id, news))
    return stale


def _latest_changes(session: Session, members: list[int]) -> dict[int, datetime]:
    """Return the latest change of each member's projects (those that have one)."""
    projects = _projects_of(session, members)
    changed = _changes(session, {p for ps in projects.values() for p in ps})
    latest: dict[int, datetime] = {}
    for member_id, project_ids in projects.items():
        instants = [changed[p] for p in project_ids if p in changed]
        if instants:
            latest[member_id] = max(instants)
    return latest


def _publishing(user_id: sa.ColumnElement[str] | InstrumentedAttribute[str]) -> sa.Exists:
    """Whether a publication of this person's Home is queued and not sent yet."""
    return (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.kind == OutboxKind.HOME_VIEW.value,
            OutboxMessage.target == user_id,
            OutboxMessage.state == OutboxState.PENDING,
        )
        .exists()
    )


def _projects_of(session: Session, members: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    roles = sa.select(ProjectRole.member_id, ProjectRole.project_id).where(
        ProjectRole.member_id.in_(members)
    )
    assigned = (
        sa.select(Task.assignee_id, Task.project_id).where(Task.assignee_id.in_(members)).distinct()
    )
    for member_id, project_id in [*session.execute(roles), *session.execute(assigned)]:
        if member_id is not None:
            found.setdefault(member_id, set()).add(project_id)
    return found


def _changes(session: Session, project_ids: Iterable[int]) -> dict[int, datetime]:
    """Return the latest change of each project (that has one), by project id."""
    ids = list(project_ids)
    if not ids:
        return {}
    latest: dict[int, datetime] = {}

    def keep(project_id: int, *instants: datetime | None) -> None:
        for instant in instants:
            if instant is not None and (project_id not in latest or instant > latest[project_id]):
                latest[project_id] = instant

    tasks = (
        sa.select(Task.project_id, sa.func.max(Task.updated_at))
        .where(Task.project_id.in_(ids))
        .group_by(Task.project_id)
    )
    for project_id, at in session.execute(tasks):
        keep(project_id, at)
    alerts = (
        sa.select(
            Alert.project_id,
            sa.func.max(Alert.opened_at),
            sa.func.max(Alert.last_notified_at),
            sa.func.max(Alert.acknowledged_at),
            sa.func.max(Alert.resolved_at),
        )
        .where(Alert.project_id.in_(ids))
        .group_by(Alert.project_id)
    )
    for project_id, *instants in session.execute(alerts):
        keep(project_id, *instants)
    return latest
