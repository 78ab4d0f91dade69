"""The small part of RFC 6455 (WebSocket) a Socket Mode server needs: handshake and frames.

Server side only: the opening handshake's `Sec-WebSocket-Accept`, frames written unmasked (as a
server must), frames read from a client (which must mask them), and close payloads. No
extensions, no subprotocols.
"""

import base64
import hashlib
import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

# RFC 6455 §1.3: the GUID appended to the client's key before hashing.
HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# RFC 6455 §5.5: control frames carry at most 125 bytes.
MAX_CONTROL_PAYLOAD = 125


class Opcode(IntEnum):
    """What a frame carries (RFC 6455 §5.2)."""

    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA


class CloseCode(IntEnum):
    """Why a connection closes (RFC 6455 §7.4.1), the ones this server uses."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    NO_STATUS = 1005


class ProtocolError(Exception):
    """The peer broke the framing rules; the connection must close with 1002."""


@dataclass(frozen=True)
class Frame:
    """One frame as received, its payload already unmasked."""

    opcode: int
    payload: bytes
    fin: bool = True
    masked: bool = False


def accept_key(client_key: str) -> str:
    """Return the `Sec-WebSocket-Accept` value answering a client's `Sec-WebSocket-Key`."""
    digest = hashlib.sha1((client_key.strip() + HANDSHAKE_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def handshake_response(client_key: str) -> bytes:
    """Return the `101 Switching Protocols` answer accepting a client's upgrade request."""
    lines = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Accept: {accept_key(client_key)}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def encode_frame(
    opcode: int, payload: bytes = b"", mask: bytes | None = None, fin: bool = True
) -> bytes:
    """Return one frame; `fin` ends its message, `mask` (4 bytes) is for clients only."""
    length = len(payload)
    if opcode >= Opcode.CLOSE and length > MAX_CONTROL_PAYLOAD:
        raise ValueError(f"control frames carry at most {MAX_CONTROL_PAYLOAD} bytes")
    mask_bit = 0x80 if mask is not None else 0
    header = bytes([(0x80 if fin else 0) | opcode])
    if length <= 125:
        header += bytes([mask_bit | length])
    elif length <= 0xFFFF:
        header += struct.pack("!BH", mask_bit | 126, length)
    else:
        header += struct.pack("!BQ", mask_bit | 127, length)
    if mask is None:
        return header + payload
    return header + mask + _unmask(payload, mask)


class Stream(Protocol):
    """What frames are read from: a socket's binary stream."""

    def read(self, size: int, /) -> bytes: ...


def read_frame(stream: Stream) -> Frame | None:
    """Return the next frame from `stream`, or None when the peer closed the connection.

    Raises ProtocolError on frames no conforming peer sends (reserved bits, long or
    fragmented control frames).
    """
    head = _read_exact(stream, 2)
    if head is None:
        return None
    first, second = head
    if first & 0x70:
        raise ProtocolError("reserved bits set without a negotiated extension")
    opcode, fin, masked = first & 0x0F, bool(first & 0x80), bool(second & 0x80)
    length = second & 0x7F
    if opcode >= Opcode.CLOSE and (length > MAX_CONTROL_PAYLOAD or not fin):
        raise ProtocolError("control frames must be short and unfragmented")
    if length in (126, 127):
        size = 2 if length == 126 else 8
        extended = _read_exact(stream, size)
        if extended is None:
            return None
        length = struct.unpack("!H" if size == 2 else "!Q", extended)[0]
    mask = _read_exact(stream, 4) if masked else b""
    payload = _read_exact(stream, length)
    if mask is None or payload is None:
        return None
    return Frame(opcode, _unmask(payload, mask) if masked else payload, fin, masked)


def close_payload(code: int, reason: str = "") -> bytes:
    """Return a close frame's payload: the status code, then the reason in UTF-8."""
    return struct.pack("!H", code) + reason.encode("utf-8")[: MAX_CONTROL_PAYLOAD - 2]


def parse_close(payload: bytes) -> tuple[int, str]:
    """Return (code, reason) from a close frame's payload (1005 when it carries none)."""
    if len(payload) < 2:
        return CloseCode.NO_STATUS, ""
    return struct.unpack("!H", payload[:2])[0], payload[2:].decode("utf-8", "replace")


def _unmask(data: bytes, mask: bytes) -> bytes:
    """Return `data` XORed with the 4-byte `mask` (masking and unmasking are the same)."""
    if not data:
        return data
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        len(data), "big"
    )


def _read_exact(stream: Stream, size: int) -> bytes | None:
    """Return exactly `size` bytes, or None if the stream ends first."""
    if size == 0:
        return b""
    data = stream.read(size)
    if data is None or len(data) < size:
        return None
    return data
