"""Shared fixtures: the run's PostgreSQL database, an injected clock, the local Slack emulator,
and siteloop itself served over real HTTP on a free port."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import URL

from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.emulator import SlackEmulator
from bot.process.service import Service
from tests.bot.sites import setup_project
from tests.databases import empty_postgres_schema, postgres_server, run_database
from tests.harness import Site

SIGNING_SECRET = "test-signing-secret-8f742231b10e"
BOT_TOKEN = "xoxb-0000000000-siteloop-test-token"
# Monday 1 December 2026, 08:00 on a site in Ho Chi Minh City.
SITE_MORNING = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """Yield the URL of a new, empty PostgreSQL database for this test run."""
    server = postgres_server()
    if server is None:
        pytest.skip("PostgreSQL not configured: export DATABASE_URL=$(bash .ci/start-postgres)")
    with run_database(server) as url:
        yield url


@pytest.fixture
def app_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """Yield the database siteloop runs on in end-to-end tests: the run's PostgreSQL database
    when DATABASE_URL names one (emptied after the test), else a fresh SQLite file."""
    if postgres_server() is None:
        yield f"sqlite:///{tmp_path / 'siteloop.db'}"
        return
    url: URL = request.getfixturevalue("postgres_database")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        empty_postgres_schema(url)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SITE_MORNING)


@pytest.fixture
def slack(clock) -> Iterator[SlackEmulator]:
    """Yield a running Slack emulator with a small site team and a project channel."""
    emulator = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, clock=clock)
    emulator.add_user("U0ANN", name="ann", real_name="Ann Tran", tz="Asia/Ho_Chi_Minh")
    emulator.add_user("U0BOB", name="bob", real_name="Bob Nguyen", tz="Asia/Ho_Chi_Minh")
    emulator.add_channel("C0TOWER", name="tower-a", members=["U0ANN", "U0BOB"], bot_is_member=True)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def settings_for(slack: SlackEmulator, database_url: str, **overrides: object) -> Settings:
    """Return settings pointing siteloop at `slack` and `database_url`, ignoring any .env file."""
    values: dict[str, object] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "SITELOOP_LOG_FORMAT": "text",
    }
    values.update(overrides)
    return load_settings(_env_file=None, **values)


@pytest.fixture
def siteloop(slack, app_database_url, clock) -> Iterator[Service]:
    """Yield siteloop serving HTTP on a free port, connected to the emulator."""
    service = Service(settings_for(slack, app_database_url), clock=clock, host="127.0.0.1")
    service.start(port=0)
    slack.connect(f"http://127.0.0.1:{service.port}/slack/events")
    # Events are answered before they are processed: a test's next line expects their effect.
    slack.deliverer.settle = service.inbox.settle
    try:
        yield service
    finally:
        service.stop(grace_seconds=5)


@pytest.fixture
def site(siteloop, slack) -> Site:
    """Tower A, stepped (`tests.harness`): Ann manages, Bob leads the Concrete crew, Cam and
    Dee are crew, all in #tower-a."""
    stepped = Site(siteloop, slack)
    setup_project(slack)
    for user_id, name, real_name in (("U0CAM", "cam", "Cam Le"), ("U0DEE", "dee", "Dee Vo")):
        slack.add_user(user_id, name=name, real_name=real_name, tz="Asia/Ho_Chi_Minh")
        slack.add_member("C0TOWER", user_id)
    slack.driver.command("/siteloop", "crew Concrete @bob", user="U0ANN", channel="C0TOWER")
    stepped.step()
    return stepped
