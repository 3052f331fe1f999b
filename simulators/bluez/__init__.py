"""A BlueZ stand-in: the part of bluetoothd's `org.bluez` D-Bus API that bleak uses,
served on a private dbus-daemon, over simulated BLE peripherals. bleak's own BlueZ
backend runs unchanged against it when the process has
`DBUS_SYSTEM_BUS_ADDRESS=<the private bus>`. See docs/bluez-standin.md.

- `bus.PrivateBus`: start and stop the private dbus-daemon.
- `standin.BluezStandin`: the stand-in (bus, service, air, adapter power).
- `peripheral.SimulatedPeripheral`: a peripheral to put in the air.
- `gatt.Service`, `gatt.Characteristic`, `gatt.Descriptor`, `gatt.AttError`: its GATT table.
- `service.Timing`: how long the simulated radio takes.
"""

from simulators.bluez.bus import PrivateBus
from simulators.bluez.gatt import AttError, Characteristic, Descriptor, Service, normalize_uuid
from simulators.bluez.peripheral import SimulatedPeripheral, Write
from simulators.bluez.service import Timing
from simulators.bluez.standin import BluezStandin

__all__ = [
    "AttError",
    "BluezStandin",
    "Characteristic",
    "Descriptor",
    "PrivateBus",
    "Service",
    "SimulatedPeripheral",
    "Timing",
    "Write",
    "normalize_uuid",
]
