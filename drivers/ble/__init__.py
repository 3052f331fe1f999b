"""Bluetooth LE health devices: pure codecs for the standard GATT health profiles
(blood pressure, heart rate, pulse oximeter, thermometer, weight scale, glucose with
its record access control point), battery, device information and current time.

bytes <-> frozen dataclasses, no I/O: the bleak transport and the simulated
peripherals use these. Every decoder raises BleCodecError (a ValueError) with a plain
message on bad input. See docs/protocols/ble-health.md.
"""

from drivers.ble.errors import BleCodecError
from drivers.ble.registry import decode, decode_hex_to_json, encode, parse_hex, to_json

__all__ = ["BleCodecError", "decode", "decode_hex_to_json", "encode", "parse_hex", "to_json"]
