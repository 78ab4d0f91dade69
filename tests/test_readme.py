"""The README's commands exist as written: every `siteloop …` command line it shows names a
real command, and every option it shows is one that command takes, so the README can't drift.

(What the commands do is tested where they are built; the README's first two commands are run
by tests/bot/test_demo.py and by `.ci/run`.)
"""

import re
from pathlib import Path

import pytest
from typer.main import get_command

from bot.cli.main import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
# `siteloop …` in code: either inside backticks, or a line of a ```bash block.
SPANS = re.findall(r"`(?:[A-Z_]+=\S+ )*(?:\.venv/bin/)?(siteloop [a-z][^`\n]*)`", README)
BLOCK_LINES = [
    line
    for block in re.findall(r"```bash\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if "siteloop " in line and "bin/siteloop" in line
]
COMMAND_LINES = sorted(
    {text.removeprefix("siteloop ") for text in SPANS}
    | {re.sub(r"^.*?bin/siteloop ", "", line).split("  #")[0] for line in BLOCK_LINES}
)


def resolve(words: list[str]):
    """Return the click command the words name, and the words left for its arguments."""
    command = get_command(cli)
    while words and hasattr(command, "commands") and words[0] in command.commands:
        command = command.commands[words[0]]
        words = words[1:]
    return command, words


def test_the_readme_shows_the_commands_at_all():
    assert len(COMMAND_LINES) >= 12


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_every_command_line_in_the_readme_names_a_real_command_and_real_options(line):
    words = line.replace("\\|", "|").split()

    command, _ = resolve(words)

    known = {option for parameter in command.params for option in parameter.opts}
    shown = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line))
    assert shown <= known, (
        f"`siteloop {line}` shows options {sorted(shown - known)} it does not take"
    )
