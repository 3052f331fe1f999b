"""The BlueZ stand-in under the real bleak: bleak's own BlueZ backend, in this process,
talks D-Bus to the stand-in on a private dbus-daemon given to it as the system bus.
Nothing of bleak is mocked. (docs/bluez-standin.md)"""

from __future__ import annotations

import asyncio
import contextlib
import time
from importlib import metadata

import pytest

# dbus-daemon comes with the set-up (./dev installs Debian's dbus-daemon): without it
# these tests fail, they are not skipped.

from bleak import BleakClient, BleakScanner
from bleak.exc import BleakDBusError, BleakError
from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from simulators.bluez import (
    AttError,
    BluezStandin,
    Characteristic,
    Service,
    SimulatedPeripheral,
    Timing,
    Write,
)

BATTERY = "00002a19-0000-1000-8000-00805f9b34fb"
BP_MEASUREMENT = "00002a35-0000-1000-8000-00805f9b34fb"
RACP = "00002a52-0000-1000-8000-00805f9b34fb"
HR_MEASUREMENT = "00002a37-0000-1000-8000-00805f9b34fb"
HR_CONTROL = "00002a39-0000-1000-8000-00805f9b34fb"
BP_SERVICE = "00001810-0000-1000-8000-00805f9b34fb"
HR_SERVICE = "0000180d-0000-1000-8000-00805f9b34fb"
BATTERY_SERVICE = "0000180f-0000-1000-8000-00805f9b34fb"

# STANDARDS.md section 1: 121/81 mmHg, MAP 94, 2024-03-15 14:30:45, pulse 72, user 1, irregular pulse
BP_RECORD = bytes.fromhex("1E790051005E00E807030F0E1E2D4800010400")
HR_RECORD = bytes.fromhex("16482C03")  # 72 bpm, contact detected, RR 812/1024 s


def cuff(address: str = "C4:7C:8D:6A:1B:01", **options) -> SimulatedPeripheral:
    """A blood-pressure cuff: measurements by indication, stored records through the RACP."""

    class Cuff(SimulatedPeripheral):
        def on_write(self, char, data, response):
            super().on_write(char, data, response)
            if char.uuid == RACP and data == b"\x04\x01":  # report number of records
                self.racp_answer = b"\x05\x00\x01\x00"

    return Cuff(
        address,
        name=options.pop("name", "BP-7000"),
        advertised_uuids=["1810"],
        manufacturer_data={0x020E: b"\x01\x02"},
        rssi=options.pop("rssi", -58),
        services=[
            Service("1810", [Characteristic("2A35", ["indicate"]),
                             Characteristic("2A49", ["read"], b"\x00\x00"),
                             Characteristic("2A52", ["write", "indicate"])]),
            Service("180F", [Characteristic("2A19", ["read", "notify"], bytes([87]))]),
        ],
        **options,
    )


def strap(address: str = "F0:0D:00:00:00:01") -> SimulatedPeripheral:
    return SimulatedPeripheral(
        address, name="HR-Strap", advertised_uuids=["180D"], rssi=-71,
        services=[Service("180D", [Characteristic("2A37", ["notify"]),
                                   Characteristic("2A39", ["write-without-response"])])],
    )


@pytest.fixture(scope="module")
def standin():
    with BluezStandin(timing=Timing(supervision_timeout=0.2, temporary_timeout=30)) as running:
        yield running


@pytest.fixture(autouse=True)
def system_bus(standin, monkeypatch):
    """bleak (dbus-fast) reads DBUS_SYSTEM_BUS_ADDRESS whenever it opens the system bus;
    each test runs its own event loop, so bleak builds a fresh BlueZ manager for it."""
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", standin.address)


def run(coro, timeout: float = 20.0):
    async def bounded():
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


BLEAK_BEFORE_3 = int(metadata.version("bleak").split(".")[0]) < 3


async def disconnect(client: BleakClient) -> None:
    """client.disconnect(), minus a known bleak race: when BlueZ's "Connected" false
    reaches bleak's manager before the reply to "Disconnect", bleak 1.x closes the
    client's bus under the pending call and raises EOFError (bleak issue #1921, fixed
    by #1923; 3.1.0 has the fix). The stand-in sends them in BlueZ's order, so it
    shows up here too."""
    try:
        await client.disconnect()
    except EOFError:
        if not BLEAK_BEFORE_3:
            raise


