"""Simulated Bluetooth health devices for the BlueZ stand-in: a blood-pressure cuff
with stored records, a pulse sensor, an oximeter, a thermometer, a scale and a glucose
meter with a Record Access Control Point. They send the real SIG byte layouts (the
hub's own encoders from drivers/ble), and misbehave as real ones do: a cuff that
hands its stored records out only once, a clock that was never set or runs hours off, a
meter that goes out of range in the middle of a transfer or ignores which records it
was asked for.

Methods may be called from any thread (see bluez/peripheral.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from simulators.bluez.gatt import Characteristic, Service
from simulators.bluez.peripheral import SimulatedPeripheral
from drivers.ble import uuids as u
from vocabulary import utc_now
from vocabulary.device_kinds import BLE_PROFILES, BleProfile
from drivers.ble.battery import BatteryLevel, encode_battery_level
from drivers.ble.blood_pressure import (
    BloodPressureMeasurement,
    BloodPressureStatus,
    IntermediateCuffPressure,
    encode_blood_pressure_measurement,
    encode_intermediate_cuff_pressure,
)
from drivers.ble.current_time import CurrentTime, decode_current_time, encode_current_time
from drivers.ble.device_info import DeviceInformationText, encode_device_information_text
from drivers.ble.errors import BleCodecError
from drivers.ble.glucose import GlucoseMeasurement, encode_glucose_measurement
from drivers.ble.heart_rate import HeartRateMeasurement, encode_heart_rate_measurement
from drivers.ble.plx import PlxContinuous, PlxSpotCheck, encode_plx_continuous, encode_plx_spot_check
from drivers.ble.racp import (
    RacpOpcode,
    RacpOperator,
    RacpRequestError,
    RacpResponse,
    RacpResponseCode,
    decode_racp_request,
    encode_racp_response,
)
from drivers.ble.thermometer import TemperatureMeasurement, encode_temperature_measurement
from drivers.ble.units import CELSIUS, FAHRENHEIT, KG_PER_L, KILOGRAM, KPA, MMHG, MOL_PER_L, POUND
from drivers.ble.weight import WeightMeasurement, encode_weight_measurement

UNSET_CLOCK = datetime(2000, 1, 1)  # where a device's clock starts when nobody set it


class HealthPeripheral(SimulatedPeripheral):
    """Battery, device information and a settable clock (Current Time), shared by all.
    Each speaks one of the hub's health profiles (vocabulary/device_kinds.py): it
    advertises the profile's service."""

    PROFILE: ClassVar[BleProfile]

    def __init__(self, address: str, *, name: str, model: str, serial: str, firmware: str = "1.0",
                 services: Iterable[Service], battery: int = 90, clock_set: bool = True,
                 clock_offset: timedelta = timedelta(0), time_zone: str = "Europe/Oslo",
                 clock: Callable[[], datetime] = utc_now, **options) -> None:
        self._zone = ZoneInfo(time_zone)  # a device's clock shows the wall-clock time of the home
        self._now = clock  # the world's time (a demo's simulated day); the device's own clock runs from it
        # clock_offset: a clock that was set once but is off (set by hand, drifted, missed
        # a daylight-saving change); clock_set=False: never set at all.
        self._clock_offset: timedelta | None = clock_offset if clock_set else None
        self._clock_started = self._wall()
        common = [
            Service(u.BATTERY_SERVICE, [Characteristic(u.BATTERY_LEVEL, ["read", "notify"],
                                                       encode_battery_level(BatteryLevel(battery)))]),
            Service(u.DEVICE_INFORMATION_SERVICE, [
                Characteristic(u.MODEL_NUMBER, ["read"], encode_device_information_text(DeviceInformationText("model_number", model))),
                Characteristic(u.SERIAL_NUMBER, ["read"], encode_device_information_text(DeviceInformationText("serial_number", serial))),
                Characteristic(u.FIRMWARE_REVISION, ["read"], encode_device_information_text(DeviceInformationText("firmware_revision", firmware))),
            ]),
            Service(u.CURRENT_TIME_SERVICE, [Characteristic(u.CURRENT_TIME, ["read", "write"], on_read=self._read_clock,
                                                            on_write=self._write_clock)]),
        ]
        super().__init__(address, name=name, services=[*services, *common], advertised_uuids=[self.PROFILE.service], **options)

    # the device's own clock: naive local time, as health devices keep it
    def _wall(self) -> datetime:
        return self._now().astimezone(self._zone).replace(tzinfo=None)

    def device_now(self) -> datetime:
        if self._clock_offset is None:
            return (UNSET_CLOCK + (self._wall() - self._clock_started)).replace(microsecond=0)
        return (self._wall() + self._clock_offset).replace(microsecond=0)

    @property
    def clock_set(self) -> bool:
        return self._clock_offset is not None

    def _read_clock(self) -> bytes:
        if self._clock_offset is None:
            return encode_current_time(CurrentTime(None))
        return encode_current_time(CurrentTime.from_datetime(self.device_now()))

    def _write_clock(self, data: bytes) -> None:
        value = decode_current_time(data)
        if value.time is not None:
            self._clock_offset = value.time - self._wall()

    def _later(self, function, delay: float = 0.01) -> None:
        """Send after the current request has been answered, as a device does."""
        asyncio.get_running_loop().call_later(delay, function)


