"""A real TCP proxy on 127.0.0.1 that puts network faults between the hub and the care
service (tests/test_sync_faults.py).

It runs an asyncio loop on a thread of its own, so a test drives it with plain calls.
The hub is pointed at `proxy.url`; the proxy connects to the service (at
`upstream_port`, which a test may change: a restarted service gets a new port, the
proxy's address stays) when a connection's first request arrives.

It reads the hub's side as HTTP/1.1 (request heads, Content-Length bodies; the hub's
client sends no chunked bodies) only to know where each request begins and ends; the
bytes themselves go on unchanged. A fault is chosen for a request when its head has
arrived, so a test can aim it at the batches (`match="POST /fhir"`) and leave the
event channel and the heartbeat alone. Faults:

- `delay(ms)`: every chunk, both ways, leaves the proxy `ms` later (order kept);
- `drop()`: the request is swallowed and never answered (the hub must time out);
- `reset()`: the connection is closed with an RST when the request has arrived (the
  service never sees it); `reset(after_response_bytes=K)`: the request goes to the
  service, the first K bytes of its answer go to the hub, then an RST: the service has
  done the work, the hub never saw the answer; `reset(after_response_bytes=MID_BODY)`:
  the same, cut after the answer's head and half its body, however long it is;
- `fail(times, status=500, body=...)`: the proxy answers the request itself (not
  forwarded), as a failing service or a middlebox in the way would.

`times` limits a fault to the next N matching requests (then it is gone by itself);
`times=None` keeps it until `pass_through()`. Every request is recorded
(`proxy.requests`, `proxy.seen()`): what the proxy did to it, its body, the service's
answer, and how many bytes of that answer reached the hub. `proxy.connections` counts
the connections the hub opened.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

FORWARDED, DROPPED, RESET, CUT, FAILED, REFUSED = "forwarded", "dropped", "reset", "cut", "failed", "refused"
_CLOSE, _RST = object(), object()  # markers in a direction's queue, after the bytes before them
MID_BODY = -1  # reset(after_response_bytes=MID_BODY): after the answer's head and half its body
REASONS = {200: "OK", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass(eq=False)
class Request:
    method: str
    path: str
    length: int  # Content-Length
    outcome: str = FORWARDED
    at: float = field(default_factory=time.monotonic)  # when its head arrived
    response_bytes: int = 0  # of the answer, from the service
    delivered_bytes: int = 0  # of the answer, to the hub
    cut_after: int | None = None  # CUT: the answer's bytes let through before the RST (or MID_BODY)
    passed: int = 0  # of the answer, handed on (perhaps still held by a delay)
    body: bytearray = field(default_factory=bytearray, repr=False)  # as the hub sent it
    answer: bytearray = field(default_factory=bytearray, repr=False)  # as the service sent it (all of it)

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def answered(self) -> bool:
        """The service's whole answer has reached the proxy (by its Content-Length)."""
        sizes = _sizes(bytes(self.answer))
        return sizes is not None and len(self.answer) >= sum(sizes)


def _sizes(answer: bytes) -> tuple[int, int] | None:
    """An answer's head (with its blank line) and body lengths; None until the head is whole."""
    head, found, _ = answer.partition(b"\r\n\r\n")
    if not found:
        return None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4, int(value)
    return None


@dataclass
class _Fault:
    kind: str  # DROPPED, RESET, CUT or FAILED
    match: str
    times: int | None
    after: int = 0  # CUT: response bytes let through
    status: int = 500  # FAILED
    body: bytes = b""  # FAILED