@contextlib.asynccontextmanager
async def connected(device, **options):
    client = BleakClient(device, timeout=10, **options)
    await client.connect()
    try:
        yield client
    finally:
        await disconnect(client)


def eventually(condition, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


async def until(condition, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def find(address: str, timeout: float = 5.0):
    device = await BleakScanner.find_device_by_address(address, timeout=timeout)
    assert device is not None, f"{address} not found by scanning"
    return device


def test_scan_finds_name_rssi_uuids_and_a_uuid_filter_excludes_others(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:10"))
    hr = standin.add(strap("F0:0D:00:00:00:10"))

    async def scan():
        filtered = await BleakScanner.discover(timeout=0.5, return_adv=True, service_uuids=[BP_SERVICE])
        everything = await BleakScanner.discover(timeout=0.5, return_adv=True)
        return filtered, everything

    try:
        filtered, everything = run(scan())
        assert bp.address in filtered and hr.address not in filtered
        device, adv = filtered[bp.address]
        assert device.name == "BP-7000" and adv.local_name == "BP-7000"
        assert adv.rssi == -58
        assert adv.service_uuids == [BP_SERVICE]
        assert adv.manufacturer_data == {0x020E: b"\x01\x02"}
        _, hr_adv = everything[hr.address]
        assert hr_adv.local_name == "HR-Strap" and hr_adv.rssi == -71 and hr_adv.service_uuids == [HR_SERVICE]
    finally:
        standin.remove(bp.address)
        standin.remove(hr.address)


def test_an_advertisement_that_changes_reaches_a_running_scanner(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:11"))
    seen = []

    async def scan():
        def detected(device, adv):
            if device.address == bp.address:
                seen.append((adv.rssi, dict(adv.manufacturer_data)))

        async with BleakScanner(detected):
            assert await until(lambda: seen)
            bp.set_advertisement(rssi=-40, manufacturer_data={0x020E: b"\x09"})
            assert await until(lambda: seen[-1][0] == -40)

    try:
        run(scan())
        assert seen[0][0] == -58
        assert seen[-1] == (-40, {0x020E: b"\x09"})
    finally:
        standin.remove(bp.address)


def test_connect_list_services_read_write_and_notify(standin):
    bp = standin.add(cuff())
    hr = standin.add(strap())

    async def session():
        received: dict[str, list[bytes]] = {BP_MEASUREMENT: [], HR_MEASUREMENT: [], BATTERY: []}

        def collect(char, data):
            received[char.uuid].append(bytes(data))

        async with connected(await find(bp.address)) as client:
            services = {s.uuid: sorted(c.uuid for c in s.characteristics) for s in client.services}
            assert services == {
                BP_SERVICE: sorted([BP_MEASUREMENT, "00002a49-0000-1000-8000-00805f9b34fb", RACP]),
                BATTERY_SERVICE: [BATTERY],
            }
            measurement = client.services.get_characteristic(BP_MEASUREMENT)
            assert measurement.properties == ["indicate"]
            assert [d.uuid for d in measurement.descriptors] == ["00002902-0000-1000-8000-00805f9b34fb"]

            assert await client.read_gatt_char(BATTERY) == bytearray([87])

            await client.start_notify(BP_MEASUREMENT, collect)  # an indication
            assert bp.subscribed(BP_MEASUREMENT)
            assert await client.read_gatt_descriptor(measurement.descriptors[0].handle) == b"\x02\x00"
            assert bp.notify(BP_MEASUREMENT, BP_RECORD)

            await client.write_gatt_char(RACP, b"\x04\x01", response=True)
            assert bp.writes[-1] == Write(RACP, b"\x04\x01", True)
            assert bp.racp_answer == b"\x05\x00\x01\x00"

            await client.start_notify(BATTERY, collect)  # a notification
            bp.notify(BATTERY, bytes([86]))
            assert await until(lambda: received[BATTERY] == [bytes([86])])
            # BlueZ caches a read value in "Value" too: with StartNotify, a read also
            # reaches the notification callback (bleak's docs warn about it)
            await client.read_gatt_char(BATTERY)
            assert await until(lambda: len(received[BATTERY]) == 2)
            await client.stop_notify(BATTERY)
            assert not bp.subscribed(BATTERY)
            assert not bp.notify(BATTERY, bytes([85]))  # not subscribed: nothing goes out

        async with connected(await find(hr.address)) as client:
            await client.start_notify(HR_MEASUREMENT, collect)
            hr.notify(HR_MEASUREMENT, HR_RECORD)
            await client.write_gatt_char(HR_CONTROL, b"\x01", response=False)
            assert await until(lambda: received[HR_MEASUREMENT])
            assert hr.writes == [Write(HR_CONTROL, b"\x01", False)]
        return received

    try:
        received = run(session())
        assert received[BP_MEASUREMENT] == [BP_RECORD]
        assert received[BATTERY] == [bytes([86]), bytes([87])]
        assert received[HR_MEASUREMENT] == [HR_RECORD]
        assert not bp.connected and not hr.connected
    finally:
        standin.remove(bp.address)
        standin.remove(hr.address)


def test_gatt_refusals_come_back_as_bleak_errors(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:12"))

    def refuse(data):
        raise AttError(0x80, "application error")

    bp.characteristic("2A52").on_write = refuse

    async def session():
        async with connected(await find(bp.address)) as client:
            with pytest.raises(BleakError, match=r"Read not permitted|READ_NOT_PERMITTED"):
                await client.read_gatt_char(BP_MEASUREMENT)
            with pytest.raises(BleakError, match=r"0x80|APPLICATION|128"):
                await client.write_gatt_char(RACP, b"\x01\x01", response=True)
            with pytest.raises(BleakDBusError, match="NotSupported"):
                await client.start_notify("2A49", lambda c, d: None)

    try:
        run(session())
    finally:
        standin.remove(bp.address)


def test_peripheral_going_away_disconnects_and_a_reconnect_must_subscribe_again(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:13"))

    async def session():
        received: list[bytes] = []
        lost = asyncio.Event()
        device = await find(bp.address)

        client = BleakClient(device, disconnected_callback=lambda c: lost.set(), timeout=10)
        await client.connect()
        await client.start_notify(BP_MEASUREMENT, lambda c, d: received.append(bytes(d)))
        bp.notify(BP_MEASUREMENT, b"first")
        await asyncio.sleep(0.05)
        bp.go_away()  # out of range: lost after the supervision timeout
        await asyncio.wait_for(lost.wait(), 5)
        assert not client.is_connected and not bp.connected
        assert standin.device(bp.address)["Connected"] is False
        assert not bp.notify(BP_MEASUREMENT, b"lost")
        await disconnect(client)  # release the client's D-Bus connection (and its BlueZ sessions)

        with pytest.raises(BleakError):  # not in range: the device is not found
            await BleakClient(bp.address, timeout=0.5).connect()

        bp.come_back()
        client = BleakClient(await find(bp.address), timeout=10)
        await client.connect()
        try:
            await asyncio.sleep(0.05)
            assert not bp.subscribed(BP_MEASUREMENT)
            assert not bp.notify(BP_MEASUREMENT, b"before")  # a new connection: not subscribed
            await client.start_notify(BP_MEASUREMENT, lambda c, d: received.append(bytes(d)))
            assert bp.notify(BP_MEASUREMENT, b"after")
            assert await until(lambda: b"after" in received)
        finally:
            await disconnect(client)
        return received

    try:
        assert run(session()) == [b"first", b"after"]
    finally:
        standin.remove(bp.address)


def test_a_dropped_client_that_keeps_its_bus_gets_notifications_twice(standin):
    """BlueZ keeps a StartNotify session as long as the client's D-Bus connection lives
    and turns it on again at the next connection; every live session gets every
    notification. This is how "BlueZ delivers a notification twice after a reconnect"
    (STANDARDS.md section 2) comes about: a client that was dropped but never
    disconnect()ed, and a new one that subscribed again. Whether bleak closes the
    dropped client's bus by itself depends on its version (1.x did, 3.x waits for
    disconnect()), so the test counts sessions instead of assuming either."""
    bp = standin.add(cuff("C4:7C:8D:6A:1B:14"))

    async def session():
        received: list[bytes] = []
        lost = asyncio.Event()
        old = BleakClient(await find(bp.address), disconnected_callback=lambda c: lost.set(), timeout=10)
        await old.connect()
        await old.start_notify(BP_MEASUREMENT, lambda c, d: None)
        bp.disconnect()  # the peripheral ends the connection
        await asyncio.wait_for(lost.wait(), 5)
        for _ in range(25):  # a closed bus ends the session: give that time to arrive
            left_over = standin.notify_sessions(bp.address, BP_MEASUREMENT)
            if not left_over:
                break
            await asyncio.sleep(0.02)

        new = BleakClient(await find(bp.address), timeout=10)
        await new.connect()
        try:
            await new.start_notify(BP_MEASUREMENT, lambda c, d: received.append(bytes(d)))
            assert standin.notify_sessions(bp.address, BP_MEASUREMENT) == left_over + 1
            bp.notify(BP_MEASUREMENT, b"one record")
            await until(lambda: len(received) == left_over + 1)
            await asyncio.sleep(0.1)  # and no more
        finally:
            await disconnect(new)
            await disconnect(old)
        return left_over, received

    try:
        left_over, received = run(session())
        assert received == [b"one record"] * (left_over + 1)
        # both clients closed their bus connections: BlueZ ended their sessions
        assert eventually(lambda: standin.notify_sessions(bp.address, BP_MEASUREMENT) == 0)
    finally:
        standin.remove(bp.address)


def test_pairing_a_cuff_that_needs_a_bond(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:15", requires_pairing=True, pairing_mode=False))

    async def session():
        async with connected(await find(bp.address)) as client:
            with pytest.raises(BleakDBusError) as refused:
                await client.start_notify(BP_MEASUREMENT, lambda c, d: None)
            assert refused.value.dbus_error == "org.bluez.Error.NotPermitted"
            assert refused.value.dbus_error_details == "Not paired"
            with pytest.raises(BleakDBusError, match="Not paired"):
                await client.read_gatt_char(BATTERY)
            with pytest.raises(BleakDBusError) as rejected:  # the cuff is not in pairing mode
                await client.pair()
            assert rejected.value.dbus_error == "org.bluez.Error.AuthenticationFailed"
            bp.set_pairing_mode(True)  # the technician holds the cuff's Bluetooth button
            await client.pair()
            assert standin.device(bp.address)["Paired"] is True
            assert standin.device(bp.address)["Trusted"] is True  # bleak trusts before pairing
            assert await client.read_gatt_char(BATTERY) == bytearray([87])

        # a bond survives the connection; pair=True on an already paired device just connects
        async with connected(await find(bp.address), pair=True) as client:
            assert await client.read_gatt_char(BATTERY) == bytearray([87])

    try:
        run(session())
        assert standin.device(bp.address)["Bonded"] is True
    finally:
        standin.forget(bp.address)
        standin.remove(bp.address)


def test_connect_with_pair_true_pairs_first(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:16", requires_pairing=True))

    async def session():
        async with connected(await find(bp.address), pair=True) as client:
            assert await client.read_gatt_char(BATTERY) == bytearray([87])

    try:
        run(session())
        assert standin.device(bp.address)["Paired"] is True
    finally:
        standin.forget(bp.address)
        standin.remove(bp.address)


def test_a_connection_attempt_can_fail_as_the_controller_gives_up(standin):
    """`connect_failures`: the next attempts fail as when the controller gives up the
    link (BlueZ >= 5.62): Connect answers `le-connection-abort-by-local` after Connected
    went true, and Connected goes false again. bleak 3 retries that on its own, and each
    aborted attempt reaches its disconnected callback."""
    bp = standin.add(cuff("C4:7C:8D:6A:1B:18", connect_failures=1))
    lost = []

    async def session():
        device = await find(bp.address)
        bus = await MessageBus(bus_address=standin.address).connect()
        try:
            reply = await bus.call(Message(destination="org.bluez", path=device.details["path"],
                                           interface="org.bluez.Device1", member="Connect"))
        finally:
            bus.disconnect()
        assert (reply.message_type, reply.error_name, reply.body) == (
            MessageType.ERROR, "org.bluez.Error.Failed", ["le-connection-abort-by-local"])
        assert await until(lambda: standin.device(bp.address)["Connected"] is False)
        assert not bp.connected
        bp.fail_connections(2)  # from any thread, for the next two attempts
        async with connected(device, disconnected_callback=lambda _client: lost.append("aborted")) as client:
            assert lost == ["aborted", "aborted"]
            assert await client.read_gatt_char(BATTERY) == bytearray([87])

    try:
        run(session())
        assert bp.connect_failures == 0
    finally:
        standin.remove(bp.address)


def test_adapter_off_or_missing_gives_bleak_errors(standin):
    bp = standin.add(cuff("C4:7C:8D:6A:1B:17"))

    async def known_device():
        return await find(bp.address)

    async def scan():
        return await BleakScanner.discover(timeout=0.2)

    async def connect(device):
        await BleakClient(device, timeout=2).connect()

    try:
        device = run(known_device())
        standin.power(False)
        with pytest.raises(BleakError, match="No powered Bluetooth adapters found") as no_power:
            run(scan())
        with pytest.raises(BleakError, match="No powered Bluetooth adapters found"):
            run(connect(bp.address))  # by address: bleak must scan first
        # by BLEDevice: BlueZ removed the temporary device when the power went off, and
        # bleak's manager says so (a plain BleakError, not BleakDeviceNotFoundError)
        with pytest.raises(BleakError, match="not found"):
            run(connect(device))
        standin.power(True)

        standin.plug_adapter(False)
        with pytest.raises(BleakError, match="No Bluetooth adapters found") as no_adapter:
            run(scan())
        standin.plug_adapter(True)
        assert bp.address in {d.address for d in run(scan())}
        # bleak >= 2 raises BleakBluetoothNotAvailableError with a reason; 1.x a BleakError
        for raised in (no_power.value, no_adapter.value):
            assert type(raised).__name__ in ("BleakBluetoothNotAvailableError", "BleakError")
    finally:
        standin.power(True)
        standin.plug_adapter(True)
        standin.remove(bp.address)


def test_a_temporary_device_goes_after_the_temporary_timeout():
    """A device BlueZ only heard advertising disappears TemporaryTimeout after its last
    advertisement; bleak's connect with the old BLEDevice then says it was not found."""
    with BluezStandin(timing=Timing(temporary_timeout=0.3)) as own:
        bp = own.add(cuff("C4:7C:8D:6A:1B:18"))

        async def session():
            device = await find(bp.address)
            bp.go_away()
            assert await until(lambda: own.device(bp.address) is None)
            with pytest.raises(BleakError, match="not found"):
                await BleakClient(device, timeout=2).connect()

        mp = pytest.MonkeyPatch()
        mp.setenv("DBUS_SYSTEM_BUS_ADDRESS", own.address)
        try:
            run(session())
        finally:
            mp.undo()


def test_the_example_home_script_answers_racp_and_is_checked_before_it_runs(tmp_path):
    from simulators.bluez.script import SCRIPTS, ScriptError, load_script, start_script

    script = load_script(SCRIPTS / "home.toml")
    cuff_address = "C4:7C:8D:6A:1B:01"
    with start_script(script) as own:
        assert own.device(cuff_address)["Paired"] is True  # paired on an earlier visit

        async def session():
            got: list[tuple[str, bytes]] = []
            async with connected(await find(cuff_address)) as client:
                for char in (BP_MEASUREMENT, RACP):
                    await client.start_notify(char, lambda c, d: got.append((c.uuid, bytes(d))))
                await client.write_gatt_char(RACP, b"\x01\x01", response=True)  # report all records
                for _ in range(50):
                    if len(got) == 2:
                        break
                    await asyncio.sleep(0.02)
            return got

        mp = pytest.MonkeyPatch()
        mp.setenv("DBUS_SYSTEM_BUS_ADDRESS", own.address)
        try:
            assert run(session()) == [(BP_MEASUREMENT, BP_RECORD), (RACP, bytes.fromhex("06000101"))]
        finally:
            mp.undo()

    broken = tmp_path / "broken.toml"
    broken.write_text('[[peripheral]]\naddress = "C4:7C:8D:6A:1B:01"\n'
                      '[[step]]\ndo = "notify"\nperipheral = "C4:7C:8D:6A:1B:01"\ncharacteristic = "2A35"\n')
    with pytest.raises(ScriptError, match=r"broken.toml: step 1: notify needs hex"):
        load_script(broken)
