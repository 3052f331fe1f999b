"""The kinds of device in a home, and the Bluetooth LE health profiles the hub takes
readings from: each profile's name (the technician's and the care plan's word), its
device kind, the GATT service it advertises, the characteristics the hub listens to and
the kind of reading each gives (vocabulary/measures.py). The hub's BLE devices, the
BLE codecs' UUIDs and the BlueZ stand-in's simulated devices read this table.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class DeviceKind(str, enum.Enum):
    """Kinds of things in a home the resident may be told about in plain words."""

    DISPENSER = "dispenser"
    SENSOR_RECEIVER = "sensor_receiver"
    GSM_MODEM = "gsm_modem"
    BLOOD_PRESSURE_MONITOR = "blood_pressure_monitor"
    PULSE_SENSOR = "pulse_sensor"
    PULSE_OXIMETER = "pulse_oximeter"
    THERMOMETER = "thermometer"
    WEIGHT_SCALE = "weight_scale"
    GLUCOSE_METER = "glucose_meter"
    CARE_SERVICE_LINK = "care_service_link"
    HUB = "hub"  # the hub itself (its store cannot write)
    FALL_SENSOR = "fall_sensor"
    HELP_PENDANT = "help_pendant"
    BED_SENSOR = "bed_sensor"
    DOOR_SENSOR = "door_sensor"


SIG_BASE_UUID = "0000{:04x}-0000-1000-8000-00805f9b34fb"


def sig_uuid(short: int) -> str:
    """A Bluetooth SIG UUID as bleak writes it: 0x2A35 -> '00002a35-0000-1000-8000-00805f9b34fb'."""
    return SIG_BASE_UUID.format(short)


# The health services and the characteristics the hub listens to (STANDARDS.md section 1).
BLOOD_PRESSURE_SERVICE = sig_uuid(0x1810)
HEART_RATE_SERVICE = sig_uuid(0x180D)
PULSE_OXIMETER_SERVICE = sig_uuid(0x1822)
HEALTH_THERMOMETER_SERVICE = sig_uuid(0x1809)
WEIGHT_SCALE_SERVICE = sig_uuid(0x181D)
GLUCOSE_SERVICE = sig_uuid(0x1808)
BLOOD_PRESSURE_MEASUREMENT = sig_uuid(0x2A35)
INTERMEDIATE_CUFF_PRESSURE = sig_uuid(0x2A36)
HEART_RATE_MEASUREMENT = sig_uuid(0x2A37)
PLX_SPOT_CHECK_MEASUREMENT = sig_uuid(0x2A5E)
PLX_CONTINUOUS_MEASUREMENT = sig_uuid(0x2A5F)
TEMPERATURE_MEASUREMENT = sig_uuid(0x2A1C)
WEIGHT_MEASUREMENT = sig_uuid(0x2A9D)
GLUCOSE_MEASUREMENT = sig_uuid(0x2A18)


@dataclass(frozen=True)
class BleProfile:
    """A SIG health profile: what to listen to, and what the hub calls its readings."""

    name: str  # blood_pressure, pulse, oximeter, thermometer, scale, glucose
    kind: DeviceKind
    service: str
    measurements: Mapping[str, str]  # characteristic -> the reading type stored (vocabulary/measures.py)
    live: tuple[str, ...] = ()  # shown while measuring, never stored (cuff pressure)
    planned: bool = True  # the care plan may ask the resident to measure with it (a pulse sensor just streams)

    @property
    def reading_type(self) -> str:
        """The kind of reading it gives (each profile gives one)."""
        return next(iter(self.measurements.values()))

    @property
    def measurement(self) -> str:
        """The characteristic a measurement arrives on first (a spot check, not a stream)."""
        return next(iter(self.measurements))


BLE_PROFILES: dict[str, BleProfile] = {p.name: p for p in (
    BleProfile("blood_pressure", DeviceKind.BLOOD_PRESSURE_MONITOR, BLOOD_PRESSURE_SERVICE,
               {BLOOD_PRESSURE_MEASUREMENT: "blood_pressure"}, live=(INTERMEDIATE_CUFF_PRESSURE,)),
    BleProfile("pulse", DeviceKind.PULSE_SENSOR, HEART_RATE_SERVICE, {HEART_RATE_MEASUREMENT: "heart_rate"},
               planned=False),
    BleProfile("oximeter", DeviceKind.PULSE_OXIMETER, PULSE_OXIMETER_SERVICE,
               {PLX_SPOT_CHECK_MEASUREMENT: "oxygen_saturation", PLX_CONTINUOUS_MEASUREMENT: "oxygen_saturation"}),
    BleProfile("thermometer", DeviceKind.THERMOMETER, HEALTH_THERMOMETER_SERVICE,
               {TEMPERATURE_MEASUREMENT: "body_temperature"}),
    BleProfile("scale", DeviceKind.WEIGHT_SCALE, WEIGHT_SCALE_SERVICE, {WEIGHT_MEASUREMENT: "body_weight"}),
    BleProfile("glucose", DeviceKind.GLUCOSE_METER, GLUCOSE_SERVICE, {GLUCOSE_MEASUREMENT: "blood_glucose"}),
)}
# What a care plan's measurement names: the profiles a resident measures with.
PLANNED_MEASUREMENTS = tuple(p.name for p in BLE_PROFILES.values() if p.planned)


def profile_for(service_uuids: Iterable[str]) -> BleProfile | None:
    """The health profile a device advertising these services speaks, if any."""
    wanted = {s.lower() for s in service_uuids}
    return next((p for p in BLE_PROFILES.values() if p.service in wanted), None)