@dataclass(eq=False)
class _Connection:
    hub_writer: asyncio.StreamWriter
    to_hub: asyncio.Queue = field(default_factory=asyncio.Queue)
    service_writer: asyncio.StreamWriter | None = None
    to_service: asyncio.Queue | None = None
    current: Request | None = None  # the request whose answer the service is sending
    held: int = 0  # bytes of the service's answer the proxy holds (delayed)
    silent: bool = False  # a request was dropped: nothing more reaches the hub, not even a close


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:  # linger on, 0 s: close() sends an RST instead of a FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.connections = 0
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._fault: _Fault | None = None
        self._delay_s = 0.0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._open: set[_Connection] = set()
        self._tasks: set[asyncio.Task] = set()  # the proxy's own; the connections' are in _serving
        self._serving: set[asyncio.Task] = set()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fault-proxy")

    # -- from the test's thread --------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pass_through(self) -> None:
        """No fault, no delay (a request swallowed already stays swallowed)."""
        with self._lock:
            self._fault, self._delay_s = None, 0.0

    def delay(self, ms: float) -> None:
        with self._lock:
            self._delay_s = ms / 1000

    def drop(self, match: str = "", times: int | None = None) -> None:
        self._set(_Fault(DROPPED, match, times))

    def reset(self, match: str = "", times: int | None = None, after_response_bytes: int | None = None) -> None:
        if after_response_bytes is None:
            self._set(_Fault(RESET, match, times))
        else:
            self._set(_Fault(CUT, match, times, after=after_response_bytes))

    def fail(self, times: int | None, status: int = 500, match: str = "", body: bytes | None = None) -> None:
        if body is None:
            body = b'{"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "exception"}]}'
        self._set(_Fault(FAILED, match, times, status=status, body=body))

    def seen(self, match: str = "", outcome: str | None = None) -> list[Request]:
        """The requests that began with `match` (e.g. "POST /fhir"), with that outcome."""
        with self._lock:
            return [r for r in self.requests if r.line.startswith(match) and outcome in (None, r.outcome)]

    def holding_an_answer(self, match: str = "") -> bool:
        """The service's whole answer to such a request is here and (delayed) not all of
        it has reached the hub: the service has answered, the hub has not heard it yet."""
        with self._lock:
            return any(c.held > 0 and c.current is not None and c.current.line.startswith(match)
                       and c.current.answered for c in self._open)

    def _set(self, fault: _Fault) -> None:
        with self._lock:
            self._fault = fault

    # -- on the proxy's loop ---------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _shutdown(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for conn in list(self._open):  # their reads end: the connections' own tasks end by themselves
            conn.hub_writer.transport.abort()
            if conn.service_writer is not None:
                conn.service_writer.transport.abort()
        await asyncio.gather(*self._tasks, *self._serving, return_exceptions=True)

    def _task(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _choose(self, request: Request) -> _Fault | None:
        with self._lock:
            self.requests.append(request)
            fault = self._fault
            if fault is None or not request.line.startswith(fault.match):
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._fault = None
            request.outcome = fault.kind
            if fault.kind == CUT:
                request.cut_after = fault.after
            return fault

    def _due(self) -> float:
        with self._lock:
            return self._loop.time() + self._delay_s

    async def _serve(self, hub_reader: asyncio.StreamReader, hub_writer: asyncio.StreamWriter) -> None:
        conn = _Connection(hub_writer)
        with self._lock:
            self.connections += 1
            self._open.add(conn)
        self._serving.add(asyncio.current_task())
        self._task(self._drain(conn.to_hub, hub_writer, conn))
        try:
            await self._from_hub(hub_reader, conn)
        except ConnectionError:
            pass
        finally:
            self._serving.discard(asyncio.current_task())
            with self._lock:
                self._open.discard(conn)

    async def _from_hub(self, reader: asyncio.StreamReader, conn: _Connection) -> None:
        """The hub's bytes, request by request: a request's head is kept until it is whole
        (the fault is chosen then), then the head and body go on as they arrive."""
        pending, request, fault, remaining = b"", None, None, 0
        while True:
            chunk = await reader.read(65536)
            if not chunk:  # the hub closed its side
                if conn.to_service is not None:
                    conn.to_service.put_nowait((self._due(), _CLOSE, None))
                return
            data, pending = pending + chunk, b""
            while data or (request is not None and remaining == 0):
                if request is None:  # a head, or part of one
                    end = data.find(b"\r\n\r\n")
                    if end < 0:
                        pending = data
                        break
                    head, data = data[:end + 4], data[end + 4:]
                    request = self._parse(head)
                    remaining = request.length
                    fault = self._choose(request)
                    if fault is not None and fault.kind == DROPPED:
                        conn.silent = True
                        self._close_service(conn)
                        await self._swallow(reader)
                        return
                    if fault is not None and fault.kind == RESET:
                        self._close_service(conn)
                        _abort_with_rst(conn.hub_writer)
                        return
                    if fault is None or fault.kind == CUT:
                        if not await self._to_service(conn, request, head):
                            return
                take, data = data[:remaining], data[remaining:]
                remaining -= len(take)
                request.body += take
                if take and (fault is None or fault.kind == CUT):
                    conn.to_service.put_nowait((self._due(), take, None))
                if remaining == 0:
                    if fault is not None and fault.kind == FAILED:  # answered here, after the whole request
                        self._close_service(conn)
                        self._answer(conn, fault.status, fault.body)
                        await self._swallow(reader)
                        return
                    request, fault = None, None

    @staticmethod
    def _parse(head: bytes) -> Request:
        lines = head.decode("latin-1").split("\r\n")
        method, path = (lines[0].split(" ") + ["", ""])[:2]
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            elif name.strip().lower() == "transfer-encoding":
                raise ValueError("the fault proxy reads Content-Length bodies only")
        return Request(method, path, length)

    def _answer(self, conn: _Connection, status: int, body: bytes) -> None:
        head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/fhir+json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        conn.to_hub.put_nowait((self._due(), head.encode() + body, None))
        conn.to_hub.put_nowait((self._due(), _CLOSE, None))

    async def _to_service(self, conn: _Connection, request: Request, head: bytes) -> bool:
        """Send a head on to the service (connecting first, if this connection has not);
        False when the service cannot be reached (then the hub's connection is reset)."""
        if conn.service_writer is None or conn.service_writer.is_closing():
            try:
                service_reader, conn.service_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            except OSError:
                request.outcome = REFUSED
                _abort_with_rst(conn.hub_writer)
                return False
            conn.to_service = asyncio.Queue()
            self._task(self._drain(conn.to_service, conn.service_writer, None))
            self._task(self._from_service(service_reader, conn))
        conn.current = request
        conn.to_service.put_nowait((self._due(), head, None))
        return True

    async def _from_service(self, reader: asyncio.StreamReader, conn: _Connection) -> None:
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                request = conn.current
                if request is None:
                    continue
                request.response_bytes += len(chunk)
                request.answer += chunk
                if request.cut_after == MID_BODY:
                    sizes = _sizes(bytes(request.answer))
                    if sizes is None:
                        continue  # held until the head is whole
                    request.cut_after = sizes[0] + sizes[1] // 2
                end = len(request.answer) if request.cut_after is None else min(len(request.answer), request.cut_after)
                part = bytes(request.answer[request.passed:end])
                if part:
                    request.passed += len(part)
                    with self._lock:
                        conn.held += len(part)
                    conn.to_hub.put_nowait((self._due(), part, request))
                if request.cut_after is not None and request.passed >= request.cut_after:
                    # The rest never reaches the hub: its connection is reset mid-answer.
                    conn.to_hub.put_nowait((self._due(), _RST, None))
                    self._close_service(conn)
                    return
        except ConnectionError:
            pass
        conn.to_hub.put_nowait((self._due(), _CLOSE, None))

    def _close_service(self, conn: _Connection) -> None:
        if conn.service_writer is not None:
            conn.service_writer.transport.abort()

    async def _drain(self, queue: asyncio.Queue, writer: asyncio.StreamWriter, conn: _Connection | None) -> None:
        """One direction's bytes, each chunk written when it is due (a delay keeps order)."""
        try:
            while True:
                due, item, request = await queue.get()
                wait = due - self._loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if conn is not None and conn.silent:
                    continue
                if item is _CLOSE:
                    writer.close()
                    return
                if item is _RST:
                    while writer.transport.get_write_buffer_size():  # the bytes before it go first
                        await asyncio.sleep(0.001)
                    _abort_with_rst(writer)
                    return
                writer.write(item)
                await writer.drain()
                if request is not None:  # the service's answer, now with the hub
                    request.delivered_bytes += len(item)
                    with self._lock:
                        conn.held -= len(item)
        except (ConnectionError, RuntimeError):  # that end is gone: nothing more to deliver
            writer.transport.abort()

    @staticmethod
    async def _swallow(reader: asyncio.StreamReader) -> None:
        """Read and forget everything the hub sends, never answer, until it gives up."""
        try:
            while await reader.read(65536):
                pass
        except ConnectionError:
            pass
