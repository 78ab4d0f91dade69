"""Fixtures for the emulator's own tests: a running emulator, a Web API client, fake bots."""

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.emulator import DEFAULT_SCOPES, SlackEmulator
from tests.emulator.helpers import FakeBot, FakeMonotonic, SocketBot


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def scopes() -> tuple[str, ...]:
    """The scopes granted to the emulated app: the shipped manifest's, unless a test says."""
    return DEFAULT_SCOPES


@pytest.fixture
def emu(clock, monotonic, scopes) -> Iterator[SlackEmulator]:
    """Yield a running emulator: Ann and Bob in #tower-a (the bot too), time under test control."""
    emulator = SlackEmulator(clock=clock, monotonic=monotonic, scopes=scopes)
    emulator.add_user(
        "U_ANN", name="ann", real_name="Ann Lee", tz="Asia/Ho_Chi_Minh", email="ann@example.com"
    )
    emulator.add_user("U_BOB", name="bob", real_name="Bob Tran", tz="America/Los_Angeles")
    emulator.add_channel("C_TWR", name="tower-a", members=["U_ANN", "U_BOB"])
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def client(emu) -> WebClient:
    """Return the real slack_sdk client, pointed at the emulator with the bot's token."""
    return WebClient(base_url=emu.api_url, token=emu.bot_token)


@pytest.fixture
def bot(emu) -> Iterator[FakeBot]:
    """Yield a fake bot connected to the emulator, answering 200 to everything."""
    fake = FakeBot().start()
    emu.connect(fake.url)
    yield fake
    fake.stop()


@pytest.fixture
def socket_bot(emu) -> Iterator[SocketBot]:
    """Yield a Socket Mode app connected to the emulator, acknowledging everything."""
    fake = SocketBot(emu.api_url, emu.app_token).connect()
    emu.wait_for(lambda: emu.socket_mode.connected)
    yield fake
    fake.close()
