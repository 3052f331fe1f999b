"""A simulated peripheral's GATT table: services, characteristics, descriptors.

UUIDs may be given short (`"2A19"`, `"0x2a19"`, `0x2A19`) or in full; they are kept
as BlueZ shows them, full and lower case (`00002a19-0000-1000-8000-00805f9b34fb`).

Attribute handles are laid out as on a real GATT server: the service declaration,
then per characteristic its declaration, its value (declaration + 1), its Client
Characteristic Configuration descriptor (0x2902, added for notify/indicate) and its
other descriptors. BlueZ names objects after these handles (`service000a`,
`char000b`, `desc000d`) and bleak reads a characteristic's handle from its path.
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb"
CCCD_UUID = "00002902" + BASE_UUID_TAIL

CHARACTERISTIC_FLAGS = (
    "broadcast",
    "read",
    "write-without-response",
    "write",
    "notify",
    "indicate",
    "authenticated-signed-writes",
    "extended-properties",
    "reliable-write",
    "writable-auxiliaries",
)
DESCRIPTOR_FLAGS = ("read", "write")


def normalize_uuid(value: str | int) -> str:
    """A UUID in BlueZ's form: 128-bit, lower case. Accepts 16/32-bit short forms."""
    if isinstance(value, int):
        if not 0 <= value <= 0xFFFFFFFF:
            raise ValueError(f"not a 16- or 32-bit UUID: {value:#x}")
        return f"{value:08x}{BASE_UUID_TAIL}"
    text = value.strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    if len(text) in (4, 8) and all(c in "0123456789abcdef" for c in text):
        return text.rjust(8, "0") + BASE_UUID_TAIL
    try:
        return str(_uuid.UUID(text))
    except ValueError:
        raise ValueError(f"not a Bluetooth UUID: {value!r}") from None


class AttError(Exception):
    """A GATT server's refusal, with its ATT error code (Core Spec Vol 3 Part F 3.4.1.1).

    Raise it from a peripheral's read or write hook to refuse the request; BlueZ turns
    it into a D-Bus error the way src/gatt-client.c does (`create_gatt_dbus_error`).
    """

    READ_NOT_PERMITTED = 0x02
    WRITE_NOT_PERMITTED = 0x03
    INSUFFICIENT_AUTHENTICATION = 0x05
    REQUEST_NOT_SUPPORTED = 0x06
    INVALID_OFFSET = 0x07
    INSUFFICIENT_AUTHORIZATION = 0x08
    INVALID_ATTRIBUTE_VALUE_LENGTH = 0x0D
    UNLIKELY_ERROR = 0x0E
    INSUFFICIENT_ENCRYPTION = 0x0F
    CCCD_IMPROPERLY_CONFIGURED = 0xFD
    PROCEDURE_ALREADY_IN_PROGRESS = 0xFE
    OUT_OF_RANGE = 0xFF

    def __init__(self, code: int, text: str = "") -> None:
        if not 0 < code <= 0xFF:
            raise ValueError(f"not an ATT error code: {code}")
        super().__init__(code, text)
        self.code = code
        self.text = text

    def __str__(self) -> str:
        return f"ATT error 0x{self.code:02x}" + (f": {self.text}" if self.text else "")


@dataclass(eq=False)
class Descriptor:
    uuid: str
    value: bytes = b""
    flags: Sequence[str] = ("read",)
    handle: int = 0  # set by the layout

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid(self.uuid)
        self.value = bytes(self.value)
        self.flags = tuple(self.flags)
        for flag in self.flags:
            if flag not in DESCRIPTOR_FLAGS:
                raise ValueError(f"unknown descriptor flag {flag!r} (known: {', '.join(DESCRIPTOR_FLAGS)})")


WriteHook = Callable[[bytes], object]
ReadHook = Callable[[], bytes]
SubscribeHook = Callable[[bool], object]


@dataclass(eq=False)
class Characteristic:
    """One characteristic. `value` is what a read returns (unless `on_read` answers);
    `encrypted` says whether access needs a bond (None: the peripheral's
    `requires_pairing` decides). Hooks run on the stand-in's loop thread:
    `on_write(data)` after a write (raise AttError to refuse it), `on_read()` for a
    read's value, `on_subscribe(enabled)` when the hub turns notifications or
    indications on or off (the CCCD write)."""

    uuid: str
    flags: Sequence[str] = ("read",)
    value: bytes = b""
    descriptors: list[Descriptor] = field(default_factory=list)
    encrypted: bool | None = None
    on_write: WriteHook | None = None
    on_read: ReadHook | None = None
    on_subscribe: SubscribeHook | None = None
    handle: int = 0  # the declaration's handle, set by the layout
    cccd: int = 0  # the peripheral's Client Characteristic Configuration: 1 notify, 2 indicate

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid(self.uuid)
        self.value = bytes(self.value)
        self.flags = tuple(self.flags)
        for flag in self.flags:
            if flag not in CHARACTERISTIC_FLAGS:
                raise ValueError(f"unknown characteristic flag {flag!r} (known: {', '.join(CHARACTERISTIC_FLAGS)})")
        if self.can_subscribe and not any(d.uuid == CCCD_UUID for d in self.descriptors):
            self.descriptors.insert(0, Descriptor(CCCD_UUID, b"\x00\x00", ("read", "write")))

    @property
    def value_handle(self) -> int:
        return self.handle + 1

    @property
    def can_subscribe(self) -> bool:
        return "notify" in self.flags or "indicate" in self.flags


@dataclass(eq=False)
class Service:
    uuid: str
    characteristics: list[Characteristic] = field(default_factory=list)
    primary: bool = True
    handle: int = 0  # set by the layout

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid(self.uuid)


FIRST_HANDLE = 0x000A  # 0x0001-0x0009: Generic Access / Generic Attribute, which BlueZ claims and hides


def layout(services: Iterable[Service], first_handle: int = FIRST_HANDLE) -> None:
    """Give every attribute its handle, in declaration order."""
    handle = first_handle
    for service in services:
        service.handle = handle
        handle += 1
        for char in service.characteristics:
            char.handle = handle
            handle += 2  # declaration, value
            for descriptor in char.descriptors:
                descriptor.handle = handle
                handle += 1
        if handle > 0xFFFF:
            raise ValueError("the GATT table does not fit in 16-bit handles")


def table_signature(services: Iterable[Service]) -> tuple:
    """What a GATT client caches about a table: handles, UUIDs and flags (not values)."""
    return tuple(
        (s.handle, s.uuid, s.primary,
         tuple((c.handle, c.uuid, c.flags, tuple((d.handle, d.uuid, d.flags) for d in c.descriptors))
               for c in s.characteristics))
        for s in services
    )
