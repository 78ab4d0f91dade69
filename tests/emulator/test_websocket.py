"""The WebSocket underneath Socket Mode (RFC 6455), spoken by hand to the emulator's link."""

import base64
import io
import json
import os
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from slack_sdk import WebClient

from bot.emulator.socket_mode.websocket import (
    CloseCode,
    Opcode,
    ProtocolError,
    accept_key,
    close_payload,
    encode_frame,
    parse_close,
    read_frame,
)

MASK = b"\x37\xfa\x21\x3d"


class RawClient:
    """A hand-rolled WebSocket client: one socket, frames in and out, nothing hidden."""

    def __init__(self, url: str, key: str = "dGhlIHNhbXBsZSBub25jZQ==") -> None:
        parsed = urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=5)
        self.stream = self.sock.makefile("rb")
        request = (
            f"GET {parsed.path}?{parsed.query} HTTP/1.1\r\nHost: {parsed.hostname}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        lines = []
        while (line := self.stream.readline().decode().rstrip("\r\n")) != "":
            lines.append(line)
        self.status = int(lines[0].split(" ")[1])
        self.headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in lines[1:])}

    def send(self, opcode: int, payload: bytes, masked: bool = True, fin: bool = True) -> None:
        self.sock.sendall(encode_frame(opcode, payload, MASK if masked else None, fin))

    def next_frame(self, skip_pings: bool = True):
        """Return the next frame from the server (its pings skipped), None once it closed."""
        while (frame := read_frame(self.stream)) is not None:
            if not (skip_pings and frame.opcode == Opcode.PING):
                return frame
        return None

    def next_message(self) -> dict:
        frame = self.next_frame()
        assert frame is not None and frame.opcode == Opcode.TEXT
        return json.loads(frame.payload)


@pytest.fixture
def link_url(emu) -> str:
    return WebClient(base_url=emu.api_url).apps_connections_open(app_token=emu.app_token)["url"]


@pytest.fixture
def raw(link_url) -> Iterator[RawClient]:
    client = RawClient(link_url)
    yield client
    client.sock.close()


# Frames, without a network


def test_the_accept_key_is_rfc_6455s_example():
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_a_masked_frame_reads_back_unmasked_at_every_length_encoding(size):
    payload = os.urandom(size)

    frame = read_frame(io.BytesIO(encode_frame(Opcode.BINARY, payload, MASK)))

    assert frame is not None and frame.masked and frame.fin
    assert (frame.opcode, frame.payload) == (Opcode.BINARY, payload)


def test_a_server_frame_is_unmasked_on_the_wire():
    assert encode_frame(Opcode.TEXT, b"Hello") == b"\x81\x05Hello"


def test_a_frame_cut_short_reads_as_the_connection_ending():
    wire = encode_frame(Opcode.TEXT, b"x" * 300, MASK)

    assert read_frame(io.BytesIO(wire[:-1])) is None
    assert read_frame(io.BytesIO(b"")) is None


def test_reserved_bits_and_long_control_frames_break_the_protocol():
    with pytest.raises(ProtocolError):
        read_frame(io.BytesIO(b"\xc1\x80" + MASK))
    with pytest.raises(ProtocolError):
        read_frame(io.BytesIO(b"\x89\xfe\x00\x7e" + MASK + b"x" * 126))


def test_a_close_payload_carries_the_code_and_reason():
    assert parse_close(close_payload(1001, "bye")) == (1001, "bye")
    assert parse_close(b"") == (CloseCode.NO_STATUS, "")


# The emulator's link, over a socket


def test_the_handshake_switches_protocols_with_the_right_accept(raw):
    assert raw.status == 101
    assert raw.headers["upgrade"].lower() == "websocket"
    assert raw.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert raw.next_message()["type"] == "hello"


def test_a_ticket_not_issued_is_unauthorized(emu, link_url):
    forged = RawClient(link_url.replace("ticket=", "ticket=forged"))

    assert forged.status == 401
    forged.sock.close()


def test_the_server_pings_and_answers_a_ping_with_a_pong(raw):
    raw.next_message()

    ping = raw.next_frame(skip_pings=False)
    raw.send(Opcode.PING, b"are you there")
    pong = raw.next_frame()

    assert ping is not None and ping.opcode == Opcode.PING
    assert pong is not None and (pong.opcode, pong.payload) == (Opcode.PONG, b"are you there")


def test_a_fragmented_ack_is_put_back_together(emu, raw):
    raw.next_message()
    ack = json.dumps({"envelope_id": "e-1", "payload": {"text": "ok"}}).encode()

    raw.send(Opcode.TEXT, ack[:10], fin=False)
    raw.send(Opcode.CONTINUATION, ack[10:])

    emu.wait_for(lambda: emu.socket_mode.received)
    assert emu.socket_mode.received == [{"envelope_id": "e-1", "payload": {"text": "ok"}}]


def test_an_unmasked_client_frame_closes_the_connection_as_a_protocol_error(emu, raw):
    raw.next_message()

    raw.send(Opcode.TEXT, b"{}", masked=False)

    close = raw.next_frame()
    assert close is not None and close.opcode == Opcode.CLOSE
    assert parse_close(close.payload)[0] == CloseCode.PROTOCOL_ERROR
    emu.wait_for(lambda: emu.socket_mode.open_connections == 0)


def test_a_close_from_the_client_is_answered_and_the_connection_ends(emu, raw):
    raw.next_message()

    raw.send(Opcode.CLOSE, close_payload(CloseCode.GOING_AWAY, "leaving"))

    close = raw.next_frame()
    assert close is not None and parse_close(close.payload)[0] == CloseCode.GOING_AWAY
    assert raw.next_frame() is None
    emu.wait_for(lambda: emu.socket_mode.open_connections == 0)


def test_stopping_the_emulator_closes_the_connection_as_going_away(emu, raw):
    raw.next_message()

    emu.stop()

    close = raw.next_frame()
    assert close is not None and parse_close(close.payload)[0] == CloseCode.GOING_AWAY


def test_the_handshake_key_is_echoed_for_any_client_key(link_url):
    key = base64.b64encode(os.urandom(16)).decode()

    client = RawClient(link_url, key=key)

    assert client.headers["sec-websocket-accept"] == accept_key(key)
    client.sock.close()
