"""What the hub tells the care service about its devices with each heartbeat, for the
nurse's resident page: every serial device, every sensor its receiver knows, and every
paired Bluetooth device, each with battery and last contact. Only the state of the
devices, never a reading."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from devices.ble_health import BleStatus
from devices.framed_device import DeviceStatus
from devices.sensor_receiver import SensorReceiver

SERIAL_NAMES = {"dispenser": "Medicine dispenser", "sensor_receiver": "Sensor receiver", "gsm_modem": "Mobile modem"}
SENSOR_NAMES = {"fall": "Fall sensor", "help": "Help pendant", "bed": "Bed sensor", "door": "Door sensor"}


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def device_report(serial: list[tuple[DeviceStatus, Any]], ble: list[BleStatus]) -> list[dict[str, Any]]:
    """`serial`: (status, the device object) per assigned port."""
    report: list[dict[str, Any]] = []
    for status, device in serial:
        model = status.identity.model if status.identity else ""
        name = SERIAL_NAMES.get(status.kind, status.kind) + (f" ({model})" if model else "")
        problem = "silent" if status.silent else status.problem
        report.append({"name": name, "kind": status.kind, "battery": status.battery,
                       "last_contact": _when(status.last_contact), "connected": status.connected, "problem": problem})
        if isinstance(device, SensorReceiver):
            for sensor in device.sensors.values():
                report.append({"name": f"{SENSOR_NAMES.get(sensor.kind, sensor.kind)} {sensor.sensor_id}",
                               "kind": f"sensor_{sensor.kind}", "battery": sensor.battery,
                               "last_contact": _when(sensor.last_seen), "connected": not sensor.silent,
                               "problem": "silent" if sensor.silent else ("battery low" if sensor.battery_low else "")})
    for status in ble:
        report.append({"name": status.name or status.profile, "kind": f"ble_{status.profile}", "battery": status.battery,
                       "last_contact": _when(status.last_contact), "connected": status.connected,
                       "problem": status.resident_problem or ""})
    return report
