"""The text characteristics of the Device Information service (0x180A): UTF-8, with
trailing NUL bytes (padding some devices send) stripped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.wire import as_bytes

DEVICE_INFORMATION_FIELDS = {
    0x2A29: "manufacturer_name",
    0x2A24: "model_number",
    0x2A25: "serial_number",
    0x2A26: "firmware_revision",
    0x2A27: "hardware_revision",
    0x2A28: "software_revision",
}
MAX_VALUE_SIZE = 512  # the longest attribute value ATT allows


@dataclass(frozen=True)
class DeviceInformationText:
    field: str  # one of DEVICE_INFORMATION_FIELDS' names
    text: str

    KIND: ClassVar[str] = "device_information"

    def units(self) -> dict[str, str]:
        return {}


def decode_device_information_text(data: bytes, field: str) -> DeviceInformationText:
    if field not in DEVICE_INFORMATION_FIELDS.values():
        raise BleCodecError(f"{field!r} is not a device information field")
    raw = as_bytes(data, field.replace("_", " "))
    if len(raw) > MAX_VALUE_SIZE:
        raise BleCodecError(f"{field.replace('_', ' ')}: {len(raw)} bytes is longer than an attribute can be")
    try:
        text = raw.rstrip(b"\x00").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BleCodecError(f"{field.replace('_', ' ')} is not UTF-8 text (byte {exc.start}: "
                            f"{raw[exc.start:exc.start + 1].hex()})") from None
    return DeviceInformationText(field, text)


def encode_device_information_text(value: DeviceInformationText) -> bytes:
    if not isinstance(value.text, str):
        raise BleCodecError(f"{value.field}: text needed, not {type(value.text).__name__}")
    try:
        data = value.text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BleCodecError(f"{value.field}: {exc.reason} at character {exc.start}") from None
    if data.endswith(b"\x00"):
        raise BleCodecError(f"{value.field}: text ending in NUL would not read back the same")
    if len(data) > MAX_VALUE_SIZE:
        raise BleCodecError(f"{value.field}: {len(data)} bytes is longer than an attribute can be")
    return data
