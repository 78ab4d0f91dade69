"""The slash-command usage people see in help texts, in one list so help and code agree."""

from typing import NamedTuple


class CommandUsage(NamedTuple):
    command: str
    example: str
    summary: str


CATALOGUE: tuple[CommandUsage, ...] = (
    CommandUsage("/siteloop", "/siteloop help", "what siteloop does and the commands you can use"),
)
