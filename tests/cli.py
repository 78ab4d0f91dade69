"""Running `siteloop` as a separate process, the way an operator does."""

import os
import subprocess
import sys
from pathlib import Path

# The checkout under test: a subprocess runs its code, not whichever siteloop is installed.
REPOSITORY = Path(__file__).resolve().parent.parent


def environment(home: Path, **values: str) -> dict[str, str]:
    """Return a minimal environment (no stray settings from the developer's shell) plus `values`."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(REPOSITORY)} | values


def site_environment(home: Path, site, slack, **values: str) -> dict[str, str]:
    """Return `environment` for a `siteloop` command on the running site's database and the
    local Slack (the tests' bot token and signing secret), plus `values`."""
    from tests.conftest import BOT_TOKEN, SIGNING_SECRET

    return environment(
        home,
        DATABASE_URL=site.settings.database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        **values,
    )


def run_siteloop(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run `python -m bot ARGS…` to completion and return what it printed and its status."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def table_rows(output: str) -> list[list[str]]:
    """Return the data rows of a 7-column table `siteloop` printed, as lists of cells."""
    rows = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().split("│")[1:-1]]
        if len(cells) == 7 and cells[0].isdigit():
            rows.append(cells)
    return rows