class BloodPressureCuff(HealthPeripheral):
    """Measures when told to; indicates the result if the hub listens, else keeps it and
    hands its stored records out (once) when the hub next subscribes. `kpa=True`: it
    measures and sends in kPa, as some cuffs can be set to."""

    PROFILE = BLE_PROFILES["blood_pressure"]

    def __init__(self, address: str = "C4:7C:8D:6A:1B:01", *, name: str = "BP-7000", requires_pairing: bool = True,
                 kpa: bool = False, **options) -> None:
        super().__init__(address, name=name, model="BP-7000", serial="BP70001234",
                         services=[Service(self.PROFILE.service, [
                             Characteristic(u.BLOOD_PRESSURE_MEASUREMENT, ["indicate"], on_subscribe=self._subscribed),
                             Characteristic(u.INTERMEDIATE_CUFF_PRESSURE, ["notify"]),
                             Characteristic(u.BLOOD_PRESSURE_FEATURE, ["read"], b"\x00\x00"),
                         ])], requires_pairing=requires_pairing, **options)
        self.stored: list[BloodPressureMeasurement] = []
        self.unit = KPA if kpa else MMHG

    def measure(self, systolic: float, diastolic: float, pulse: float, *, irregular_pulse: bool = False,
                cuff_pressures: Iterable[float] = ()) -> BloodPressureMeasurement:
        for pressure in cuff_pressures:
            self.pump(pressure)
        record = self._record(systolic, diastolic, pulse, self.device_now(), irregular_pulse)
        if not self.notify(u.BLOOD_PRESSURE_MEASUREMENT, encode_blood_pressure_measurement(record)):
            self._on_loop(lambda: self.stored.append(record))
        return record

    def pump(self, pressure: float) -> bool:
        """The cuff pressure while it inflates and deflates (Intermediate Cuff Pressure)."""
        return self.notify(u.INTERMEDIATE_CUFF_PRESSURE, encode_intermediate_cuff_pressure(
            IntermediateCuffPressure(pressure, unit=self.unit)))

    def remember(self, systolic: float, diastolic: float, pulse: float, taken_at: datetime) -> None:
        """A reading taken earlier (`taken_at`: the cuff's local time), kept until handed out."""
        self.stored.append(self._record(systolic, diastolic, pulse, taken_at.replace(microsecond=0), False))

    def _record(self, systolic: float, diastolic: float, pulse: float, at: datetime,
                irregular_pulse: bool) -> BloodPressureMeasurement:
        mean = (systolic + 2 * diastolic) / 3  # whole mmHg; in kPa that would lose a tenth
        return BloodPressureMeasurement(
            systolic, diastolic, round(mean, 1) if self.unit == KPA else round(mean), unit=self.unit, timestamp=at,
            pulse_rate=pulse,
            status=BloodPressureStatus(irregular_pulse=irregular_pulse) if irregular_pulse else None)

    # Stored records go out when the hub turns indications on, or, for a bonded hub
    # whose subscription the cuff remembers, a moment after it connects: once only,
    # as some cuffs do, so a hub that is not listening by then loses them.
    HAND_OUT_AFTER_CONNECT = 1.0

    def _subscribed(self, enabled: bool) -> None:
        if enabled:
            self._later(self._hand_out)

    def on_connect(self) -> None:
        if self.subscribed(u.BLOOD_PRESSURE_MEASUREMENT):
            self._later(self._hand_out, self.HAND_OUT_AFTER_CONNECT)

    def _hand_out(self) -> None:
        records, self.stored = self.stored, []
        for record in records:
            self.notify(u.BLOOD_PRESSURE_MEASUREMENT, encode_blood_pressure_measurement(record))


