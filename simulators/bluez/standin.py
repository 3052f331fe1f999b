"""`BluezStandin`: the BlueZ stand-in as one object. It starts a private bus (or joins
one it is given), serves `org.bluez` on it from an asyncio loop of its own thread,
and keeps the simulated peripherals in its air::

    with BluezStandin() as standin:
        os.environ.update(standin.environment())   # before bleak first connects
        cuff = standin.add(SimulatedPeripheral("C4:7C:8D:6A:1B:01", name="BP-7000", ...))
        ...                                         # bleak scans, connects, reads
        cuff.notify("2A35", record)
        standin.power(False)                        # "Bluetooth is off"

Every method may be called from any thread; the work is done on the stand-in's loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from dbus_fast.aio import MessageBus

from simulators.bluez.bus import ENV_NAME, PrivateBus
from simulators.bluez.peripheral import SimulatedPeripheral, normalize_address
from simulators.bluez.service import BluezService, Timing
from simulators.host import SimulatorHost

T = TypeVar("T")


class BluezStandin:
    """The BlueZ stand-in.

    `bus_address`: serve on this bus instead of starting a private one.
    `adapter=False`: no Bluetooth adapter at all (bleak: "No Bluetooth adapters found").
    `powered=False`: an adapter that is switched off.
    `timing`: how long connecting, service discovery, pairing and the timeouts take.
    `host`: run on this SimulatorHost's loop (shared with other simulators) instead of
    a loop of its own.
    """

    def __init__(
        self,
        *,
        bus_address: str | None = None,
        adapter: bool = True,
        powered: bool = True,
        adapter_address: str = "00:1A:7D:DA:71:13",
        adapter_name: str = "welfare-hub",
        timing: Timing | None = None,
        host: SimulatorHost | None = None,
    ) -> None:
        self._bus_address = bus_address
        self._adapter = adapter
        self._powered = powered
        self._adapter_address = normalize_address(adapter_address)
        self._adapter_name = adapter_name
        self.timing = timing or Timing()
        self._given_host = host
        self._host: SimulatorHost | None = None
        self._private_bus: PrivateBus | None = None
        self._connection: MessageBus | None = None
        self.service: BluezService | None = None
        self._waiting: list[tuple[SimulatedPeripheral, bool]] = []

    # life cycle ------------------------------------------------------------------------

    def start(self) -> str:
        """Start (the private bus, then org.bluez on it); returns the bus address."""
        if self.service is not None:
            raise RuntimeError("the BlueZ stand-in is already running")
        try:
            if self._bus_address is None:
                self._private_bus = PrivateBus()
                self._bus_address = self._private_bus.start()
            self._host = self._given_host or SimulatorHost()
            self._host.run(self._start())
        except BaseException:
            self.stop()
            raise
        return self._bus_address

    async def _start(self) -> None:
        assert self._bus_address is not None
        self._connection = await MessageBus(bus_address=self._bus_address).connect()
        service = BluezService(self._connection, adapter_address=self._adapter_address,
                               adapter_name=self._adapter_name, timing=self.timing)
        for peripheral, paired in self._waiting:
            service.add_peripheral(peripheral, paired=paired)
        self._waiting.clear()
        await service.start(adapter=self._adapter, powered=self._powered)
        self.service = service

    def stop(self) -> None:
        host, self._host = self._host, None
        if host is not None:
            try:
                host.run(self._stop(), timeout=10)
            finally:
                if self._given_host is None:
                    host.stop()
        self.service = None
        if self._private_bus is not None:
            self._private_bus.stop()
            self._private_bus = None
            self._bus_address = None

    async def _stop(self) -> None:
        if self.service is not None:
            self.service.close()
        if self._connection is not None:
            self._connection.disconnect()
            try:
                await asyncio.wait_for(self._connection.wait_for_disconnect(), 5)
            except Exception:
                pass
            self._connection = None
        for peripheral in (self.service.peripherals.values() if self.service else ()):
            peripheral._attach(None)

    def __enter__(self) -> BluezStandin:
        if self.service is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        """The bus address (give it to bleak as DBUS_SYSTEM_BUS_ADDRESS)."""
        if self._bus_address is None:
            raise RuntimeError("the BlueZ stand-in is not running")
        return self._bus_address

    def environment(self) -> dict[str, str]:
        return {ENV_NAME: self.address}

    # running things on the stand-in's loop -------------------------------------------------

    def call(self, function: Callable[[], T], timeout: float = 30.0) -> T:
        """Call function on the stand-in's loop thread (directly when already there)."""
        if self._host is None:
            raise RuntimeError("the BlueZ stand-in is not running")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._host.loop:
            return function()
        return self._host.call(function, timeout=timeout)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the stand-in's loop from another thread and wait for it."""
        if self._host is None:
            raise RuntimeError("the BlueZ stand-in is not running")
        return self._host.run(coro, timeout)

    # the air and the adapter ---------------------------------------------------------------

    def add(self, peripheral: SimulatedPeripheral, *, paired: bool = False) -> SimulatedPeripheral:
        """Put a peripheral in the air. `paired=True`: BlueZ already knows it as paired
        and bonded (a technician paired it on an earlier visit)."""
        peripheral._attach(self)
        if self.service is None:
            self._waiting.append((peripheral, paired))
        else:
            try:
                self.call(lambda: self._service().add_peripheral(peripheral, paired=paired))
            except BaseException:
                peripheral._attach(None)
                raise
        return peripheral

    def remove(self, address: str) -> SimulatedPeripheral:
        """Take a peripheral out of the air for good (a connection to it is lost)."""
        if self.service is None:
            wanted = normalize_address(address)
            for item in self._waiting:
                if item[0].address == wanted:
                    self._waiting.remove(item)
                    item[0]._attach(None)
                    return item[0]
            raise KeyError(address)
        peripheral = self.call(lambda: self._service().remove_peripheral(address))
        peripheral._attach(None)
        return peripheral

    def peripheral(self, address: str) -> SimulatedPeripheral:
        wanted = normalize_address(address)
        if self.service is None:
            return next(p for p, _ in self._waiting if p.address == wanted)
        return self._service().peripherals[wanted]

    def power(self, on: bool) -> None:
        """Switch the adapter on or off (as `bluetoothctl power off` or rfkill would)."""
        self.call(lambda: self._service().set_powered(on))

    def plug_adapter(self, present: bool) -> None:
        """Plug the Bluetooth dongle in or pull it out."""
        self.call(lambda: self._service().plug_adapter(present))

    @property
    def powered(self) -> bool:
        return self.call(lambda: self._service().adapter.powered)

    def device(self, address: str) -> dict[str, Any] | None:
        """What BlueZ shows for a device now (its org.bluez.Device1 properties), or None."""

        def look() -> dict[str, Any] | None:
            service = self._service()
            device = service.adapter.devices.get(normalize_address(address))
            if device is None or not device.exported:
                return None
            return device.properties("org.bluez.Device1")

        return self.call(look)

    def notify_sessions(self, address: str, uuid: str | int) -> int:
        """How many clients hold a StartNotify session on a characteristic (active or
        waiting for the next connection): each active one gets every notification."""
        from simulators.bluez.gatt import normalize_uuid

        def count() -> int:
            device = self._service().adapter.devices.get(normalize_address(address))
            if device is None:
                return 0
            wanted = normalize_uuid(uuid)
            return sum(len(c.sessions) for c in device.gatt_chars.values() if c.char.uuid == wanted)

        return self.call(count)

    def forget(self, address: str) -> None:
        """Remove a device from BlueZ (as `bluetoothctl remove` does)."""

        def remove() -> None:
            adapter = self._service().adapter
            device = adapter.devices.get(normalize_address(address))
            if device is not None:
                device.temporary = True
                device.drop("local")
                adapter.remove(device)

        self.call(remove)

    def _service(self) -> BluezService:
        if self.service is None:
            raise RuntimeError("the BlueZ stand-in is not running")
        return self.service
