"""The part of bluetoothd's `org.bluez` D-Bus service that bleak uses, over simulated
peripherals instead of a radio.

Behaviour follows BlueZ's own sources (src/adapter.c, src/device.c,
src/gatt-client.c, src/error.c); the places are named where it matters. In short:

- Discovery is per client (per unique bus name): `SetDiscoveryFilter`,
  `StartDiscovery` (a second start from the same client: InProgress),
  `StopDiscovery` (drops that client's filter too), and a client leaving the bus
  ends its session. Advertisements are heard only while some client discovers and
  only when they match the merged filters (UUIDs, RSSI/pathloss, pattern), as the
  kernel filters them.
- A device heard for the first time appears with one `InterfacesAdded` carrying its
  advertisement; later advertisements change `RSSI` (by 8 dBm or more, or any
  change under an RSSI filter), `ManufacturerData`, `ServiceData`, `UUIDs`, `Name`.
  When discovery stops, `RSSI` and `TxPower` are invalidated. A device found by
  discovery is temporary: it is removed `temporary_timeout` seconds after its last
  advertisement (BlueZ TemporaryTimeout, default 30 s) unless connected or paired.
- `Connect` makes `Connected` true and replies; services are then resolved
  (`InterfacesAdded` for each GATT object, then `ServicesResolved` true). GATT
  objects stay exported after a disconnect (BlueZ's default `Cache = always`) and
  go only with the device. A disconnection sends `ServicesResolved` false, the
  `Disconnected(reason, message)` signal, then `Connected` false.
- Notification sessions belong to the client that called `StartNotify`; while the
  device is disconnected they stay registered (and `Notifying` keeps its value) and
  are re-enabled on the next connection, and they end when that client leaves the
  bus. bleak avoids that quirk by using a fresh bus connection per BLE connection.
  A notification, and a read, sets `Value` with a `PropertiesChanged` even when the
  value is unchanged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulators.bluez.dbus_tree import BluezError, Call, DBusObject, ObjectTree
from simulators.bluez.gatt import (
    CCCD_UUID,
    AttError,
    Characteristic,
    Descriptor,
    Service,
    normalize_uuid,
    table_signature,
)
from simulators.bluez.interfaces import (
    ADAPTER,
    AGENT_MANAGER,
    DEVICE,
    GATT_CHARACTERISTIC,
    GATT_DESCRIPTOR,
    GATT_SERVICE,
    OBJECT_MANAGER,
)
from simulators.bluez.peripheral import SimulatedPeripheral, Write, normalize_address

if TYPE_CHECKING:
    from dbus_fast.aio import MessageBus

log = logging.getLogger(__name__)

ERR = "org.bluez.Error."
RSSI_THRESHOLD = 8  # src/device.c: only report changes of 8 dBm or more
SCAN_TICK = 0.02
DISCOVERY_FILTERS = ["UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData", "Discoverable", "Pattern"]
AGENT_CAPABILITIES = ("", "DisplayOnly", "DisplayYesNo", "KeyboardOnly", "NoInputNoOutput", "KeyboardDisplay")
DISCONNECT_REASONS = {
    "timeout": ("org.bluez.Reason.Timeout", "Connection timeout"),
    "local": ("org.bluez.Reason.Local", "Connection terminated by local host"),
    "remote": ("org.bluez.Reason.Remote", "Connection terminated by remote user"),
    "auth": ("org.bluez.Reason.Authentication", "Connection terminated due to authentication failure"),
}


def error(name: str, text: str) -> BluezError:
    return BluezError(ERR + name, text)


# src/error.c
def not_ready() -> BluezError:
    return error("NotReady", "Resource Not Ready")


def in_progress(text: str = "In Progress") -> BluezError:
    return error("InProgress", text)


def failed(text: str) -> BluezError:
    return error("Failed", text)


def invalid_args(text: str = "Invalid arguments in method call") -> BluezError:
    return error("InvalidArguments", text)


def att_error(code: int) -> BluezError:
    """src/gatt-client.c create_gatt_dbus_error()."""
    if code == AttError.READ_NOT_PERMITTED:
        return error("NotPermitted", "Read not permitted")
    if code == AttError.WRITE_NOT_PERMITTED:
        return error("NotPermitted", "Write not permitted")
    if code in (AttError.INSUFFICIENT_AUTHENTICATION, AttError.INSUFFICIENT_ENCRYPTION, 0x0C):
        return error("NotPermitted", "Not paired")
    if code == AttError.INVALID_OFFSET:
        return invalid_args("Invalid offset")
    if code == AttError.INVALID_ATTRIBUTE_VALUE_LENGTH:
        return invalid_args("Invalid Length")
    if code == AttError.INSUFFICIENT_AUTHORIZATION:
        return error("NotAuthorized", "Operation Not Authorized")
    if code == AttError.REQUEST_NOT_SUPPORTED:
        return error("NotSupported", "Operation is not supported")
    return failed(f"Operation failed with ATT error: 0x{code:02x}")


@dataclass
class Timing:
    """How long things take on the simulated radio (seconds)."""

    scan_start: float = 0.03  # from StartDiscovery to the first advertisements heard
    connect: float = 0.02  # from Connect to the link being up
    resolve: float = 0.05  # GATT service discovery after the link is up
    pair: float = 0.05  # the pairing exchange
    supervision_timeout: float = 0.5  # a connection to a peripheral gone out of range is lost after this
    connect_timeout: float = 20.0  # a Connect to a peripheral that never advertises fails after this
    temporary_timeout: float = 30.0  # BlueZ TemporaryTimeout; 0 keeps temporary devices for ever


@dataclass
class DiscoveryFilter:
    uuids: set[str] = field(default_factory=set)
    rssi: int | None = None
    pathloss: int | None = None
    duplicate: bool = False
    discoverable: bool = False
    pattern: str = ""

    @classmethod
    def parse(cls, options: dict[str, Any]) -> DiscoveryFilter | None:
        """src/adapter.c parse_discovery_filter_dict(); an empty dict means no filter."""
        if not options:
            return None
        result = cls()
        kinds = {"UUIDs": "as", "RSSI": "n", "Pathloss": "q", "Transport": "s", "DuplicateData": "b",
                 "Discoverable": "b", "Pattern": "s", "AutoConnect": "b"}
        for key, variant in options.items():
            if kinds.get(key) != variant.signature:
                raise invalid_args()
            value = variant.value
            if key == "UUIDs":
                try:
                    result.uuids = {normalize_uuid(u) for u in value}
                except ValueError:
                    raise invalid_args() from None
            elif key == "RSSI":
                if not -127 <= value <= 20:
                    raise invalid_args()
                result.rssi = value
            elif key == "Pathloss":
                if value > 137:
                    raise invalid_args()
                result.pathloss = value
            elif key == "Transport":
                if value not in ("auto", "bredr", "le"):
                    raise invalid_args()
            elif key == "DuplicateData":
                result.duplicate = value
            elif key == "Discoverable":
                result.discoverable = value
            elif key == "Pattern":
                result.pattern = value
        if result.rssi is not None and result.pathloss is not None:
            raise invalid_args()
        return result


@dataclass
class DiscoveryClient:
    owner: str
    filter: DiscoveryFilter | None = None
    discovering: bool = False


@dataclass
class NotifySession:
    owner: str
    active: bool = False  # registered with the peripheral on the current connection


class BluezService:
    """org.bluez on one bus connection: the root objects, at most one adapter (hci0),
    and the air with its simulated peripherals."""

    def __init__(self, bus: MessageBus, *, adapter_address: str = "00:1A:7D:DA:71:13",
                 adapter_name: str = "welfare-hub", timing: Timing | None = None) -> None:
        self.bus = bus
        self.timing = timing or Timing()
        self.tree = ObjectTree(bus, self._name_lost)
        self.peripherals: dict[str, SimulatedPeripheral] = {}
        self.root = RootObject()
        self.agents = AgentManagerObject()
        self.adapter = AdapterObject(self, "/org/bluez/hci0", normalize_address(adapter_address), adapter_name)
        self.tree.export(self.root)
        self.tree.export(self.agents)

    async def start(self, *, adapter: bool = True, powered: bool = True) -> None:
        await self.tree.watch_names()
        self.adapter.powered = powered
        if adapter:
            self.plug_adapter(True)
        reply = await self.bus.request_name("org.bluez")
        log.debug("org.bluez: %s", reply)

    def close(self) -> None:
        """Stop timers and tasks (the bus connection is closed by the owner)."""
        adapter = self.adapter
        if adapter._scan_task is not None:
            adapter._scan_task.cancel()
            adapter._scan_task = None
        for device in adapter.devices.values():
            device.stop_temporary_timer()
            device.cancel_pending(failed("Input/output error"))
            if device._resolve_task is not None:
                device._resolve_task.cancel()
            if device._link_loss is not None:
                device._link_loss.cancel()
        self.tree.close()

    # the air -----------------------------------------------------------------------

    def add_peripheral(self, peripheral: SimulatedPeripheral, *, paired: bool = False) -> None:
        if peripheral.address in self.peripherals:
            raise ValueError(f"a peripheral with address {peripheral.address} is already in the air")
        self.peripherals[peripheral.address] = peripheral
        if paired:
            self.adapter.remember(peripheral)
        self.adapter.kick()

    def remove_peripheral(self, address: str) -> SimulatedPeripheral:
        peripheral = self.peripherals.pop(normalize_address(address))
        self.peripheral_range(peripheral, False, supervision=0.0)
        return peripheral

    def peripheral_changed(self, peripheral: SimulatedPeripheral) -> None:
        self.adapter.kick()

    def peripheral_range(self, peripheral: SimulatedPeripheral, present: bool, *,
                         supervision: float | None = None) -> None:
        device = self.adapter.devices.get(peripheral.address)
        if present:
            self.adapter.kick()
        elif device is not None and device.link is peripheral:
            delay = self.timing.supervision_timeout if supervision is None else supervision
            device.lose_link_after(delay)

    def peripheral_disconnects(self, peripheral: SimulatedPeripheral, reason: str) -> None:
        device = self.adapter.devices.get(peripheral.address)
        if device is not None and device.link is peripheral:
            device.drop(reason)

    def peripheral_notifies(self, peripheral: SimulatedPeripheral, char: Characteristic, data: bytes) -> bool:
        device = self.adapter.devices.get(peripheral.address)
        if device is None or device.link is not peripheral or not char.cccd:
            return False
        obj = device.gatt_chars.get(char.handle)
        if obj is None or obj.char is not char:
            return False
        return obj.notification(data)

    def peripheral_for(self, address: str) -> SimulatedPeripheral | None:
        return self.peripherals.get(address)

    # the adapter -------------------------------------------------------------------

    def plug_adapter(self, present: bool) -> None:
        self.adapter.plug(present)

    def set_powered(self, on: bool) -> None:
        self.adapter.set_powered(on)

    # clients leaving the bus ------------------------------------------------------

    def _name_lost(self, name: str) -> None:
        self.adapter.client_gone(name)
        self.agents.client_gone(name)


class RootObject(DBusObject):
    interfaces = (OBJECT_MANAGER,)

    def __init__(self) -> None:
        super().__init__("/")


class AgentManagerObject(DBusObject):
    """/org/bluez with AgentManager1. Agents are recorded, never asked: pairing in the
    stand-in is Just Works (no passkey, no confirmation)."""

    interfaces = (AGENT_MANAGER,)

    def __init__(self) -> None:
        super().__init__("/org/bluez")
        self.agents: dict[str, tuple[str, str]] = {}
        self.default: str | None = None

    def methods(self) -> dict[tuple[str, str], Callable[[Call], Any]]:
        return {(AGENT_MANAGER, "RegisterAgent"): self._register,
                (AGENT_MANAGER, "UnregisterAgent"): self._unregister,
                (AGENT_MANAGER, "RequestDefaultAgent"): self._request_default}

    def _register(self, call: Call) -> None:
        path, capability = call.args
        if capability not in AGENT_CAPABILITIES:
            raise invalid_args()
        if call.sender in self.agents:
            raise error("AlreadyExists", "Already Exists")
        self.agents[call.sender] = (path, capability or "KeyboardDisplay")

    def _unregister(self, call: Call) -> None:
        if self.agents.get(call.sender, ("",))[0] != call.args[0]:
            raise error("DoesNotExist", "Does Not Exist")
        self.client_gone(call.sender)

    def _request_default(self, call: Call) -> None:
        if self.agents.get(call.sender, ("",))[0] != call.args[0]:
            raise error("DoesNotExist", "Does Not Exist")
        self.default = call.sender

    def client_gone(self, name: str) -> None:
        self.agents.pop(name, None)
        if self.default == name:
            self.default = None


class AdapterObject(DBusObject):
    interfaces = (ADAPTER,)

    def __init__(self, service: BluezService, path: str, address: str, name: str) -> None:
        super().__init__(path)
        self.service = service
        self.address = address
        self.name = name
        self.alias: str | None = None
        self.powered = True
        self.present = False
        self.discoverable = False
        self.discoverable_timeout = 180
        self.pairable = True
        self.pairable_timeout = 0
        self.clients: dict[str, DiscoveryClient] = {}
        self.devices: dict[str, DeviceObject] = {}
        self.found: set[DeviceObject] = set()
        self._scan_task: asyncio.Task[None] | None = None
        self._kicked = asyncio.Event()

    @property
    def timing(self) -> Timing:
        return self.service.timing

    @property
    def discovering(self) -> bool:
        return self.powered and any(c.discovering for c in self.clients.values())

    def properties(self, interface: str) -> dict[str, Any]:
        return {
            "Address": self.address,
            "AddressType": "public",
            "Name": self.name,
            "Alias": self.alias or self.name,
            "Class": 0x7C0104,
            "Powered": self.powered,
            "PowerState": "on" if self.powered else "off",
            "Discoverable": self.discoverable,
            "DiscoverableTimeout": self.discoverable_timeout,
            "Pairable": self.pairable,
            "PairableTimeout": self.pairable_timeout,
            "Discovering": self.discovering,
            "UUIDs": ["00001800-0000-1000-8000-00805f9b34fb", "00001801-0000-1000-8000-00805f9b34fb"],
            "Modalias": "usb:v1D6Bp0246d0542",
            "Roles": ["central", "peripheral"],
        }

    def set_property(self, interface: str, name: str, value: Any, call: Call) -> None:
        if name == "Powered":
            self.set_powered(bool(value))
        elif name == "Alias":
            self.alias = value or None
        elif name == "Discoverable":
            if not self.powered:
                raise not_ready()
            self.discoverable = bool(value)
        elif name == "Pairable":
            self.pairable = bool(value)
        elif name == "DiscoverableTimeout":
            self.discoverable_timeout = int(value)
        elif name == "PairableTimeout":
            self.pairable_timeout = int(value)
        self.refresh()

    def methods(self) -> dict[tuple[str, str], Callable[[Call], Any]]:
        return {(ADAPTER, "StartDiscovery"): self._start_discovery,
                (ADAPTER, "StopDiscovery"): self._stop_discovery,
                (ADAPTER, "SetDiscoveryFilter"): self._set_discovery_filter,
                (ADAPTER, "GetDiscoveryFilters"): lambda call: DISCOVERY_FILTERS,
                (ADAPTER, "RemoveDevice"): self._remove_device}

    # presence and power ------------------------------------------------------------

    def plug(self, present: bool) -> None:
        """The USB dongle plugged in or pulled out. Paired and connected-before devices
        come back with it (BlueZ keeps them in /var/lib/bluetooth)."""
        if present == self.present:
            return
        tree = self.service.tree
        if present:
            self.present = True
            tree.export(self)
            for device in list(self.devices.values()):
                if device.temporary:
                    del self.devices[device.address]
                else:
                    device.export_all()
            self.kick()
        else:
            self._power_down()
            for device in list(self.devices.values()):
                device.unexport_all()
            tree.unexport(self)
            self.present = False

    def set_powered(self, on: bool) -> None:
        if on == self.powered:
            return
        if not on:
            self._power_down()
        self.powered = on
        self.refresh()
        if on:
            self.kick()

    def _power_down(self) -> None:
        """src/adapter.c adapter_stop() and remove_temporary_devices()."""
        for device in list(self.devices.values()):
            device.cancel_pending(failed("Input/output error"))
            device.drop("local")
        was_discovering = self.discovering
        self.clients.clear()
        if was_discovering:
            self._discovery_stopped()
        for device in list(self.devices.values()):
            if device.temporary:
                self.remove(device)

    # discovery -----------------------------------------------------------------------

    def _start_discovery(self, call: Call) -> None:
        if not self.powered:
            raise not_ready()
        client = self.clients.get(call.sender)
        if client is not None and client.discovering:
            raise error("InProgress", "Operation already in progress")
        was = self.discovering
        if client is None:
            client = self.clients[call.sender] = DiscoveryClient(call.sender)
        client.discovering = True
        if not was:
            self.refresh()
            self._scan_task = asyncio.get_running_loop().create_task(self._scan())

    def _stop_discovery(self, call: Call) -> None:
        if not self.powered:
            raise not_ready()
        client = self.clients.get(call.sender)
        if client is None or not client.discovering:
            raise failed("No discovery started")
        del self.clients[call.sender]  # src/adapter.c discovery_stop(): the filter goes too
        if not self.discovering:
            self._discovery_stopped()

    def _set_discovery_filter(self, call: Call) -> None:
        if not self.powered:
            raise not_ready()
        new = DiscoveryFilter.parse(call.args[0])
        client = self.clients.get(call.sender)
        if client is not None:
            client.filter = new
            if new is None and not client.discovering:
                del self.clients[call.sender]
            self.kick()
        elif new is not None:
            self.clients[call.sender] = DiscoveryClient(call.sender, new)

    def client_gone(self, name: str) -> None:
        client = self.clients.pop(name, None)
        if client is not None and client.discovering and not self.discovering:
            self._discovery_stopped()
        for device in list(self.devices.values()):
            device.client_gone(name)

    def _discovery_stopped(self) -> None:
        """src/adapter.c discovery_cleanup(): RSSI and TxPower invalidated; temporary
        devices that cannot be connected go at once, the others on their timer."""
        if self._scan_task is not None:
            self._scan_task.cancel()
            self._scan_task = None
        self.refresh()
        found, self.found = self.found, set()
        for device in found:
            device.rssi = None
            device.tx_power = None
            device.refresh()
        for device in list(self.devices.values()):
            peripheral = self.service.peripheral_for(device.address)
            connectable = peripheral is not None and peripheral.connectable
            if device.temporary and not connectable and not device.connected:
                self.remove(device)

    def kick(self) -> None:
        self._kicked.set()

    async def _scan(self) -> None:
        """Advertisements while discovering. The first ones are heard `scan_start` after
        StartDiscovery (the controller starts scanning after the reply went out; bleak's
        find_device_by_address registers its callback only after starting), then one per
        `adv_interval` of each peripheral, and one at once after a peripheral changed."""
        loop = asyncio.get_running_loop()
        start = loop.time() + self.timing.scan_start
        next_advert: dict[str, float] = {}
        while self.discovering and self.present:
            now = loop.time()
            for peripheral in list(self.service.peripherals.values()):
                if not peripheral.advertises_now():
                    next_advert.pop(peripheral.address, None)
                    continue
                if now >= next_advert.setdefault(peripheral.address, max(start, now)):
                    next_advert[peripheral.address] = now + peripheral.adv_interval
                    try:
                        self._heard(peripheral)
                    except Exception:
                        log.exception("advertisement of %s", peripheral.address)
            self._kicked.clear()
            try:
                await asyncio.wait_for(self._kicked.wait(), SCAN_TICK)
                soon = max(start, loop.time())
                for address, due in next_advert.items():
                    next_advert[address] = min(due, soon)
            except TimeoutError:
                pass

    def _filters(self) -> list[DiscoveryFilter | None]:
        return [c.filter for c in self.clients.values() if c.discovering]

    def _matches(self, peripheral: SimulatedPeripheral) -> bool:
        """src/adapter.c is_filter_match() (the kernel does the same with service discovery)."""
        uuids = set(peripheral.advertised_uuids) | set(peripheral.service_data)
        for item in self._filters():
            if item is None:
                return True
            if item.uuids and not (item.uuids & uuids):
                continue
            if item.pattern and not (peripheral.address.startswith(item.pattern.upper())
                                     or (peripheral.name or "").startswith(item.pattern)):
                continue
            if item.rssi is not None and peripheral.rssi < item.rssi:
                continue
            if item.pathloss is not None and (peripheral.tx_power is None
                                              or peripheral.tx_power - peripheral.rssi > item.pathloss):
                continue
            return True
        return False

    def _heard(self, peripheral: SimulatedPeripheral) -> None:
        """One advertisement: src/adapter.c btd_adapter_device_found()."""
        if not self.discovering or not self._matches(peripheral):
            return
        filters = self._filters()
        duplicate = any(f is not None and f.duplicate for f in filters)
        proximity = any(f is not None and (f.rssi is not None or f.pathloss is not None) for f in filters)
        device = self.devices.get(peripheral.address)
        if device is None:
            device = DeviceObject(self, peripheral.address, peripheral.address_type)
            device.temporary = True
            device.advertised(peripheral, duplicate=False, delta=0)
            self.devices[device.address] = device
            self.service.tree.export(device)
        else:
            device.advertised(peripheral, duplicate=duplicate, delta=0 if proximity else RSSI_THRESHOLD)
        self.found.add(device)
        if device.temporary:
            device.restart_temporary_timer()

    # devices ---------------------------------------------------------------------------

    def remember(self, peripheral: SimulatedPeripheral) -> DeviceObject:
        """A device paired on an earlier visit, as BlueZ loads it from its storage."""
        device = self.devices.get(peripheral.address)
        if device is None:
            device = DeviceObject(self, peripheral.address, peripheral.address_type)
            device.name = peripheral.name
            self.devices[device.address] = device
            if self.present:
                self.service.tree.export(device)
        device.temporary = False
        device.paired = device.bonded = device.trusted = True
        device.refresh()
        return device

    def _remove_device(self, call: Call) -> Any:
        device = next((d for d in self.devices.values() if d.path == call.args[0]), None)
        if device is None:
            raise error("DoesNotExist", "Does Not Exist")
        if not self.powered:
            raise not_ready()
        device.temporary = True
        if device.connected:
            device.drop("local")
        self.remove(device)

    def remove(self, device: DeviceObject) -> None:
        device.cancel_pending(failed("Device removed"))
        device.stop_temporary_timer()
        device.unexport_all()
        self.devices.pop(device.address, None)
        self.found.discard(device)


class DeviceObject(DBusObject):
    interfaces = (DEVICE,)

    def __init__(self, adapter: AdapterObject, address: str, address_type: str) -> None:
        super().__init__(f"{adapter.path}/dev_{address.replace(':', '_')}")
        self.adapter = adapter
        self.address = address
        self.address_type = address_type
        self.name: str | None = None
        self.alias: str | None = None
        self.paired = False
        self.bonded = False
        self.trusted = False
        self.blocked = False
        self.connected = False
        self.services_resolved = False
        self.eir_uuids: set[str] = set()
        self.gatt_uuids: set[str] = set()
        self.rssi: int | None = None
        self.tx_power: int | None = None
        self.appearance: int | None = None
        self.manufacturer_data: dict[int, bytes] = {}
        self.service_data: dict[str, bytes] = {}
        self.temporary = False
        self.link: SimulatedPeripheral | None = None
        self.gatt_services: dict[int, GattServiceObject] = {}
        self.gatt_chars: dict[int, GattCharacteristicObject] = {}
        self.gatt_descs: dict[int, GattDescriptorObject] = {}
        self._gatt_signature: tuple | None = None
        self._connecting: asyncio.Future[None] | None = None
        self._bonding: asyncio.Task[None] | None = None
        self._resolve_task: asyncio.Task[None] | None = None
        self._resolved = asyncio.Event()
        self._disconnects: list[asyncio.Future[None]] = []
        self._temporary_timer: asyncio.TimerHandle | None = None
        self._link_loss: asyncio.TimerHandle | None = None

    @property
    def timing(self) -> Timing:
        return self.adapter.timing

    def properties(self, interface: str) -> dict[str, Any]:
        values: dict[str, Any] = {
            "Address": self.address,
            "AddressType": self.address_type,
            "Alias": self.alias or self.name or self.address.replace(":", "-"),
            "Paired": self.paired,
            "Bonded": self.bonded,
            "Trusted": self.trusted,
            "Blocked": self.blocked,
            "LegacyPairing": False,
            "Connected": self.connected,
            "ServicesResolved": self.services_resolved,
            "Adapter": self.adapter.path,
            "AdvertisingFlags": b"\x06",
        }
        if self.name is not None:
            values["Name"] = self.name
        uuids = self.eir_uuids | self.gatt_uuids
        if uuids:
            values["UUIDs"] = sorted(uuids)
        if self.rssi is not None:
            values["RSSI"] = self.rssi
        if self.tx_power is not None:
            values["TxPower"] = self.tx_power
        if self.appearance:
            values["Appearance"] = self.appearance
        if self.manufacturer_data:
            values["ManufacturerData"] = dict(self.manufacturer_data)
        if self.service_data:
            values["ServiceData"] = dict(self.service_data)
        return values

    def set_property(self, interface: str, name: str, value: Any, call: Call) -> None:
        if name == "Trusted":
            self.trusted = bool(value)
        elif name == "Blocked":
            self.blocked = bool(value)
            if self.blocked and self.connected:
                self.drop("local")
        elif name == "Alias":
            self.alias = value or None
        self.refresh()

    def methods(self) -> dict[tuple[str, str], Callable[[Call], Any]]:
        return {(DEVICE, "Connect"): self._connect,
                (DEVICE, "Disconnect"): self._disconnect,
                (DEVICE, "Pair"): self._pair,
                (DEVICE, "CancelPairing"): self._cancel_pairing}

    # advertisements and the temporary timer ------------------------------------------

    def advertised(self, peripheral: SimulatedPeripheral, *, duplicate: bool, delta: int) -> None:
        force: list[str] = []
        if self.rssi is None or abs(self.rssi - peripheral.rssi) >= delta:
            if self.rssi != peripheral.rssi:
                self.rssi = peripheral.rssi
                force.append("RSSI")
        if peripheral.name is not None:
            self.name = peripheral.name
        self.eir_uuids |= set(peripheral.advertised_uuids) | set(peripheral.service_data)
        if peripheral.tx_power is not None:
            self.tx_power = peripheral.tx_power
        if peripheral.appearance:
            self.appearance = peripheral.appearance
        if peripheral.manufacturer_data:
            self.manufacturer_data.update(peripheral.manufacturer_data)
            if duplicate:
                force.append("ManufacturerData")
        if peripheral.service_data:
            self.service_data.update(peripheral.service_data)
            if duplicate:
                force.append("ServiceData")
        self.refresh(force=tuple(force))

    def restart_temporary_timer(self) -> None:
        self.stop_temporary_timer()
        if self.timing.temporary_timeout > 0:
            loop = asyncio.get_running_loop()
            self._temporary_timer = loop.call_later(self.timing.temporary_timeout, self._disappeared)

    def stop_temporary_timer(self) -> None:
        if self._temporary_timer is not None:
            self._temporary_timer.cancel()
            self._temporary_timer = None

    def _disappeared(self) -> None:
        self._temporary_timer = None
        if not self.temporary:
            return
        if self.connected or self._connecting is not None or self._bonding is not None:
            self.restart_temporary_timer()
            return
        self.adapter.remove(self)

    def set_temporary(self, temporary: bool) -> None:
        """src/device.c btd_device_set_temporary(): a private address stays temporary."""
        if self.address_type == "random" and int(self.address[:2], 16) >> 6 in (0, 1):
            return
        self.temporary = temporary
        if temporary:
            self.restart_temporary_timer()
        else:
            self.stop_temporary_timer()

    # export ------------------------------------------------------------------------------

    def export_all(self) -> None:
        tree = self.adapter.service.tree
        tree.export(self)
        for obj in self._gatt_objects():
            tree.export(obj)

    def unexport_all(self) -> None:
        tree = self.adapter.service.tree
        for obj in reversed(self._gatt_objects()):
            tree.unexport(obj)
        tree.unexport(self)

    def _gatt_objects(self) -> list[DBusObject]:
        objects: list[DBusObject] = []
        for service in self.gatt_services.values():
            objects.append(service)
            for char in service.chars:
                objects.append(char)
                objects.extend(char.descs)
        return objects

    # connecting --------------------------------------------------------------------------

    def _peripheral(self) -> SimulatedPeripheral | None:
        return self.adapter.service.peripheral_for(self.address)

    def _reachable(self) -> SimulatedPeripheral | None:
        peripheral = self._peripheral()
        if peripheral is None or not peripheral.in_range or not peripheral.connectable:
            return None
        if not peripheral.advertising or (peripheral.connected and self.link is not peripheral):
            return None
        return peripheral

    async def _connect(self, call: Call) -> None:
        """src/device.c dev_connect() (LE)."""
        if self._bonding is not None:
            raise in_progress()
        if self._connecting is not None:
            raise in_progress()
        if self.connected:
            return
        if not self.adapter.powered:
            raise failed("Input/output error")
        self.set_temporary(False)
        await self._establish()

    async def _establish(self) -> None:
        loop = asyncio.get_running_loop()
        self._connecting = loop.create_future()
        try:
            deadline = loop.time() + self.timing.connect_timeout
            await asyncio.sleep(self.timing.connect)
            while (peripheral := self._reachable()) is None:
                if loop.time() >= deadline:
                    # The controller gave up the LE Create Connection: BlueZ reports it so.
                    raise failed("le-connection-abort-by-local")
                await asyncio.wait({self._connecting}, timeout=0.02)
                if self._connecting.done():
                    self._connecting.result()
            if self._connecting.done():
                self._connecting.result()
            if peripheral.connect_failures > 0:
                # The link came up and was given up at once (interference, a busy
                # controller): BlueZ announces Connected, answers the error, then takes
                # the link back; bleak waits for that before it tries again.
                peripheral.connect_failures -= 1
                self.connected = True
                self.refresh()
                loop.call_soon(self.drop, "local")
                raise failed("le-connection-abort-by-local")
            self._link_up(peripheral)
        finally:
            self._connecting = None

    def cancel_pending(self, reason: BluezError) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.set_exception(reason)
        if self._bonding is not None:
            self._bonding.cancel()

    def _link_up(self, peripheral: SimulatedPeripheral) -> None:
        self.link = peripheral
        peripheral._connected = True
        self.connected = True
        self.stop_temporary_timer()
        self.refresh()
        try:
            peripheral.on_connect()
        except Exception:
            log.exception("%s on_connect", peripheral.address)
        peripheral._touch()
        self._resolved = asyncio.Event()
        self._resolve_task = asyncio.get_running_loop().create_task(self._resolve(peripheral))

    async def _resolve(self, peripheral: SimulatedPeripheral) -> None:
        """GATT discovery; the cached objects are kept if the table did not change."""
        await asyncio.sleep(self.timing.resolve)
        if self.link is not peripheral:
            return
        signature = table_signature(peripheral.services)
        if signature != self._gatt_signature or not self.gatt_services:
            tree = self.adapter.service.tree
            for obj in reversed(self._gatt_objects()):
                tree.unexport(obj)
            self.gatt_services.clear()
            self.gatt_chars.clear()
            self.gatt_descs.clear()
            for service in peripheral.services:
                service_obj = GattServiceObject(self, service)
                self.gatt_services[service.handle] = service_obj
                tree.export(service_obj)
                for char in service.characteristics:
                    char_obj = GattCharacteristicObject(service_obj, char)
                    service_obj.chars.append(char_obj)
                    self.gatt_chars[char.handle] = char_obj
                    tree.export(char_obj)
                    for desc in char.descriptors:
                        desc_obj = GattDescriptorObject(char_obj, desc)
                        char_obj.descs.append(desc_obj)
                        self.gatt_descs[desc.handle] = desc_obj
                        tree.export(desc_obj)
            self._gatt_signature = signature
        else:  # same table: the cached objects now stand for the peripheral's attributes
            for service in peripheral.services:
                for char in service.characteristics:
                    self.gatt_chars[char.handle].char = char
                    for desc in char.descriptors:
                        self.gatt_descs[desc.handle].desc = desc
        self.gatt_uuids = {s.uuid for s in peripheral.services if s.primary}
        self.services_resolved = True
        self.refresh()
        self._resolved.set()
        for char_obj in self.gatt_chars.values():
            char_obj.reregister()  # src/gatt-client.c btd_gatt_client_connected()

    def lose_link_after(self, delay: float) -> None:
        if self._link_loss is not None:
            return
        if delay <= 0:
            self.drop("timeout")
            return
        loop = asyncio.get_running_loop()
        self._link_loss = loop.call_later(delay, self._supervision_timeout)

    def _supervision_timeout(self) -> None:
        self._link_loss = None
        peripheral = self.link
        if peripheral is not None and not peripheral.in_range:
            self.drop("timeout")

    def drop(self, reason: str) -> None:
        """The connection ended: src/device.c device_remove_connection()."""
        if self._link_loss is not None:
            self._link_loss.cancel()
            self._link_loss = None
        if not self.connected:
            return
        peripheral, self.link = self.link, None
        if self._resolve_task is not None:
            self._resolve_task.cancel()
            self._resolve_task = None
        for char_obj in self.gatt_chars.values():
            char_obj.link_lost(keep_cccd=self.bonded)
        if peripheral is not None:  # the radio link is gone before BlueZ tells anyone
            peripheral._connected = False
            try:
                peripheral.on_disconnect(reason)
            except Exception:
                log.exception("%s on_disconnect", peripheral.address)
        self.services_resolved = False
        self.refresh()
        self.emit(DEVICE, "Disconnected", "ss", list(DISCONNECT_REASONS[reason]))
        self.connected = False
        self.refresh()
        if self._bonding is not None:
            self._bonding.cancel()
        for waiter in self._disconnects:
            if not waiter.done():
                waiter.set_result(None)
        self._disconnects.clear()
        if peripheral is not None:
            peripheral._touch()
        if self.temporary:
            self.restart_temporary_timer()
        self.adapter.kick()

    async def _disconnect(self, call: Call) -> None:
        """src/device.c dev_disconnect(): replies once the link is down."""
        self.cancel_pending(failed("br-connection-canceled"))
        if not self.connected:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._disconnects.append(waiter)
        asyncio.get_running_loop().call_soon(self.drop, "local")
        await waiter

    # pairing -------------------------------------------------------------------------------

    async def _pair(self, call: Call) -> None:
        """src/device.c pair_device(): connects first if need be; Just Works."""
        if self._bonding is not None or self._connecting is not None:
            raise in_progress()
        if self.bonded:
            raise error("AlreadyExists", "Already Exists")
        if not self.adapter.powered:
            raise failed("Input/output error")
        self.set_temporary(False)
        self._bonding = asyncio.current_task()
        try:
            if not self.connected:
                await self._establish()
            await asyncio.sleep(self.timing.pair)
            peripheral = self.link
            if peripheral is None:
                raise error("AuthenticationCanceled", "Authentication Canceled")
            if not peripheral.pairing_mode:
                raise error("AuthenticationFailed", "Authentication Failed")
            # src/device.c: Paired is announced once services are resolved (pending_paired)
            await self._resolved.wait()
            self.paired = self.bonded = True
            self.refresh()
            try:
                peripheral.on_paired()
            except Exception:
                log.exception("%s on_paired", peripheral.address)
        except asyncio.CancelledError:
            raise error("AuthenticationCanceled", "Authentication Canceled") from None
        finally:
            self._bonding = None

    def _cancel_pairing(self, call: Call) -> None:
        if self._bonding is None:
            raise error("DoesNotExist", "Does Not Exist")
        self._bonding.cancel()

    def client_gone(self, name: str) -> None:
        for char_obj in self.gatt_chars.values():
            char_obj.client_gone(name)

    async def until_resolved(self) -> None:
        await self._resolved.wait()


class GattServiceObject(DBusObject):
    interfaces = (GATT_SERVICE,)

    def __init__(self, device: DeviceObject, service: Service) -> None:
        super().__init__(f"{device.path}/service{service.handle:04x}")
        self.device = device
        self.service = service
        self.chars: list[GattCharacteristicObject] = []

    def properties(self, interface: str) -> dict[str, Any]:
        return {"Handle": self.service.handle, "UUID": self.service.uuid, "Device": self.device.path,
                "Primary": self.service.primary, "Includes": []}


class GattCharacteristicObject(DBusObject):
    interfaces = (GATT_CHARACTERISTIC,)

    def __init__(self, service: GattServiceObject, char: Characteristic) -> None:
        super().__init__(f"{service.path}/char{char.handle:04x}")
        self.service = service
        self.device = service.device
        self.char = char
        self.value: bytes | None = None  # BlueZ's cached copy: none until read or notified
        self.notifying = False
        self.sessions: dict[str, NotifySession] = {}
        self.descs: list[GattDescriptorObject] = []

    def properties(self, interface: str) -> dict[str, Any]:
        peripheral = self.device.link or self.device._peripheral()
        values: dict[str, Any] = {
            "Handle": self.char.handle,
            "UUID": self.char.uuid,
            "Service": self.service.path,
            "Flags": list(self.char.flags),
            "MTU": peripheral.mtu if peripheral is not None else 23,
        }
        if self.value is not None:
            values["Value"] = self.value
        if self.char.can_subscribe:
            values["Notifying"] = self.notifying
        return values

    def methods(self) -> dict[tuple[str, str], Callable[[Call], Any]]:
        return {(GATT_CHARACTERISTIC, "ReadValue"): self._read,
                (GATT_CHARACTERISTIC, "WriteValue"): self._write,
                (GATT_CHARACTERISTIC, "StartNotify"): self._start_notify,
                (GATT_CHARACTERISTIC, "StopNotify"): self._stop_notify,
                (GATT_CHARACTERISTIC, "AcquireWrite"): self._not_supported,
                (GATT_CHARACTERISTIC, "AcquireNotify"): self._not_supported}

    def _linked(self) -> SimulatedPeripheral:
        peripheral = self.device.link
        if peripheral is None or not self.device.connected:
            raise failed("Not connected")
        return peripheral

    def _not_supported(self, call: Call) -> None:
        raise error("NotSupported", "Operation is not supported")

    def _read(self, call: Call) -> bytes:
        """src/gatt-client.c characteristic_read_value(): the value read is also cached
        in Value, with a PropertiesChanged, even if unchanged."""
        peripheral = self._linked()
        offset = _offset(call.args[0])
        try:
            if "read" not in self.char.flags:
                raise AttError(AttError.READ_NOT_PERMITTED)
            if peripheral.is_encrypted(self.char) and not self.device.bonded:
                raise AttError(AttError.INSUFFICIENT_AUTHENTICATION)
            value = bytes(peripheral.on_read(self.char))
            if offset > len(value):
                raise AttError(AttError.INVALID_OFFSET)
        except AttError as refusal:
            raise att_error(refusal.code) from None
        self.value = value[offset:] if offset == 0 else (self.value or b"")[:offset] + value[offset:]
        self.refresh(force=("Value",))
        return value[offset:]

    def _write(self, call: Call) -> None:
        """src/gatt-client.c characteristic_write_value()."""
        peripheral = self._linked()
        data, options = call.args
        kind = options.get("type")
        kind = kind.value if kind is not None else None
        _offset(options)
        if kind is None:
            if "reliable-write" in self.char.flags or "write" in self.char.flags:
                kind = "request"
            elif "write-without-response" in self.char.flags:
                kind = "command"
            else:
                raise error("NotSupported", "Operation is not supported")
        if kind not in ("request", "command", "reliable"):
            raise invalid_args()
        response = kind != "command"
        if not response and ("write-without-response" not in self.char.flags
                             or (peripheral.is_encrypted(self.char) and not self.device.bonded)):
            return  # a write command the peripheral may not take is dropped without a word
        peripheral.writes.append(Write(self.char.uuid, bytes(data), response))
        peripheral._touch()
        try:
            if response and "write" not in self.char.flags and "reliable-write" not in self.char.flags:
                raise AttError(AttError.WRITE_NOT_PERMITTED)
            if peripheral.is_encrypted(self.char) and not self.device.bonded:
                raise AttError(AttError.INSUFFICIENT_AUTHENTICATION)
            peripheral.on_write(self.char, bytes(data), response)
        except AttError as refusal:
            if response:
                raise att_error(refusal.code) from None
        finally:
            peripheral._touch()

    def _start_notify(self, call: Call) -> None:
        """src/gatt-client.c characteristic_start_notify(): one session per client."""
        if not self.char.can_subscribe:
            raise error("NotSupported", "Operation is not supported")
        session = self.sessions.get(call.sender)
        if session is not None:
            if session.active or not self.device.connected:
                return
            raise in_progress()
        session = self.sessions[call.sender] = NotifySession(call.sender)
        if not self.device.connected:
            return  # registered for the next connection
        try:
            self._register(session)
        except BluezError:
            del self.sessions[call.sender]
            raise

    def _register(self, session: NotifySession) -> None:
        peripheral = self._linked()
        if peripheral.is_encrypted(self.char) and not self.device.bonded:
            raise att_error(AttError.INSUFFICIENT_AUTHENTICATION)
        if not self.char.cccd:
            self.char.cccd = 1 if "notify" in self.char.flags else 2
            try:
                peripheral.on_subscribe(self.char, True)
            except AttError as refusal:
                self.char.cccd = 0
                raise att_error(refusal.code) from None
            finally:
                peripheral._touch()
        session.active = True
        if not self.notifying:
            self.notifying = True
            self.refresh()

    def reregister(self) -> None:
        for owner, session in list(self.sessions.items()):
            if not session.active:
                try:
                    self._register(session)
                except BluezError:
                    del self.sessions[owner]

    def _stop_notify(self, call: Call) -> None:
        session = self.sessions.pop(call.sender, None)
        if session is None:
            raise failed("No notify session started")
        self._session_ended()

    def client_gone(self, name: str) -> None:
        if self.sessions.pop(name, None) is not None:
            self._session_ended()

    def _session_ended(self) -> None:
        if not any(s.active for s in self.sessions.values()):
            peripheral = self.device.link
            if peripheral is not None and self.char.cccd:
                self.char.cccd = 0
                try:
                    peripheral.on_subscribe(self.char, False)
                except AttError:
                    pass
                peripheral._touch()
            if self.notifying:  # src/gatt-client.c update_notifying()
                self.notifying = False
                self.refresh()

    def link_lost(self, *, keep_cccd: bool) -> None:
        """The sessions stay, inactive; Notifying keeps its value (clear_notify_id()).
        A bonded peripheral keeps its CCCD, an unbonded one forgets it."""
        for session in self.sessions.values():
            session.active = False
        if not keep_cccd:
            self.char.cccd = 0

    def notification(self, data: bytes) -> bool:
        """Each registered session has its own handler in BlueZ's bt_gatt_client, and
        each writes the value and flushes a PropertiesChanged: two sessions (a client
        that kept its old bus connection across a reconnect and subscribed again) mean
        the notification arrives twice. None registered: dropped."""
        active = sum(1 for s in self.sessions.values() if s.active)
        for _ in range(active):
            self.value = data
            self.refresh(force=("Value",))
        return active > 0


class GattDescriptorObject(DBusObject):
    interfaces = (GATT_DESCRIPTOR,)

    def __init__(self, char: GattCharacteristicObject, desc: Descriptor) -> None:
        super().__init__(f"{char.path}/desc{desc.handle:04x}")
        self.char_obj = char
        self.desc = desc
        self.value: bytes | None = None

    def properties(self, interface: str) -> dict[str, Any]:
        values: dict[str, Any] = {"Handle": self.desc.handle, "UUID": self.desc.uuid,
                                  "Characteristic": self.char_obj.path, "Flags": list(self.desc.flags)}
        if self.value is not None:
            values["Value"] = self.value
        return values

    def methods(self) -> dict[tuple[str, str], Callable[[Call], Any]]:
        return {(GATT_DESCRIPTOR, "ReadValue"): self._read, (GATT_DESCRIPTOR, "WriteValue"): self._write}

    def _read(self, call: Call) -> bytes:
        peripheral = self.char_obj._linked()
        offset = _offset(call.args[0])
        if self.desc.uuid == CCCD_UUID:
            value = self.char_obj.char.cccd.to_bytes(2, "little")
        elif "read" not in self.desc.flags:
            raise att_error(AttError.READ_NOT_PERMITTED)
        elif peripheral.is_encrypted(self.char_obj.char) and not self.char_obj.device.bonded:
            raise att_error(AttError.INSUFFICIENT_AUTHENTICATION)
        else:
            value = self.desc.value
        if offset > len(value):
            raise att_error(AttError.INVALID_OFFSET)
        self.value = value
        self.refresh(force=("Value",))
        return value[offset:]

    def _write(self, call: Call) -> None:
        peripheral = self.char_obj._linked()
        data, options = call.args
        _offset(options)
        if self.desc.uuid == CCCD_UUID:  # only through StartNotify / StopNotify
            raise error("NotPermitted", "Write not permitted")
        if "write" not in self.desc.flags:
            raise att_error(AttError.WRITE_NOT_PERMITTED)
        if peripheral.is_encrypted(self.char_obj.char) and not self.char_obj.device.bonded:
            raise att_error(AttError.INSUFFICIENT_AUTHENTICATION)
        self.desc.value = bytes(data)


def _offset(options: dict[str, Any]) -> int:
    variant = options.get("offset")
    if variant is None:
        return 0
    if variant.signature != "q":
        raise invalid_args()
    return int(variant.value)
