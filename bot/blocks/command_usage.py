"""The slash-command usage people see in help texts, in one list so help and code agree."""

from typing import NamedTuple


class CommandUsage(NamedTuple):
    command: str
    example: str
    summary: str


CATALOGUE: tuple[CommandUsage, ...] = (
    CommandUsage("/update", "/update TWR-42 60% formwork done, 12 m3 poured", "report progress"),
    CommandUsage("/blocked", "/blocked TWR-42 waiting for rebar", "say a task is blocked, and why"),
    CommandUsage("/done", "/done TWR-42 poured and cured", "mark a task complete"),
    CommandUsage(
        "/task", "/task add Pour slab L3 @bob due:2026-12-04 budget:12000 qty:40m3", "plan a task"
    ),
    CommandUsage("/task", "/task assign TWR-42 @bob", "give a task to someone"),
    CommandUsage("/task", "/task show TWR-42", "a task's state and its last reports"),
    CommandUsage("/tasks", "/tasks", "open tasks, most urgent first"),
    CommandUsage(
        "/tasks", "/tasks mine · @bob · blocked · late · all · Concrete", "narrow the list down"
    ),
    CommandUsage(
        "/log", "/log weather rain 25mm stopped 07:00-10:00", "the day's weather in the site log"
    ),
    CommandUsage(
        "/log", "/log delay TWR-42 materials 3h waiting for pump", "log a delay, and what caused it"
    ),
    CommandUsage("/log", "/log manpower Concrete 6 8h · /log note …", "who worked; a note"),
    CommandUsage("/log", "/log · /log yesterday", "the day's log"),
    CommandUsage("/siteloop", "/siteloop help", "what siteloop does and the commands you can use"),
    CommandUsage(
        "/siteloop",
        "/siteloop setup TWR Tower A",
        "make this channel project TWR's (you manage it)",
    ),
    CommandUsage("/siteloop", "/siteloop link TWR", "link another channel to project TWR"),
    CommandUsage(
        "/siteloop", "/siteloop role @ann manager", "make someone a manager, lead or crew"
    ),
    CommandUsage("/siteloop", "/siteloop crew Concrete @bob", "form a crew led by someone"),
    CommandUsage("/siteloop", "/siteloop crew Concrete add @cam @dan", "add people to a crew"),
    CommandUsage(
        "/siteloop", "/siteloop status", "the project's health: late, blocked, earned value"
    ),
    CommandUsage(
        "/siteloop", "/siteloop report", "how fast alerts get delivered, answered, resolved"
    ),
)
