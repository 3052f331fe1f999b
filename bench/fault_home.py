"""The home in the fault suite (bench/faults.py): a sensor receiver with a help pendant
and a fall sensor, a medicine dispenser and a GSM modem on pseudo-terminals, and a
glucose meter on the BlueZ stand-in. They run in this process, on loops of their own,
so that they outlive every hub they talk to, as real devices do.

Every event a device is given is written down here (`Sent`) with the wall-clock time
of the press and the identifier the hub will give it: a serial device's event is
named by its serial number, epoch and sequence number (devices/framed_device.py), a
meter's record by its address and record number (devices/ble_health.py). Whether the
hub accepted it is the device's own knowledge: the sequence numbers it got an ACK for.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from devices.ble_health import READING_NAMESPACE
from devices.framed_device import EVENT_NAMESPACE
from simulators.bluez import BluezStandin
from simulators.dispenser_sim import DispenserSimulator
from simulators.health_peripherals import GlucoseMeter
from simulators.host import SimulatorHost
from simulators.modem_sim import ModemSimulator, SentSms
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator

HELP_PENDANT, FALL_SENSOR = "00A1B2C3", "00D4E5F6"
ALARMS = ("help_button", "fall")
RESOURCE = {"help_button": "DetectedIssue", "fall": "DetectedIssue", "dose_taken": "MedicationDispense",
            "blood_glucose": "Observation"}


@dataclass(frozen=True)
class Sent:
    kind: str  # help_button, fall, dose_taken, blood_glucose
    device: str  # serial number, or Bluetooth address
    epoch: str  # a serial device's epoch ("" for the meter)
    number: int  # sequence number, or the meter's record number
    pressed: float  # wall clock, when the resident pressed, fell, took the dose, measured

    @property
    def uid(self) -> str:
        if self.kind == "blood_glucose":
            return str(uuid.uuid5(READING_NAMESPACE, f"{self.device}/blood_glucose/{self.number}"))
        return str(uuid.uuid5(EVENT_NAMESPACE, f"{self.device}/{self.epoch}/{self.number}/0"))

    @property
    def resource(self) -> str:
        return RESOURCE[self.kind]

    @property
    def alarm(self) -> bool:
        return self.kind in ALARMS


class Home:
    def __init__(self, folder: Path, retry_base: float = 1.0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.host = SimulatorHost()
        # State files: the devices' numbering and unacknowledged events are in their
        # non-volatile memory, as in real firmware.
        self.receiver = SensorReceiverSimulator(PtyPort(folder / "ttyRECV"), sensors={HELP_PENDANT: "help",
                                                                                      FALL_SENSOR: "fall"},
                                                state_file=folder / "receiver-state.json", retry_base=retry_base)
        self.dispenser = DispenserSimulator(PtyPort(folder / "ttyDISP"), state_file=folder / "dispenser-state.json",
                                            retry_base=retry_base)
        self.modem = ModemSimulator(PtyPort(folder / "ttyMODEM"), on_sms=self._sms)
        self.sent: list[Sent] = []
        self.sms: list[tuple[float, str]] = []  # (wall clock, text) of every SMS the modem sent
        self._lock = threading.Lock()
        self._compartment = 0
        self.host.run(self.receiver.start())
        self.host.run(self.dispenser.start())
        self.host.call(self.modem.start, self.host.loop)

    @property
    def ports(self) -> dict[str, str]:
        """What the technician assigns: port -> kind."""
        return {self.receiver.port.path: "sensor_receiver", self.dispenser.port.path: "dispenser",
                self.modem.port.path: "gsm_modem"}

    def _sms(self, sms: SentSms) -> None:  # on the simulators' loop
        with self._lock:
            self.sms.append((time.time(), sms.text))

    def press(self, kind: str) -> Sent:
        """The resident presses the pendant (help_button), falls (fall) or takes a dose
        from the dispenser (dose_taken)."""
        def act() -> Sent:
            pressed = time.time()
            if kind == "help_button":
                device, number = self.receiver, self.receiver.help_button(HELP_PENDANT)
            elif kind == "fall":
                device, number = self.receiver, self.receiver.fall(FALL_SENSOR)
            elif kind == "dose_taken":
                self._compartment = self._compartment % self.dispenser.compartments + 1
                device, number = self.dispenser, self.dispenser.dose_taken(self._compartment)
            else:
                raise ValueError(f"no such press: {kind}")
            return Sent(kind, device.serial, device.epoch, number, pressed)

        sent = self.host.call(act)
        with self._lock:
            self.sent.append(sent)
        return sent

    def acknowledged(self) -> set[tuple[str, int]]:
        """(serial, sequence number) of every event a device has the hub's ACK for."""
        def read() -> set[tuple[str, int]]:
            return {(d.serial, seq) for d in (self.receiver, self.dispenser) for seq in d.acked}

        return self.host.call(read)

    def refused(self) -> set[tuple[str, int]]:
        def read() -> set[tuple[str, int]]:
            return {(d.serial, seq) for d in (self.receiver, self.dispenser) for seq, _code, _text in d.refused}

        return self.host.call(read)

    def idle(self) -> bool:
        """Nothing waits in any device for the hub's ACK."""
        return self.host.call(lambda: not self.receiver.queued and not self.dispenser.queued)

    def stop(self) -> None:
        self.host.call(self.modem.stop)
        self.host.stop(self.receiver, self.dispenser)
        self.receiver.port.close()
        self.dispenser.port.close()


class Air:
    """The BlueZ stand-in on a private D-Bus with a paired glucose meter that keeps its
    numbered records until asked for them (Record Access Control Point). Like a real
    meter it is awake only to hand its records over, and asleep (out of reach) the
    rest of the time."""

    def __init__(self) -> None:
        self.standin = BluezStandin()
        self.standin.start()
        self.meter: GlucoseMeter = self.standin.add(GlucoseMeter(), paired=True)
        self.sent: list[Sent] = []

    @property
    def environment(self) -> dict[str, str]:
        return self.standin.environment()

    def wake(self) -> None:
        """The meter wakes (a measurement, a button) and advertises until the hub connects."""
        self.meter.come_back()

    def sleep(self) -> None:
        """The meter powers its radio down, as a meter does once it has handed its records
        over: the link goes (after the supervision timeout)."""
        self.meter.go_away()

    @property
    def asked(self) -> int:
        """How often the hub has asked the meter for its stored records."""
        return len(self.meter.requests)

    def measure(self, count: int, value: float = 5.6) -> list[Sent]:
        """`count` new records in the meter (the resident measured while the hub was not listening)."""
        made = []
        for step in range(count):
            pressed = time.time()
            record = self.meter.add_record(round(value + 0.1 * step, 1))
            made.append(Sent("blood_glucose", self.meter.address, "", record.sequence_number, pressed))
        self.sent += made
        return made

    def stop(self) -> None:
        self.standin.stop()
