"""The serial port of a line-protocol device, opened with pyserial-asyncio-fast and
exclusively (one program per port: two readers would steal each other's frames). Its
bytes go through a `FrameReader`; frames, the reader's errors (a list) and the loss of
the port (an exception) arrive in one queue, in order."""

from __future__ import annotations

import asyncio
import contextlib

import serial
import serial_asyncio_fast

from devices.supervised_device import DeviceNotConnected
from drivers.serial.framing import FrameReader


class LineProtocol(asyncio.Protocol):
    def __init__(self, reader: FrameReader, frames: asyncio.Queue) -> None:
        self._reader, self._frames = reader, frames
        self.transport: asyncio.Transport | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        for frame in self._reader.feed(data):
            self._frames.put_nowait(frame)
        if self._reader.errors:
            self._frames.put_nowait(self._reader.take_errors())

    def connection_lost(self, exc: Exception | None) -> None:
        self._reader.end_of_stream()
        if self._reader.errors:
            self._frames.put_nowait(self._reader.take_errors())
        self._frames.put_nowait(exc or ConnectionError("port closed"))
        if not self.closed.done():
            self.closed.set_result(None)


async def open_frame_port(port: str, baudrate: int, frames: asyncio.Queue) -> tuple[asyncio.Transport, LineProtocol]:
    """Open `port`; what comes from it goes to `frames`. DeviceNotConnected if it cannot be opened."""
    reader = FrameReader()
    try:
        return await serial_asyncio_fast.create_serial_connection(
            asyncio.get_running_loop(), lambda: LineProtocol(reader, frames), port, baudrate=baudrate,
            exclusive=True,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceNotConnected(f"cannot open {port}: {exc}") from exc


async def close_frame_port(transport: asyncio.Transport, protocol: LineProtocol) -> None:
    """Close the port and wait (up to 2 s) until it is released (it is opened exclusively)."""
    transport.close()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(protocol.closed), 2.0)
