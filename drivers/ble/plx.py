"""PLX Spot-check Measurement (0x2A5E, indicated) and PLX Continuous Measurement
(0x2A5F, notified) of the Pulse Oximeter service (0x1822).

Spot-check flags u8: b0 timestamp, b1 measurement status u16, b2 device and sensor
status u24, b3 pulse amplitude index SFLOAT, b4 device clock not set. Fields: SpO2,
pulse rate (SFLOAT), [Date Time], [measurement status], [device and sensor status], [PAI].

Continuous flags u8: b0 SpO2PR-Fast, b1 SpO2PR-Slow, b2 measurement status, b3 device
and sensor status, b4 PAI. Fields: SpO2, pulse rate (normal), [fast pair], [slow pair],
[measurement status], [device and sensor status], [PAI].

The two flag layouts differ: read each characteristic with its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import PER_MINUTE, PERCENT
from drivers.ble.wire import FlagSet, Reader, Writer

SPOT_TIMESTAMP, SPOT_MEASUREMENT_STATUS, SPOT_DEVICE_STATUS, SPOT_PAI, SPOT_CLOCK_NOT_SET = 1, 2, 4, 8, 16
CONT_FAST, CONT_SLOW, CONT_MEASUREMENT_STATUS, CONT_DEVICE_STATUS, CONT_PAI = 1, 2, 4, 8, 16


@dataclass(frozen=True)
class PlxMeasurementStatus(FlagSet):
    """Measurement Status (u16; bits 0-4 reserved)."""

    measurement_ongoing: bool = False
    early_estimated_data: bool = False
    validated_data: bool = False
    fully_qualified_data: bool = False
    data_from_measurement_storage: bool = False
    data_for_demonstration: bool = False
    data_for_testing: bool = False
    calibration_ongoing: bool = False
    measurement_unavailable: bool = False
    questionable_measurement_detected: bool = False
    invalid_measurement_detected: bool = False

    BITS: ClassVar[dict[str, int]] = {
        "measurement_ongoing": 5, "early_estimated_data": 6, "validated_data": 7, "fully_qualified_data": 8,
        "data_from_measurement_storage": 9, "data_for_demonstration": 10, "data_for_testing": 11,
        "calibration_ongoing": 12, "measurement_unavailable": 13, "questionable_measurement_detected": 14,
        "invalid_measurement_detected": 15,
    }


@dataclass(frozen=True)
class PlxDeviceStatus(FlagSet):
    """Device and Sensor Status (u24; bits 16-23 reserved)."""

    extended_display_update_ongoing: bool = False
    equipment_malfunction_detected: bool = False
    signal_processing_irregularity_detected: bool = False
    inadequate_signal_detected: bool = False
    poor_signal_detected: bool = False
    low_perfusion_detected: bool = False
    erratic_signal_detected: bool = False
    nonpulsatile_signal_detected: bool = False
    questionable_pulse_detected: bool = False
    signal_analysis_ongoing: bool = False
    sensor_interference_detected: bool = False
    sensor_unconnected_to_user: bool = False
    unknown_sensor_connected: bool = False
    sensor_displaced: bool = False
    sensor_malfunctioning: bool = False
    sensor_disconnected: bool = False

    BITS: ClassVar[dict[str, int]] = {
        "extended_display_update_ongoing": 0, "equipment_malfunction_detected": 1,
        "signal_processing_irregularity_detected": 2, "inadequate_signal_detected": 3, "poor_signal_detected": 4,
        "low_perfusion_detected": 5, "erratic_signal_detected": 6, "nonpulsatile_signal_detected": 7,
        "questionable_pulse_detected": 8, "signal_analysis_ongoing": 9, "sensor_interference_detected": 10,
        "sensor_unconnected_to_user": 11, "unknown_sensor_connected": 12, "sensor_displaced": 13,
        "sensor_malfunctioning": 14, "sensor_disconnected": 15,
    }


@dataclass(frozen=True)
class PlxSpotCheck:
    """SpO2 in %, pulse rate per minute; None is "no value"."""

    spo2: float | None
    pulse_rate: float | None
    timestamp: datetime | None = None  # None as well when the device says its clock is not set
    clock_set: bool = True
    measurement_status: PlxMeasurementStatus | None = None
    device_status: PlxDeviceStatus | None = None
    pulse_amplitude_index: float | None = None  # %

    KIND: ClassVar[str] = "plx_spot_check_measurement"

    def units(self) -> dict[str, str]:
        return {"spo2": PERCENT, "pulse_rate": PER_MINUTE, "pulse_amplitude_index": PERCENT}


@dataclass(frozen=True)
class PlxContinuous:
    """Normal, and optionally fast- and slow-responding, SpO2 (%) and pulse rate (/min)."""

    spo2: float | None
    pulse_rate: float | None
    spo2_fast: float | None = None
    pulse_rate_fast: float | None = None
    spo2_slow: float | None = None
    pulse_rate_slow: float | None = None
    measurement_status: PlxMeasurementStatus | None = None
    device_status: PlxDeviceStatus | None = None
    pulse_amplitude_index: float | None = None

    KIND: ClassVar[str] = "plx_continuous_measurement"

    def units(self) -> dict[str, str]:
        return {"spo2": PERCENT, "pulse_rate": PER_MINUTE, "spo2_fast": PERCENT, "pulse_rate_fast": PER_MINUTE,
                "spo2_slow": PERCENT, "pulse_rate_slow": PER_MINUTE, "pulse_amplitude_index": PERCENT}


def decode_plx_spot_check(data: bytes) -> PlxSpotCheck:
    reader = Reader(data, "PLX spot-check measurement")
    flags = reader.u8("flags")
    spo2, pulse = reader.sfloat("SpO2"), reader.sfloat("pulse rate")
    clock_set = not flags & SPOT_CLOCK_NOT_SET
    timestamp = None
    if flags & SPOT_TIMESTAMP:
        if clock_set:
            timestamp = reader.date_time("timestamp")
        else:
            reader.take(7, "timestamp")  # from a clock that was never set: ignored, whatever it says
    status = device = None
    if flags & SPOT_MEASUREMENT_STATUS:
        status = PlxMeasurementStatus.from_bits(reader.u16("measurement status"))
    if flags & SPOT_DEVICE_STATUS:
        device = PlxDeviceStatus.from_bits(reader.u24("device and sensor status"))
    pai = reader.sfloat("pulse amplitude index") if flags & SPOT_PAI else None
    reader.end()
    return PlxSpotCheck(spo2, pulse, timestamp, clock_set, status, device, pai)


def encode_plx_spot_check(m: PlxSpotCheck) -> bytes:
    what = "PLX spot-check measurement"
    if not m.clock_set and m.timestamp is not None:
        raise BleCodecError(f"{what}: a device whose clock is not set sends no timestamp to trust; "
                            "leave timestamp None when clock_set is False")
    flags = (SPOT_TIMESTAMP if m.timestamp is not None else 0) | (
        SPOT_MEASUREMENT_STATUS if m.measurement_status is not None else 0) | (
        SPOT_DEVICE_STATUS if m.device_status is not None else 0) | (
        SPOT_PAI if m.pulse_amplitude_index is not None else 0) | (0 if m.clock_set else SPOT_CLOCK_NOT_SET)
    out = Writer(what)
    out.u8(flags, "flags")
    out.sfloat(m.spo2, "SpO2")
    out.sfloat(m.pulse_rate, "pulse rate")
    if m.timestamp is not None:
        out.date_time(m.timestamp, "timestamp")
    _encode_tail(out, m.measurement_status, m.device_status, m.pulse_amplitude_index)
    return out.bytes()


def decode_plx_continuous(data: bytes) -> PlxContinuous:
    reader = Reader(data, "PLX continuous measurement")
    flags = reader.u8("flags")
    values: dict = {"spo2": reader.sfloat("SpO2"), "pulse_rate": reader.sfloat("pulse rate")}
    if flags & CONT_FAST:
        values["spo2_fast"], values["pulse_rate_fast"] = reader.sfloat("SpO2 fast"), reader.sfloat("pulse rate fast")
    if flags & CONT_SLOW:
        values["spo2_slow"], values["pulse_rate_slow"] = reader.sfloat("SpO2 slow"), reader.sfloat("pulse rate slow")
    if flags & CONT_MEASUREMENT_STATUS:
        values["measurement_status"] = PlxMeasurementStatus.from_bits(reader.u16("measurement status"))
    if flags & CONT_DEVICE_STATUS:
        values["device_status"] = PlxDeviceStatus.from_bits(reader.u24("device and sensor status"))
    if flags & CONT_PAI:
        values["pulse_amplitude_index"] = reader.sfloat("pulse amplitude index")
    reader.end()
    return PlxContinuous(**values)


def encode_plx_continuous(m: PlxContinuous) -> bytes:
    fast = m.spo2_fast is not None or m.pulse_rate_fast is not None
    slow = m.spo2_slow is not None or m.pulse_rate_slow is not None
    flags = (CONT_FAST if fast else 0) | (CONT_SLOW if slow else 0) | (
        CONT_MEASUREMENT_STATUS if m.measurement_status is not None else 0) | (
        CONT_DEVICE_STATUS if m.device_status is not None else 0) | (
        CONT_PAI if m.pulse_amplitude_index is not None else 0)
    out = Writer("PLX continuous measurement")
    out.u8(flags, "flags")
    out.sfloat(m.spo2, "SpO2")
    out.sfloat(m.pulse_rate, "pulse rate")
    if fast:
        out.sfloat(m.spo2_fast, "SpO2 fast")
        out.sfloat(m.pulse_rate_fast, "pulse rate fast")
    if slow:
        out.sfloat(m.spo2_slow, "SpO2 slow")
        out.sfloat(m.pulse_rate_slow, "pulse rate slow")
    _encode_tail(out, m.measurement_status, m.device_status, m.pulse_amplitude_index)
    return out.bytes()


def _encode_tail(out: Writer, status: PlxMeasurementStatus | None, device: PlxDeviceStatus | None,
                 pai: float | None) -> None:
    if status is not None:
        out.u16(status.to_bits(), "measurement status")
    if device is not None:
        out.u24(device.to_bits(), "device and sensor status")
    if pai is not None:
        out.sfloat(pai, "pulse amplitude index")
