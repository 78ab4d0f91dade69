"""`/siteloop setup|link|role|crew`: projects, their channels, roles and crews."""

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.services.replies import Answer, UserError
from bot.services.request import Request, require_known_people
from rules.slack_text import mrkdwn
from rules.task_refs import extract_mentions
from rules.vocabulary import Role
from storage import projects
from storage.members import display_name
from storage.models import Crew, Member, Project

KEY_SHAPE = re.compile(r"^[A-Za-z]{2,6}$")
SETUP_USAGE = (
    "Type `/siteloop setup KEY Project name [time zone]` in the project's channel, "
    "e.g. `/siteloop setup TWR Tower A Asia/Ho_Chi_Minh` (key: 2–6 letters)."
)
ROLE_USAGE = "Type `/siteloop role @person manager`, `lead` or `crew`."
CREW_USAGE = (
    "Type `/siteloop crew NAME @lead` to form a crew, or `/siteloop crew NAME add @person …`."
)


def setup(request: Request) -> Answer:
    """Create a project linked to this channel, with the person who asked as its manager."""
    if len(request.args) < 2:
        raise UserError(SETUP_USAGE)
    key, words = _project_key(request.args[0]), request.args[1:]
    timezone = _timezone(words[-1]) if "/" in words[-1] or words[-1].upper() == "UTC" else None
    name = " ".join(words[:-1] if timezone else words).strip()
    if not name:
        raise UserError(SETUP_USAGE)
    request.require_unlinked_channel()
    taken = projects.find_project(request.session, key)
    if taken is not None:
        raise UserError(
            f"The key {key} is already used by {mrkdwn(taken.name)}. Choose another key."
        )
    project = projects.create_project(
        request.session,
        key=key,
        name=name[:255],
        timezone=timezone or request.actor.timezone or "UTC",
        created_by=request.actor,
        now=request.now,
    )
    request.link_here(project)
    return Answer(
        f"*{mrkdwn(project.name)}* ({project.key}) is set up in this channel, "
        f"on {project.timezone} time. You are its manager.\n"
        "Next: `/siteloop role @person lead` to name crew leads, `/siteloop crew Concrete @lead` "
        f"to form crews, and `/siteloop link {project.key}` in the project's other channels."
    )


def link(request: Request) -> Answer:
    """Link this channel to an existing project (its managers only)."""
    if len(request.args) != 1:
        raise UserError(
            "Type `/siteloop link KEY` in the channel to link, e.g. `/siteloop link TWR`."
        )
    project = projects.find_project(request.session, _project_key(request.args[0]))
    if project is None:
        raise UserError(
            f"There is no project {request.args[0].upper()}. Create it with `/siteloop setup`."
        )
    _require_manager(request.session, project, request.actor)
    request.require_unlinked_channel()
    request.link_here(project)
    return Answer(f"This channel is now linked to *{mrkdwn(project.name)}* ({project.key}).")


def role(request: Request) -> Answer:
    """Give a person a role in the project (managers only)."""
    session, args = request.session, request.args
    project = request.project_here()
    require_known_people(args)
    mentioned = extract_mentions(" ".join(args))
    wanted = args[-1].lower() if args else ""
    if len(mentioned) != 1 or wanted not in {r.value for r in Role}:
        raise UserError(ROLE_USAGE)
    _require_manager(session, project, request.actor)
    person = request.enroll(mentioned[0])
    demoting = projects.role_of(session, project, person) == Role.MANAGER and wanted != Role.MANAGER
    if demoting and len(projects.members_with_role(session, project, Role.MANAGER)) == 1:
        raise UserError(
            f"{display_name(person)} is {project.key}'s only manager: name another manager first."
        )
    projects.set_role(session, project, person, Role(wanted))
    return Answer(f"{display_name(person)} is now a {wanted} on {project.key}.")


def crew(request: Request) -> Answer:
    """Form a crew with its lead, or add people to one (leads and managers only)."""
    session, args = request.session, request.args
    project = request.project_here()
    if not args:
        raise UserError(CREW_USAGE)
    _require_lead_or_manager(session, project, request.actor)
    name, rest = args[0], args[1:]
    require_known_people(rest)
    mentioned = [request.enroll(user_id) for user_id in extract_mentions(" ".join(rest))]
    existing = projects.find_crew(session, project, name)
    if rest[:1] and rest[0].lower() == "add":
        return _add_to_crew(session, project, existing, name, mentioned)
    if existing is not None:
        raise UserError(
            f"{project.key} already has a crew {mrkdwn(existing.name)}. "
            f"Add people with `/siteloop crew {mrkdwn(existing.name)} add @person`."
        )
    if len(mentioned) != 1:
        raise UserError(CREW_USAGE)
    lead = mentioned[0]
    if projects.role_of(session, project, lead) in (None, Role.CREW):
        projects.set_role(session, project, lead, Role.LEAD)
    new = projects.create_crew(session, project, name=name[:255], lead=lead)
    return Answer(f"The {mrkdwn(new.name)} crew is formed, led by {mrkdwn(display_name(lead))}.")


def _add_to_crew(
    session: Session, project: Project, crew: Crew | None, name: str, people: list[Member]
) -> Answer:
    if crew is None:
        raise UserError(
            f"{project.key} has no crew {mrkdwn(name)}. "
            f"Form it first: `/siteloop crew {mrkdwn(name)} @lead`."
        )
    if not people:
        raise UserError(CREW_USAGE)
    added = [member for member in people if projects.add_to_crew(session, crew, member)]
    for member in added:
        projects.ensure_role(session, project, member, Role.CREW)
    names = ", ".join(display_name(member) for member in added) or "nobody new"
    return Answer(f"Added {mrkdwn(names)} to the {mrkdwn(crew.name)} crew.")


def _project_key(written: str) -> str:
    if not KEY_SHAPE.match(written):
        raise UserError(f"`{written[:20]}` can't be a project key: use 2–6 letters, like TWR.")
    return written.upper()


def _timezone(written: str) -> str:
    try:
        ZoneInfo(written)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"`{written[:40]}` is not a time zone I know: "
            "use a name like Asia/Ho_Chi_Minh or Europe/Berlin."
        ) from None
    return written


def _require_manager(session: Session, project: Project, actor: Member) -> None:
    if projects.role_of(session, project, actor) != Role.MANAGER:
        raise UserError(
            f"Only {project.key}'s managers can do that. {_managers_hint(session, project)}"
        )


def _require_lead_or_manager(session: Session, project: Project, actor: Member) -> None:
    if projects.role_of(session, project, actor) not in (Role.MANAGER, Role.LEAD):
        hint = _managers_hint(session, project)
        raise UserError(f"Only {project.key}'s leads and managers can do that. {hint}")


def _managers_hint(session: Session, project: Project) -> str:
    managers = projects.members_with_role(session, project, Role.MANAGER)
    names = ", ".join(f"<@{m.slack_user_id}>" for m in managers)
    return f"Ask {names}." if names else ""
