"""Running `siteloop` as a separate process, the way an operator does."""

import os
import subprocess
import sys
from pathlib import Path


def environment(home: Path, **values: str) -> dict[str, str]:
    """Return a minimal environment (no stray settings from the developer's shell) plus `values`."""
    return {"PATH": os.environ["PATH"], "HOME": str(home)} | values


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
