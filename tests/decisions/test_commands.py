"""`siteloop tick` and `siteloop rules check`, run as an operator runs them."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Alert, OutboxMessage
from tests.cli import environment, run_siteloop
from tests.decisions.conftest import Site, rulebook

BAD_RULES = """
calendar: {timezone: Asia/Ho_Chi_Minh}
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 10x}
  - id: stalled
    when: {blocked_for: 4h}
    escalate: [{after: 0m, notify: foreman}]
"""


@pytest.fixture
def stalled_site(tmp_path):
    """A SQLite database holding a task nobody has reported on for a month (real time)."""
    url = f"sqlite:///{tmp_path / 'siteloop.db'}"
    engine = make_engine(url)
    upgrade(engine)
    month_ago = datetime.now(UTC) - timedelta(days=30)
    site = Site(make_session_factory(engine), rulebook(), since=month_ago)
    site.add_task(now=month_ago)
    yield site, url
    engine.dispose()


def counts(site: Site) -> tuple[int, int]:
    with site.sessions() as session:
        alerts = session.scalar(sa.select(sa.func.count()).select_from(Alert))
        messages = session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
        return alerts, messages


def test_rules_check_names_the_file_rule_and_field_of_every_problem(tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text(BAD_RULES)

    result = run_siteloop("rules", "check", str(rules), env=environment(tmp_path), cwd=tmp_path)

    assert result.returncode == 2
    assert f'{rules}: rule "stalled": id: used by 2 rules; ids must be unique' in result.stderr
    assert f'{rules}: rule "stalled": when.no_update_for: "10x"' in result.stderr
    assert "escalate[0].notify" in result.stderr


def test_rules_check_without_a_database_validates_the_shipped_rules(tmp_path):
    result = run_siteloop("rules", "check", env=environment(tmp_path), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "default.yml: valid, 8 rules" in result.stdout
    assert "No siteloop database at sqlite:///siteloop.db: nothing to evaluate." in result.stdout
    assert not (tmp_path / "siteloop.db").exists()


def test_rules_check_shows_what_would_fire_now_and_stores_nothing(stalled_site, tmp_path):
    site, url = stalled_site
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "calendar: {timezone: UTC}\n"
        "rules:\n"
        "  - id: stalled\n"
        "    when: {status: [in_progress], no_update_for: 8h}\n"
        "    severity: critical\n"
        "    escalate: [{after: 0m, notify: assignee}, {after: 0m, notify: managers}]\n"
    )
    env = environment(tmp_path, DATABASE_URL=url, COLUMNS="160")

    result = run_siteloop("rules", "check", str(rules), "--text", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "What would fire now" in out
    assert "assignee: U0BOB" in out and "managers: U0MAX" in out
    assert "thread in C0TOWER" in out and "dm" in out
    assert "TWR-1 → C0TOWER: <@U0BOB> TWR-1 Pour slab L3 has had no update for 720 hours" in out
    assert "2 messages would be queued: 1 alerts would open" in out
    assert counts(site) == (0, 0)


def test_tick_runs_one_pass_and_says_what_it_did(stalled_site, tmp_path):
    site, url = stalled_site
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "calendar: {timezone: UTC}\ndigest: off\n"
        "rules:\n  - id: stalled\n    when: {no_update_for: 8h}\n"
    )
    env = environment(tmp_path, DATABASE_URL=url, SITELOOP_RULES=str(rules))

    first = run_siteloop("tick", env=env, cwd=tmp_path)
    second = run_siteloop("tick", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "tick: 1 tasks and 0 projects evaluated; alerts 1 opened, 0 escalated, 0 repeated, "
        "0 resolved; 1 messages queued; delivery skipped (SLACK_BOT_TOKEN is not set)"
    )
    assert "0 tasks and 0 projects evaluated; alerts 0 opened" in second.stdout
    assert counts(site) == (1, 1)


def test_tick_refuses_an_invalid_rules_file(tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text(BAD_RULES)
    env = environment(tmp_path, SITELOOP_RULES=str(rules))

    result = run_siteloop("tick", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "the rules file is invalid" in result.stderr
    assert not (tmp_path / "siteloop.db").exists()


def test_it_says_in_rules_check_when_a_step_would_tell_nobody(tmp_path):
    url = f"sqlite:///{tmp_path / 'siteloop.db'}"
    engine = make_engine(url)
    upgrade(engine)
    month_ago = datetime.now(UTC) - timedelta(days=30)
    site = Site(make_session_factory(engine), rulebook(), since=month_ago)
    site.add_task(now=month_ago, crew_id=None)  # no crew, and the project has no leads
    engine.dispose()
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "calendar: {timezone: UTC}\n"
        "rules:\n"
        "  - id: stalled\n"
        "    when: {status: [in_progress], no_update_for: 8h}\n"
        "    escalate: [{after: 0m, notify: crew_lead, via: dm}]\n"
    )
    env = environment(tmp_path, DATABASE_URL=url, COLUMNS="160")

    result = run_siteloop("rules", "check", str(rules), env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Would tell nobody: stalled on TWR-1, step 0: crew_lead" in result.stdout
