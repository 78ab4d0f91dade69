"""Projects, the channels linked to them, the roles people hold, and crews."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.vocabulary import Role
from storage.lookup_cache import forget_after_commit, recall, remember
from storage.models import Channel, Crew, CrewMember, Member, Project, ProjectRole

_MISSING = object()


def find_project(session: Session, key: str) -> Project | None:
    """Return the project with this key (any case), or None."""
    return session.scalars(sa.select(Project).where(Project.key == key.upper())).first()


def project_of_channel(session: Session, slack_channel_id: str) -> Project | None:
    """Return the project a Slack channel is linked to, or None.

    Every message and command asks this, and links change rarely: the answer is remembered (see
    `storage.lookup_cache`).
    """
    key = ("channel", slack_channel_id)
    project_id = recall(session, key, _MISSING)
    if project_id is _MISSING:
        project_id = session.scalar(
            sa.select(Channel.project_id).where(Channel.slack_channel_id == slack_channel_id)
        )
        remember(session, key, project_id)
    if project_id is None:
        return None
    # The session's identity map holds objects weakly: keep the project for the session's life
    # so that asking again within a request costs nothing.
    held: dict[int, Project | None] = session.info.setdefault("siteloop_projects", {})
    if project_id not in held:
        held[project_id] = session.get(Project, project_id)
    return held[project_id]


def create_project(
    session: Session, *, key: str, name: str, timezone: str, created_by: Member, now: datetime
) -> Project:
    """Create a project whose creator is its manager, and flush it."""
    project = Project(key=key.upper(), name=name, timezone=timezone, created_at=now)
    session.add(project)
    session.flush()
    forget_after_commit(session)  # a new key for `storage.tasks.project_keys`
    set_role(session, project, created_by, Role.MANAGER)
    return project


def link_channel(
    session: Session,
    project: Project,
    *,
    slack_channel_id: str,
    name: str | None,
    linked_by: Member,
    now: datetime,
) -> Channel:
    """Link a Slack channel to `project`, and flush it."""
    channel = Channel(
        project_id=project.id,
        slack_channel_id=slack_channel_id,
        name=name,
        linked_by_id=linked_by.id,
        linked_at=now,
    )
    session.add(channel)
    session.flush()
    forget_after_commit(session)
    return channel


def channels_of(session: Session, project: Project) -> list[Channel]:
    """Return the project's linked channels, oldest link first."""
    return list(
        session.scalars(
            sa.select(Channel)
            .where(Channel.project_id == project.id)
            .order_by(Channel.linked_at, Channel.id)
        )
    )


def role_of(session: Session, project: Project, member: Member) -> Role | None:
    """Return the member's role in the project, or None if they have none."""
    return session.scalar(
        sa.select(ProjectRole.role).where(
            ProjectRole.project_id == project.id, ProjectRole.member_id == member.id
        )
    )


def set_role(session: Session, project: Project, member: Member, role: Role) -> None:
    """Give the member `role` in the project, replacing any role they had."""
    existing = session.get(ProjectRole, (project.id, member.id))
    if existing is None:
        session.add(ProjectRole(project_id=project.id, member_id=member.id, role=role))
    else:
        existing.role = role
    session.flush()


def projects_of(session: Session, member: Member) -> list[Project]:
    """Return the projects the member holds a role in, by key."""
    return list(
        session.scalars(
            sa.select(Project)
            .join(ProjectRole, ProjectRole.project_id == Project.id)
            .where(ProjectRole.member_id == member.id)
            .order_by(Project.key)
        )
    )


def ensure_role(session: Session, project: Project, member: Member, default: Role) -> Role:
    """Return the member's role in the project, giving them `default` if they had none."""
    role = role_of(session, project, member)
    if role is None:
        set_role(session, project, member, default)
        return default
    return role


def members_with_role(session: Session, project: Project, role: Role) -> list[Member]:
    """Return the project's members holding `role`, in the order they got it."""
    return list(
        session.scalars(
            sa.select(Member)
            .join(ProjectRole, ProjectRole.member_id == Member.id)
            .where(ProjectRole.project_id == project.id, ProjectRole.role == role)
            .order_by(Member.id)
        )
    )


def find_crew(session: Session, project: Project, name: str) -> Crew | None:
    """Return the project's crew called `name` (any case), or None."""
    return session.scalars(
        sa.select(Crew).where(
            Crew.project_id == project.id, sa.func.lower(Crew.name) == name.lower()
        )
    ).first()


def create_crew(
    session: Session, project: Project, *, name: str, lead: Member | None, trade: str | None = None
) -> Crew:
    """Create a crew in the project (its lead, if any, is also one of its members)."""
    crew = Crew(project_id=project.id, name=name, lead_id=lead.id if lead else None, trade=trade)
    session.add(crew)
    session.flush()
    if lead is not None:
        add_to_crew(session, crew, lead)
    return crew


def add_to_crew(session: Session, crew: Crew, member: Member) -> bool:
    """Add the member to the crew; return False if they already belonged to it."""
    if session.get(CrewMember, (crew.id, member.id)) is not None:
        return False
    session.add(CrewMember(crew_id=crew.id, member_id=member.id))
    session.flush()
    return True


def crew_members(session: Session, crew: Crew) -> list[Member]:
    """Return the crew's members, lead first."""
    members = session.scalars(
        sa.select(Member)
        .join(CrewMember, CrewMember.member_id == Member.id)
        .where(CrewMember.crew_id == crew.id)
    )
    return sorted(members, key=lambda member: (member.id != crew.lead_id, member.id))
