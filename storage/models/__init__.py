"""The data model: SQLAlchemy 2 typed models for everything siteloop stores (see DESIGN.md)."""

from storage.models.base import Base
from storage.models.commands import CommandRun
from storage.models.daylog import LogEntry
from storage.models.home import HomeTab
from storage.models.inbox import InboxEvent
from storage.models.loop import Alert, OutboxMessage
from storage.models.project import Channel, Crew, CrewMember, Member, Project, ProjectRole
from storage.models.work import Task, Update, UpdateRevision

__all__ = [
    "Alert",
    "Base",
    "Channel",
    "CommandRun",
    "Crew",
    "CrewMember",
    "HomeTab",
    "InboxEvent",
    "LogEntry",
    "Member",
    "OutboxMessage",
    "Project",
    "ProjectRole",
    "Task",
    "Update",
    "UpdateRevision",
]
