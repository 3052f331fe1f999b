"""The Bluetooth SIG UUIDs the hub uses, as bleak writes them (full 128-bit, lower
case), and the parsing of the short forms a technician types. The health services and
the measurements the hub listens to are the profiles' (vocabulary/device_kinds.py)."""

from __future__ import annotations

import re

from drivers.ble.errors import BleCodecError
from vocabulary.device_kinds import (
    BLOOD_PRESSURE_MEASUREMENT,
    BLOOD_PRESSURE_SERVICE,
    GLUCOSE_MEASUREMENT,
    GLUCOSE_SERVICE,
    HEALTH_THERMOMETER_SERVICE,
    HEART_RATE_MEASUREMENT,
    HEART_RATE_SERVICE,
    INTERMEDIATE_CUFF_PRESSURE,
    PLX_CONTINUOUS_MEASUREMENT,
    PLX_SPOT_CHECK_MEASUREMENT,
    PULSE_OXIMETER_SERVICE,
    TEMPERATURE_MEASUREMENT,
    WEIGHT_MEASUREMENT,
    WEIGHT_SCALE_SERVICE,
)
from vocabulary.device_kinds import SIG_BASE_UUID as BASE_UUID
from vocabulary.device_kinds import sig_uuid as full_uuid


def short_uuid(text: str) -> int:
    """'2a35', '0x2A35', '00002a35' or '00002a35-0000-1000-8000-00805f9b34fb' -> 0x2A35."""
    if not isinstance(text, str):
        raise BleCodecError(f"a UUID is text, not {type(text).__name__}")
    cleaned = text.strip().lower()
    match = (re.fullmatch(r"(?:0x)?([0-9a-f]{4})", cleaned)
             or re.fullmatch(r"(?:0x)?0000([0-9a-f]{4})", cleaned)
             or re.fullmatch(r"0000([0-9a-f]{4})-0000-1000-8000-00805f9b34fb", cleaned))
    if match is None:
        raise BleCodecError(f"{text!r} is not a Bluetooth SIG UUID (write it as 2a35, 0x2A35 or "
                            f"00002a35-0000-1000-8000-00805f9b34fb)")
    return int(match.group(1), 16)


# -- services (the health services: vocabulary/device_kinds.py) ------------------------
BATTERY_SERVICE = full_uuid(0x180F)
DEVICE_INFORMATION_SERVICE = full_uuid(0x180A)
CURRENT_TIME_SERVICE = full_uuid(0x1805)

# -- characteristics (the health measurements: vocabulary/device_kinds.py) -------------
BLOOD_PRESSURE_FEATURE = full_uuid(0x2A49)
PLX_FEATURES = full_uuid(0x2A60)
INTERMEDIATE_TEMPERATURE = full_uuid(0x2A1E)
WEIGHT_SCALE_FEATURE = full_uuid(0x2A9E)
GLUCOSE_MEASUREMENT_CONTEXT = full_uuid(0x2A34)
GLUCOSE_FEATURE = full_uuid(0x2A51)
RECORD_ACCESS_CONTROL_POINT = full_uuid(0x2A52)
CURRENT_TIME = full_uuid(0x2A2B)
BATTERY_LEVEL = full_uuid(0x2A19)
MANUFACTURER_NAME = full_uuid(0x2A29)
MODEL_NUMBER = full_uuid(0x2A24)
SERIAL_NUMBER = full_uuid(0x2A25)
FIRMWARE_REVISION = full_uuid(0x2A26)
HARDWARE_REVISION = full_uuid(0x2A27)
SOFTWARE_REVISION = full_uuid(0x2A28)

NAMES = {
    BLOOD_PRESSURE_SERVICE: "Blood Pressure",
    HEART_RATE_SERVICE: "Heart Rate",
    PULSE_OXIMETER_SERVICE: "Pulse Oximeter",
    HEALTH_THERMOMETER_SERVICE: "Health Thermometer",
    WEIGHT_SCALE_SERVICE: "Weight Scale",
    GLUCOSE_SERVICE: "Glucose",
    BATTERY_SERVICE: "Battery",
    DEVICE_INFORMATION_SERVICE: "Device Information",
    CURRENT_TIME_SERVICE: "Current Time",
    BLOOD_PRESSURE_MEASUREMENT: "Blood Pressure Measurement",
    INTERMEDIATE_CUFF_PRESSURE: "Intermediate Cuff Pressure",
    BLOOD_PRESSURE_FEATURE: "Blood Pressure Feature",
    HEART_RATE_MEASUREMENT: "Heart Rate Measurement",
    PLX_SPOT_CHECK_MEASUREMENT: "PLX Spot-check Measurement",
    PLX_CONTINUOUS_MEASUREMENT: "PLX Continuous Measurement",
    PLX_FEATURES: "PLX Features",
    TEMPERATURE_MEASUREMENT: "Temperature Measurement",
    INTERMEDIATE_TEMPERATURE: "Intermediate Temperature",
    WEIGHT_MEASUREMENT: "Weight Measurement",
    WEIGHT_SCALE_FEATURE: "Weight Scale Feature",
    GLUCOSE_MEASUREMENT: "Glucose Measurement",
    GLUCOSE_MEASUREMENT_CONTEXT: "Glucose Measurement Context",
    GLUCOSE_FEATURE: "Glucose Feature",
    RECORD_ACCESS_CONTROL_POINT: "Record Access Control Point",
    CURRENT_TIME: "Current Time",
    BATTERY_LEVEL: "Battery Level",
    MANUFACTURER_NAME: "Manufacturer Name String",
    MODEL_NUMBER: "Model Number String",
    SERIAL_NUMBER: "Serial Number String",
    FIRMWARE_REVISION: "Firmware Revision String",
    HARDWARE_REVISION: "Hardware Revision String",
    SOFTWARE_REVISION: "Software Revision String",
}

# The measurement characteristics of each health service, for discovery and subscription.
HEALTH_SERVICES = {
    BLOOD_PRESSURE_SERVICE: (BLOOD_PRESSURE_MEASUREMENT, INTERMEDIATE_CUFF_PRESSURE),
    HEART_RATE_SERVICE: (HEART_RATE_MEASUREMENT,),
    PULSE_OXIMETER_SERVICE: (PLX_SPOT_CHECK_MEASUREMENT, PLX_CONTINUOUS_MEASUREMENT),
    HEALTH_THERMOMETER_SERVICE: (TEMPERATURE_MEASUREMENT, INTERMEDIATE_TEMPERATURE),
    WEIGHT_SCALE_SERVICE: (WEIGHT_MEASUREMENT,),
    GLUCOSE_SERVICE: (GLUCOSE_MEASUREMENT, RECORD_ACCESS_CONTROL_POINT),
}