class PulseSensor(HealthPeripheral):
    PROFILE = BLE_PROFILES["pulse"]

    def __init__(self, address: str = "C4:7C:8D:6A:1B:02", *, name: str = "HR-Band", **options) -> None:
        super().__init__(address, name=name, model="HR-Band", serial="HR0042",
                         services=[Service(self.PROFILE.service, [Characteristic(u.HEART_RATE_MEASUREMENT, ["notify"])])],
                         **options)

    def beat(self, bpm: int, rr_intervals: tuple[int, ...] = ()) -> bool:
        return self.notify(u.HEART_RATE_MEASUREMENT, encode_heart_rate_measurement(
            HeartRateMeasurement(bpm, sensor_contact="detected", rr_intervals=rr_intervals)))


class Oximeter(HealthPeripheral):
    PROFILE = BLE_PROFILES["oximeter"]

    def __init__(self, address: str = "C4:7C:8D:6A:1B:03", *, name: str = "Oxi-1", **options) -> None:
        super().__init__(address, name=name, model="Oxi-1", serial="OX7781",
                         services=[Service(self.PROFILE.service, [
                             Characteristic(u.PLX_SPOT_CHECK_MEASUREMENT, ["indicate"]),
                             Characteristic(u.PLX_CONTINUOUS_MEASUREMENT, ["notify"])])], **options)

    def spot_check(self, spo2: float, pulse: float) -> bool:
        clock_set = self.clock_set
        return self.notify(u.PLX_SPOT_CHECK_MEASUREMENT, encode_plx_spot_check(PlxSpotCheck(
            spo2, pulse, timestamp=self.device_now() if clock_set else None, clock_set=clock_set)))

    def stream(self, spo2: float, pulse: float) -> bool:
        """One value of the continuous stream (no time stamp: it is now)."""
        return self.notify(u.PLX_CONTINUOUS_MEASUREMENT, encode_plx_continuous(PlxContinuous(spo2, pulse)))


class Thermometer(HealthPeripheral):
    """`fahrenheit=True`: it measures and sends in degrees Fahrenheit, as many sold abroad do."""

    PROFILE = BLE_PROFILES["thermometer"]

    def __init__(self, address: str = "C4:7C:8D:6A:1B:04", *, name: str = "Thermo", fahrenheit: bool = False,
                 **options) -> None:
        super().__init__(address, name=name, model="Thermo", serial="TH1001",
                         services=[Service(self.PROFILE.service, [
                             Characteristic(u.TEMPERATURE_MEASUREMENT, ["indicate"])])], **options)
        self.unit = FAHRENHEIT if fahrenheit else CELSIUS

    def measure(self, temperature: float) -> bool:
        """A temperature in the thermometer's own unit."""
        return self.notify(u.TEMPERATURE_MEASUREMENT, encode_temperature_measurement(
            TemperatureMeasurement(temperature, self.unit, timestamp=self.device_now())))


