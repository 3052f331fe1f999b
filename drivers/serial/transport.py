"""A serial port as an asyncio byte buffer, through pyserial-asyncio-fast.

Readers look at `buffer` and, when what they need is not there yet, `await wait(...)`
for more bytes or the loss of the port. An unplugged USB device (pyserial's "device
reports readiness to read but returned no data", or any SerialException) ends in
`connection_lost`, which sets `lost` and wakes the reader: never a crash, never a hang.
"""

from __future__ import annotations

import asyncio

import serial
import serial_asyncio_fast


class SerialLink(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.lost = False
        self.lost_reason: BaseException | None = None
        self._wakeup = asyncio.Event()
        self._closed = asyncio.Event()

    # -- asyncio.Protocol --

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wakeup.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.lost_reason = exc
        self._wakeup.set()
        self._closed.set()

    # -- for readers and writers --

    async def wait(self, timeout: float) -> None:
        """Until more bytes arrive or the port is lost; TimeoutError after `timeout`.

        Look at `buffer` and `lost` first: this waits for what comes after that look.
        """
        self._wakeup.clear()
        if self.lost:
            return
        async with asyncio.timeout(max(timeout, 0.0)):
            await self._wakeup.wait()

    def write(self, data: bytes) -> None:
        if self.lost or self.transport is None:
            raise ConnectionError("the serial port is gone")
        self.transport.write(data)

    async def close(self, timeout: float = 2.0) -> None:
        """Drop what is not written yet and close the port."""
        if self.transport is not None and not self.lost:
            self.transport.abort()
        try:
            async with asyncio.timeout(timeout):
                await self._closed.wait()
        except TimeoutError:
            pass


async def open_serial(url: str, baudrate: int) -> SerialLink:
    """Open `url` (a device path) for this program alone; raises serial.SerialException."""
    loop = asyncio.get_running_loop()
    _, link = await serial_asyncio_fast.create_serial_connection(
        loop, SerialLink, url, baudrate=baudrate, exclusive=True
    )
    await asyncio.sleep(0)  # let connection_made run
    return link  # type: ignore[return-value]


SerialException = serial.SerialException
