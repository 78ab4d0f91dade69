"""People's Home tabs: noting who opened siteloop's, and finding those that show something
that has changed since (`storage.models.HomeTab`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from rules.vocabulary import OutboxKind, OutboxState
from storage.models import Alert, HomeTab, Member, OutboxMessage, ProjectRole, Task


@dataclass(frozen=True)
class StaleHome:
    """A Home tab to publish again: whose, and the latest change it does not show yet."""

    member_id: int
    slack_user_id: str
    changed_at: datetime | None  # None: asked for (a button pressed on it), not a change


def note_opened(session: Session, member_id: int, now: datetime, shown: datetime) -> None:
    """Record that the member opened their Home tab at `now`, showing the changes up to
    `shown` (`latest_change`, read with what the tab shows)."""
    tab = session.get(HomeTab, member_id)
    if tab is None:
        session.add(HomeTab(member_id=member_id, opened_at=now, shown_at=shown))
        return
    tab.opened_at = max(tab.opened_at, now)
    tab.shown_at = shown if tab.shown_at is None else max(tab.shown_at, shown)


def note_shown(session: Session, member_id: int, shown: datetime) -> None:
    """Record that the member's Home tab now shows the changes up to `shown`."""
    session.execute(
        sa.update(HomeTab)
        .where(
            HomeTab.member_id == member_id,
            sa.or_(HomeTab.shown_at.is_(None), HomeTab.shown_at < shown),
        )
        .values(shown_at=shown)
    )


def ask_for(session: Session, member_id: int) -> None:
    """Ask for the member's Home tab to be published again (if they ever opened it)."""
    session.execute(sa.update(HomeTab).where(HomeTab.member_id == member_id).values(shown_at=None))


def latest_change(session: Session, member_id: int, now: datetime) -> datetime:
    """Return the latest change the member's Home tab would show if drawn in this session
    (`now` when nothing has changed yet): read it with what the tab shows, and a change
    committed meanwhile is still later than it."""
    return _latest_changes(session, [member_id]).get(member_id) or now


def stale_homes(session: Session) -> list[StaleHome]:
    """Return the Home tabs that show less than is true now and are not being published.

    A tab is stale when one of the person's projects (those they have a role in, or a task
    of) changed after what it shows: a task written, an alert opened, notified,
    acknowledged or resolved.
    """
    tabs = session.execute(
        sa.select(HomeTab.member_id, HomeTab.shown_at, Member.slack_user_id)
        .join(Member, Member.id == HomeTab.member_id)
        .where(~_publishing(Member.slack_user_id))
    ).all()
    if not tabs:
        return []
    latest = _latest_changes(session, [tab.member_id for tab in tabs])
    stale = []
    for tab in tabs:
        changed = latest.get(tab.member_id)
        if tab.shown_at is None:
            stale.append(StaleHome(tab.member_id, tab.slack_user_id, None))
        elif changed is not None and changed > tab.shown_at:
            stale.append(StaleHome(tab.member_id, tab.slack_user_id, changed))
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