class Scale(HealthPeripheral):
    """`pounds=True`: it weighs in pounds."""

    PROFILE = BLE_PROFILES["scale"]

    def __init__(self, address: str = "C4:7C:8D:6A:1B:05", *, name: str = "Scale", pounds: bool = False,
                 **options) -> None:
        super().__init__(address, name=name, model="Scale", serial="SC0007",
                         services=[Service(self.PROFILE.service, [Characteristic(u.WEIGHT_MEASUREMENT, ["indicate"])])],
                         **options)
        self.unit = POUND if pounds else KILOGRAM

    def weigh(self, weight: float) -> bool:
        """A weight in the scale's own unit."""
        return self.notify(u.WEIGHT_MEASUREMENT, encode_weight_measurement(
            WeightMeasurement(weight, self.unit, timestamp=self.device_now())))


class GlucoseMeter(HealthPeripheral):
    """Keeps numbered records and hands them out through the Record Access Control
    Point. `drop_after` makes it go out of range after sending that many records of a
    transfer (a disconnect in the middle); `ignores_operand` makes it send all its
    records whatever it was asked for, as some meters do. `mg_dl=True`: it measures in
    mg/dL and sends kg/L, as meters sold where that is the unit do."""

    PROFILE = BLE_PROFILES["glucose"]

    def __init__(self, address: str = "C4:7C:8D:6A:1B:06", *, name: str = "Gluco", mg_dl: bool = False,
                 **options) -> None:
        super().__init__(address, name=name, model="Gluco", serial="GL5150",
                         services=[Service(self.PROFILE.service, [
                             Characteristic(u.GLUCOSE_MEASUREMENT, ["notify"]),
                             Characteristic(u.RECORD_ACCESS_CONTROL_POINT, ["write", "indicate"], on_write=self._racp),
                         ])], **options)
        self.records: list[GlucoseMeasurement] = []
        self.drop_after: int | None = None
        self.ignores_operand = False
        self.requests: list[bytes] = []
        self.unit = KG_PER_L if mg_dl else MOL_PER_L

    def add_record(self, glucose: float, taken_at: datetime | None = None) -> GlucoseMeasurement:
        """A new numbered record in the meter's own unit (`taken_at`: its local time, default now)."""
        at = taken_at.replace(microsecond=0) if taken_at is not None else self.device_now()
        # 1 mmol/L is 1e-3 mol/L; 1 mg/dL is 1e-5 kg/L (the wire carries SI units)
        concentration = glucose / 100_000 if self.unit == KG_PER_L else glucose / 1000
        record = GlucoseMeasurement(len(self.records) + 1, at, concentration=concentration, unit=self.unit,
                                    sample_type="capillary_whole_blood", sample_location="finger")
        self.records.append(record)
        return record

    def _racp(self, data: bytes) -> None:
        self.requests.append(bytes(data))
        try:
            request = decode_racp_request(data)
        except RacpRequestError as exc:
            # Bound now: Python clears `exc` when the except block ends, before the answer goes.
            opcode, code = exc.request_opcode, exc.response_code
            self._later(lambda: self._answer(opcode, code))
            return
        except BleCodecError:
            self._later(lambda: self._answer(data[0] if data else 0, RacpResponseCode.INVALID_OPERATOR))
            return
        if request.opcode != RacpOpcode.REPORT_STORED_RECORDS:
            self._later(lambda: self._answer(request.opcode, RacpResponseCode.OP_CODE_NOT_SUPPORTED))
            return
        if request.operator == RacpOperator.ALL_RECORDS or self.ignores_operand:
            chosen = list(self.records)
        else:
            chosen = [r for r in self.records if r.sequence_number >= (request.minimum or 0)]
        self._later(lambda: self._send_records(chosen))

    def _send_records(self, records: list[GlucoseMeasurement]) -> None:
        for index, record in enumerate(records):
            if self.drop_after is not None and index >= self.drop_after:
                self.drop_after = None
                self.go_away()
                return
            self.notify(u.GLUCOSE_MEASUREMENT, encode_glucose_measurement(record))
        self._answer(RacpOpcode.REPORT_STORED_RECORDS,
                     RacpResponseCode.SUCCESS if records else RacpResponseCode.NO_RECORDS_FOUND)

    def _answer(self, opcode: int, code: RacpResponseCode) -> None:
        self.notify(u.RECORD_ACCESS_CONTROL_POINT, encode_racp_response(RacpResponse(opcode, code)))
