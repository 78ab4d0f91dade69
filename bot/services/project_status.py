"""`/siteloop status [KEY]`: a project's health, privately (`rules.health`), with its latest
S-curve (the chart of its last end-of-day digest, which the channel's members can open)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.blocks.health import HealthView, health_blocks, health_text, s_curve_blocks
from bot.notify.tick import project_calendar_in_force
from bot.services.replies import Answer, UserError
from bot.services.request import Request
from storage import projects
from storage.digest import latest_chart
from storage.health import read_health
from storage.models import Project

USAGE = "Type `/siteloop status` in a project's channel, or `/siteloop status TWR` anywhere."


def status(request: Request) -> Answer:
    """Answer with the health of this channel's project, or of the project named."""
    project = _project(request)
    calendar = project_calendar_in_force(request.rules_path, project)
    read = read_health(request.session, project, calendar, request.now)
    view = HealthView(
        key=project.key,
        name=project.name,
        currency=project.currency,
        zone=ZoneInfo(request.actor.timezone or project.timezone),
        titles=read.titles,
    )
    chart = latest_chart(request.session, project.id)
    blocks = health_blocks(view, read.health)
    blocks += s_curve_blocks(view, chart)
    return Answer(text=health_text(view, read.health), blocks=blocks)


def _project(request: Request) -> Project:
    if not request.args:
        return request.project_here()
    if len(request.args) > 1:
        raise UserError(USAGE)
    key = request.args[0].upper()
    project = projects.find_project(request.session, key)
    mine = {p.id for p in projects.projects_of(request.session, request.actor)}
    here = projects.project_of_channel(request.session, request.where.channel_id)
    if project is None or (project.id not in mine and project != here):
        # Someone outside a project learns nothing of it, not even that it exists.
        raise UserError(f"You have no project `{key[:6]}`. {USAGE}")
    return project
