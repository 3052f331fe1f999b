"""A simulated Bluetooth LE peripheral: what it advertises, its GATT table, and what it
does when the hub reads, writes or subscribes.

A peripheral lives in the air around the BlueZ stand-in (`BluezStandin.add`). Its
methods may be called from any thread: once it is added, each action runs on the
stand-in's loop thread, so a test thread or a script can simply call
`cuff.notify("2A35", record)`. Hooks (`on_write`, `on_read`, `on_subscribe`,
`on_connect`, `on_disconnect`) run on that loop thread; subclass and override them,
or give the per-characteristic hooks of `gatt.Characteristic`.

Pairing (`requires_pairing=True`) follows vendor blood-pressure cuffs: connecting and
service discovery work without a bond, but the characteristics are encrypted, so a
read, a write request or a subscription before `Pair()` is refused with ATT
"Insufficient Authentication", which BlueZ reports as `org.bluez.Error.NotPermitted`
("Not paired"). `Pair()` succeeds only while the peripheral is in pairing mode
(`pairing_mode`, like holding the cuff's Bluetooth button); otherwise it fails with
`org.bluez.Error.AuthenticationFailed`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from simulators.bluez.gatt import Characteristic, Service, layout, normalize_uuid

if TYPE_CHECKING:
    from simulators.bluez.standin import BluezStandin

T = TypeVar("T")

ADDRESS_TYPES = ("public", "random")


@dataclass(frozen=True)
class Write:
    """One write the peripheral received (its log, for tests and scripts)."""

    uuid: str
    data: bytes
    response: bool  # True: a write request (acknowledged); False: a write command


def normalize_address(address: str) -> str:
    parts = address.strip().upper().replace("-", ":").split(":")
    if len(parts) != 6 or not all(len(p) == 2 and all(c in "0123456789ABCDEF" for c in p) for p in parts):
        raise ValueError(f"not a Bluetooth address: {address!r}")
    return ":".join(parts)


class SimulatedPeripheral:
    """A BLE peripheral. Construct it with its advertisement and GATT table::

        cuff = SimulatedPeripheral(
            "C4:7C:8D:6A:1B:01", name="BP-7000", advertised_uuids=["1810"],
            services=[Service("1810", [Characteristic("2A35", ["indicate"])]),
                      Service("180F", [Characteristic("2A19", ["read", "notify"], b"\\x57")])],
            requires_pairing=True)
    """

    def __init__(
        self,
        address: str,
        *,
        name: str | None = None,
        services: Iterable[Service] = (),
        advertised_uuids: Iterable[str | int] = (),
        manufacturer_data: Mapping[int, bytes] | None = None,
        service_data: Mapping[str | int, bytes] | None = None,
        rssi: int = -60,
        tx_power: int | None = None,
        appearance: int | None = None,
        address_type: str = "public",
        connectable: bool = True,
        advertising: bool = True,
        advertise_while_connected: bool = False,
        adv_interval: float = 0.1,
        requires_pairing: bool = False,
        pairing_mode: bool = True,
        mtu: int = 247,
        connect_failures: int = 0,
    ) -> None:
        self.address = normalize_address(address)
        if address_type not in ADDRESS_TYPES:
            raise ValueError(f"address_type must be one of {ADDRESS_TYPES}")
        if not -127 <= rssi <= 20:
            raise ValueError("rssi must be between -127 and 20 dBm")
        if adv_interval <= 0:
            raise ValueError("adv_interval must be more than 0 s")
        self.address_type = address_type
        self.name = name
        self.services: list[Service] = list(services)
        layout(self.services)
        self.advertised_uuids = [normalize_uuid(u) for u in advertised_uuids]
        self.manufacturer_data = {int(k): bytes(v) for k, v in (manufacturer_data or {}).items()}
        self.service_data = {normalize_uuid(k): bytes(v) for k, v in (service_data or {}).items()}
        self.rssi = rssi
        self.tx_power = tx_power
        self.appearance = appearance
        self.connectable = connectable
        self.advertising = advertising
        self.advertise_while_connected = advertise_while_connected
        self.adv_interval = adv_interval
        self.requires_pairing = requires_pairing
        self.pairing_mode = pairing_mode
        self.mtu = max(23, min(mtu, 517))
        if connect_failures < 0:
            raise ValueError("connect_failures must be 0 or more")
        self.connect_failures = connect_failures  # the next this many Connects fail (see fail_connections)
        self.in_range = True
        self.writes: list[Write] = []
        self._standin: BluezStandin | None = None
        self._connected = False
        self._changed = threading.Condition()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address} {self.name or ''}>"

    # the GATT table --------------------------------------------------------------

    def characteristic(self, uuid: str | int) -> Characteristic:
        wanted = normalize_uuid(uuid)
        for service in self.services:
            for char in service.characteristics:
                if char.uuid == wanted:
                    return char
        raise KeyError(f"{self.address} has no characteristic {uuid}")

    def is_encrypted(self, char: Characteristic) -> bool:
        return self.requires_pairing if char.encrypted is None else char.encrypted

    # state, readable from any thread ----------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connected

    def subscribed(self, uuid: str | int) -> bool:
        """Has the hub turned on notifications or indications (the CCCD) for it?"""
        return self.characteristic(uuid).cccd != 0

    def wait_until(self, predicate: Callable[[SimulatedPeripheral], bool], timeout: float = 5.0) -> bool:
        """Block (a test or script thread, never the stand-in's loop) until predicate(self)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.05))
        return True

    def _touch(self) -> None:
        with self._changed:
            self._changed.notify_all()

    # actions, callable from any thread -------------------------------------------

    def notify(self, uuid: str | int, data: bytes, *, times: int = 1) -> bool:
        """Send a notification or indication (whichever the hub enabled). Returns False
        when it could not go out: not connected, or the hub has not subscribed.
        `times=2` sends it twice, as a peripheral does whose indication was not
        confirmed before a reconnect."""
        char = self.characteristic(uuid)
        data = bytes(data)

        def send() -> bool:
            sent = False
            for _ in range(times):
                sent = self._air().peripheral_notifies(self, char, data) or sent
            return sent

        return self._on_loop(send)

    def set_value(self, uuid: str | int, data: bytes) -> None:
        """Change what a read of the characteristic returns (nothing is sent)."""
        char = self.characteristic(uuid)
        char.value = bytes(data)

    def go_away(self) -> None:
        """Out of range, or switched off: no advertisements, and a connection is lost
        after the link supervision timeout."""
        self._on_loop(lambda: self._set_in_range(False))

    def come_back(self) -> None:
        """Back in range: advertising again (if `advertising`)."""
        self._on_loop(lambda: self._set_in_range(True))

    def disconnect(self) -> None:
        """The peripheral ends the connection (BlueZ reason: terminated by remote user)."""
        self._on_loop(lambda: self._air().peripheral_disconnects(self, "remote"))

    def start_advertising(self) -> None:
        self._on_loop(lambda: self._set_advertising(True))

    def stop_advertising(self) -> None:
        self._on_loop(lambda: self._set_advertising(False))

    def set_advertisement(
        self,
        *,
        name: str | None = None,
        rssi: int | None = None,
        manufacturer_data: Mapping[int, bytes] | None = None,
        service_data: Mapping[str | int, bytes] | None = None,
        advertised_uuids: Sequence[str | int] | None = None,
        tx_power: int | None = None,
    ) -> None:
        """Change what the next advertisements carry (only the arguments given)."""

        def change() -> None:
            if name is not None:
                self.name = name
            if rssi is not None:
                self.rssi = rssi
            if manufacturer_data is not None:
                self.manufacturer_data = {int(k): bytes(v) for k, v in manufacturer_data.items()}
            if service_data is not None:
                self.service_data = {normalize_uuid(k): bytes(v) for k, v in service_data.items()}
            if advertised_uuids is not None:
                self.advertised_uuids = [normalize_uuid(u) for u in advertised_uuids]
            if tx_power is not None:
                self.tx_power = tx_power
            self._kick()

        self._on_loop(change)

    def replace_services(self, services: Iterable[Service]) -> None:
        """A firmware update: a new GATT table, seen by the hub from the next connection."""

        def change() -> None:
            self.services = list(services)
            layout(self.services)

        self._on_loop(change)

    def set_pairing_mode(self, on: bool) -> None:
        self._on_loop(lambda: setattr(self, "pairing_mode", on))

    def fail_connections(self, count: int) -> None:
        """The next `count` connection attempts fail with `le-connection-abort-by-local`,
        as when a busy or disturbed controller gives up creating the LE link."""
        if count < 0:
            raise ValueError("count must be 0 or more")
        self._on_loop(lambda: setattr(self, "connect_failures", count))

    # hooks: override in a subclass (they run on the stand-in's loop thread) --------

    def on_connect(self) -> None:
        """The hub connected."""

    def on_disconnect(self, reason: str) -> None:
        """The connection ended: reason is "local" (the hub), "remote" (we), "timeout"."""

    def on_paired(self) -> None:
        """The hub paired (bonded) with us."""

    def on_read(self, char: Characteristic) -> bytes:
        """The value a read returns; raise gatt.AttError to refuse."""
        if char.on_read is not None:
            return bytes(char.on_read())
        return char.value

    def on_write(self, char: Characteristic, data: bytes, response: bool) -> None:
        """A write arrived (already logged in `writes`); raise gatt.AttError to refuse
        a write request. By default the written bytes become the value."""
        char.value = data
        if char.on_write is not None:
            char.on_write(data)

    def on_subscribe(self, char: Characteristic, enabled: bool) -> None:
        """The hub turned notifications or indications on or off (a CCCD write)."""
        if char.on_subscribe is not None:
            char.on_subscribe(enabled)

    # plumbing ------------------------------------------------------------------------

    def _attach(self, standin: BluezStandin | None) -> None:
        if standin is not None and self._standin is not None and self._standin is not standin:
            raise ValueError(f"{self.address} is already added to another stand-in")
        self._standin = standin

    def _air(self) -> Any:
        if self._standin is None:
            raise RuntimeError(f"{self.address} is not added to a BlueZ stand-in")
        return self._standin.service

    def _on_loop(self, function: Callable[[], T]) -> T:
        if self._standin is None:
            return function()
        return self._standin.call(function)

    def _kick(self) -> None:
        if self._standin is not None and self._standin.service is not None:
            self._standin.service.peripheral_changed(self)
        self._touch()

    def _set_in_range(self, present: bool) -> None:
        self.in_range = present
        if self._standin is not None:
            self._standin.service.peripheral_range(self, present)
        self._touch()

    def _set_advertising(self, on: bool) -> None:
        self.advertising = on
        self._kick()

    def advertises_now(self) -> bool:
        return (self.in_range and self.advertising
                and (not self._connected or self.advertise_while_connected))
