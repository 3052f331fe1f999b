"""Every codec by characteristic UUID, and their plain-JSON form.

`decode(uuid, data)` and `encode(uuid, value)` find the codec from a UUID written as
"2a35", "0x2A35" or "00002a35-0000-1000-8000-00805f9b34fb". `to_json` gives a dict of
plain JSON values: "type" names the measurement, "units" the unit of each number,
None is "no value", times are ISO 8601 (naive: the device's own clock). The
technician's `welfare-hub ble decode <uuid> <hex>` prints `decode_hex_to_json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any, Callable

from drivers.ble.battery import BatteryLevel, decode_battery_level, encode_battery_level
from drivers.ble.blood_pressure import (
    BloodPressureMeasurement,
    IntermediateCuffPressure,
    decode_blood_pressure_measurement,
    decode_intermediate_cuff_pressure,
    encode_blood_pressure_measurement,
    encode_intermediate_cuff_pressure,
)
from drivers.ble.current_time import CurrentTime, decode_current_time, encode_current_time
from drivers.ble.device_info import (
    DEVICE_INFORMATION_FIELDS,
    DeviceInformationText,
    decode_device_information_text,
    encode_device_information_text,
)
from drivers.ble.errors import BleCodecError
from drivers.ble.glucose import GlucoseMeasurement, decode_glucose_measurement, encode_glucose_measurement
from drivers.ble.heart_rate import HeartRateMeasurement, decode_heart_rate_measurement, encode_heart_rate_measurement
from drivers.ble.plx import (
    PlxContinuous,
    PlxSpotCheck,
    decode_plx_continuous,
    decode_plx_spot_check,
    encode_plx_continuous,
    encode_plx_spot_check,
)
from drivers.ble.racp import (
    RacpNumberOfRecords,
    RacpRequest,
    RacpResponse,
    decode_racp,
    encode_racp_request,
    encode_racp_response,
)
from drivers.ble.thermometer import (
    TemperatureMeasurement,
    decode_intermediate_temperature,
    decode_temperature_measurement,
    encode_temperature_measurement,
)
from drivers.ble.uuids import NAMES, full_uuid, short_uuid
from drivers.ble.weight import WeightMeasurement, decode_weight_measurement, encode_weight_measurement


@dataclass(frozen=True)
class Codec:
    decode: Callable[[bytes], Any]
    encode: Callable[[Any], bytes]
    accepts: Callable[[Any], bool]


def _racp_encode(value: RacpRequest | RacpResponse | RacpNumberOfRecords) -> bytes:
    return encode_racp_request(value) if isinstance(value, RacpRequest) else encode_racp_response(value)


def _of(*types: type) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, types)


CODECS: dict[int, Codec] = {
    0x2A35: Codec(decode_blood_pressure_measurement, encode_blood_pressure_measurement,
                  _of(BloodPressureMeasurement)),
    0x2A36: Codec(decode_intermediate_cuff_pressure, encode_intermediate_cuff_pressure,
                  _of(IntermediateCuffPressure)),
    0x2A37: Codec(decode_heart_rate_measurement, encode_heart_rate_measurement, _of(HeartRateMeasurement)),
    0x2A5E: Codec(decode_plx_spot_check, encode_plx_spot_check, _of(PlxSpotCheck)),
    0x2A5F: Codec(decode_plx_continuous, encode_plx_continuous, _of(PlxContinuous)),
    0x2A1C: Codec(decode_temperature_measurement, encode_temperature_measurement,
                  lambda v: isinstance(v, TemperatureMeasurement) and not v.intermediate),
    0x2A1E: Codec(decode_intermediate_temperature, encode_temperature_measurement,
                  lambda v: isinstance(v, TemperatureMeasurement) and v.intermediate),
    0x2A9D: Codec(decode_weight_measurement, encode_weight_measurement, _of(WeightMeasurement)),
    0x2A18: Codec(decode_glucose_measurement, encode_glucose_measurement, _of(GlucoseMeasurement)),
    0x2A52: Codec(decode_racp, _racp_encode, _of(RacpRequest, RacpResponse, RacpNumberOfRecords)),
    0x2A2B: Codec(decode_current_time, encode_current_time, _of(CurrentTime)),
    0x2A19: Codec(decode_battery_level, encode_battery_level, _of(BatteryLevel)),
    **{
        short: Codec(partial(decode_device_information_text, field=name), encode_device_information_text,
                     lambda v, name=name: isinstance(v, DeviceInformationText) and v.field == name)
        for short, name in DEVICE_INFORMATION_FIELDS.items()
    },
}


def _codec(characteristic_uuid: str) -> tuple[int, Codec]:
    short = short_uuid(characteristic_uuid)
    codec = CODECS.get(short)
    if codec is None:
        name = NAMES.get(full_uuid(short))
        raise BleCodecError(f"the hub has no codec for characteristic 0x{short:04X}"
                            f"{f' ({name})' if name else ''}; it reads "
                            + ", ".join(f"0x{known:04X}" for known in sorted(CODECS)))
    return short, codec


def decode(characteristic_uuid: str, data: bytes) -> object:
    """The typed value of `data` read from (or written to) the characteristic."""
    return _codec(characteristic_uuid)[1].decode(data)


def encode(characteristic_uuid: str, value: object) -> bytes:
    """The bytes a device (or the hub) sends for `value` on the characteristic."""
    short, codec = _codec(characteristic_uuid)
    if not codec.accepts(value):
        raise BleCodecError(f"characteristic 0x{short:04X} does not carry a {type(value).__name__}"
                            f"{f' ({value.field})' if isinstance(value, DeviceInformationText) else ''}")
    return codec.encode(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.name.lower()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"no JSON form for {type(value).__name__}")


def to_json(value: object) -> dict[str, Any]:
    """A decoded value as a dict of plain JSON values (see the module's docstring)."""
    kind = getattr(type(value), "KIND", None)
    if kind is None or not is_dataclass(value):
        raise TypeError(f"{type(value).__name__} is not a decoded Bluetooth value")
    out: dict[str, Any] = {"type": kind}
    out.update(_plain(value))
    for name in getattr(value, "JSON_EXTRAS", ()):
        out[name] = _plain(getattr(value, name))
    out["units"] = value.units()
    return out


def parse_hex(text: str) -> bytes:
    """'1E 79 00', '1e:79:00', '1E7900', '0x1E 0x79' -> bytes; a clear error otherwise."""
    if not isinstance(text, str):
        raise BleCodecError(f"hex text needed, not {type(text).__name__}")
    tokens = [token for token in re.split(r"[\s:,\-]+", text.strip()) if token]
    digits = "".join(token[2:] if token[:2].lower() == "0x" else token for token in tokens)
    bad = re.search(r"[^0-9A-Fa-f]", digits)
    if bad:
        raise BleCodecError(f"{bad.group()!r} is not a hex digit (write bytes like 1E 79 00 or 1e:79:00)")
    if len(digits) % 2:
        raise BleCodecError(f"{len(digits)} hex digits is not a whole number of bytes")
    return bytes.fromhex(digits)


def decode_hex_to_json(uuid: str, hex_text: str) -> dict[str, Any]:
    """What `welfare-hub ble decode <uuid> <hex>` shows. BleCodecError says what is wrong."""
    short, codec = _codec(uuid)
    result = to_json(codec.decode(parse_hex(hex_text)))
    result["characteristic"] = f"0x{short:04X}"
    return result
