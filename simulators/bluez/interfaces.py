"""The D-Bus interfaces the stand-in exports, as BlueZ declares them (doc/org.bluez.*.rst
and the GDBus tables in src/adapter.c, src/device.c, src/gatt-client.c): method
signatures, property types and writability, signals. Used to check calls, to build
property variants and to answer `Introspect` (so `busctl tree org.bluez` works).
Only what the stand-in implements is listed; a call to anything else is answered
`org.freedesktop.DBus.Error.UnknownMethod`, as a BlueZ without that feature would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from dbus_fast import Variant

OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"

AGENT_MANAGER = "org.bluez.AgentManager1"
ADAPTER = "org.bluez.Adapter1"
DEVICE = "org.bluez.Device1"
GATT_SERVICE = "org.bluez.GattService1"
GATT_CHARACTERISTIC = "org.bluez.GattCharacteristic1"
GATT_DESCRIPTOR = "org.bluez.GattDescriptor1"


@dataclass(frozen=True)
class Method:
    in_sig: str = ""
    out_sig: str = ""
    in_names: tuple[str, ...] = ()
    out_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prop:
    sig: str
    writable: bool = False


@dataclass(frozen=True)
class Interface:
    name: str
    methods: dict[str, Method] = field(default_factory=dict)
    properties: dict[str, Prop] = field(default_factory=dict)
    signals: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


OPTIONS = ("options",)

INTERFACES: dict[str, Interface] = {
    i.name: i
    for i in (
        Interface(
            OBJECT_MANAGER,
            methods={"GetManagedObjects": Method("", "a{oa{sa{sv}}}", (), ("objects",))},
            signals={
                "InterfacesAdded": (("object", "o"), ("interfaces", "a{sa{sv}}")),
                "InterfacesRemoved": (("object", "o"), ("interfaces", "as")),
            },
        ),
        Interface(
            PROPERTIES,
            methods={
                "Get": Method("ss", "v", ("interface", "name"), ("value",)),
                "GetAll": Method("s", "a{sv}", ("interface",), ("properties",)),
                "Set": Method("ssv", "", ("interface", "name", "value")),
            },
            signals={
                "PropertiesChanged": (("interface", "s"), ("changed_properties", "a{sv}"),
                                      ("invalidated_properties", "as")),
            },
        ),
        Interface(INTROSPECTABLE, methods={"Introspect": Method("", "s", (), ("xml",))}),
        Interface(AGENT_MANAGER, methods={
            "RegisterAgent": Method("os", "", ("agent", "capability")),
            "UnregisterAgent": Method("o", "", ("agent",)),
            "RequestDefaultAgent": Method("o", "", ("agent",)),
        }),
        Interface(
            ADAPTER,
            methods={
                "StartDiscovery": Method(),
                "StopDiscovery": Method(),
                "SetDiscoveryFilter": Method("a{sv}", "", ("filter",)),
                "GetDiscoveryFilters": Method("", "as", (), ("filters",)),
                "RemoveDevice": Method("o", "", ("device",)),
            },
            properties={
                "Address": Prop("s"),
                "AddressType": Prop("s"),
                "Name": Prop("s"),
                "Alias": Prop("s", True),
                "Class": Prop("u"),
                "Powered": Prop("b", True),
                "PowerState": Prop("s"),
                "Discoverable": Prop("b", True),
                "DiscoverableTimeout": Prop("u", True),
                "Pairable": Prop("b", True),
                "PairableTimeout": Prop("u", True),
                "Discovering": Prop("b"),
                "UUIDs": Prop("as"),
                "Modalias": Prop("s"),
                "Roles": Prop("as"),
            },
        ),
        Interface(
            DEVICE,
            methods={
                "Connect": Method(),
                "Disconnect": Method(),
                "Pair": Method(),
                "CancelPairing": Method(),
            },
            properties={
                "Address": Prop("s"),
                "AddressType": Prop("s"),
                "Name": Prop("s"),
                "Alias": Prop("s", True),
                "Appearance": Prop("q"),
                "UUIDs": Prop("as"),
                "Paired": Prop("b"),
                "Bonded": Prop("b"),
                "Connected": Prop("b"),
                "Trusted": Prop("b", True),
                "Blocked": Prop("b", True),
                "LegacyPairing": Prop("b"),
                "RSSI": Prop("n"),
                "TxPower": Prop("n"),
                "ManufacturerData": Prop("a{qv}"),
                "ServiceData": Prop("a{sv}"),
                "ServicesResolved": Prop("b"),
                "AdvertisingFlags": Prop("ay"),
                "Adapter": Prop("o"),
            },
            signals={"Disconnected": (("name", "s"), ("message", "s"))},
        ),
        Interface(
            GATT_SERVICE,
            properties={
                "Handle": Prop("q"),
                "UUID": Prop("s"),
                "Device": Prop("o"),
                "Primary": Prop("b"),
                "Includes": Prop("ao"),
            },
        ),
        Interface(
            GATT_CHARACTERISTIC,
            methods={
                "ReadValue": Method("a{sv}", "ay", OPTIONS, ("value",)),
                "WriteValue": Method("aya{sv}", "", ("value", "options")),
                "AcquireWrite": Method("a{sv}", "hq", OPTIONS, ("fd", "mtu")),
                "AcquireNotify": Method("a{sv}", "hq", OPTIONS, ("fd", "mtu")),
                "StartNotify": Method(),
                "StopNotify": Method(),
            },
            properties={
                "Handle": Prop("q"),
                "UUID": Prop("s"),
                "Service": Prop("o"),
                "Value": Prop("ay"),
                "Notifying": Prop("b"),
                "Flags": Prop("as"),
                "MTU": Prop("q"),
            },
        ),
        Interface(
            GATT_DESCRIPTOR,
            methods={
                "ReadValue": Method("a{sv}", "ay", OPTIONS, ("value",)),
                "WriteValue": Method("aya{sv}", "", ("value", "options")),
            },
            properties={
                "Handle": Prop("q"),
                "UUID": Prop("s"),
                "Characteristic": Prop("o"),
                "Value": Prop("ay"),
                "Flags": Prop("as"),
            },
        ),
    )
}

STANDARD = (INTROSPECTABLE, PROPERTIES)


def to_variant(sig: str, value: object) -> Variant:
    """A property value as BlueZ sends it: byte arrays inside dictionaries are variants."""
    if sig == "a{qv}":
        return Variant(sig, {int(k): Variant("ay", bytes(v)) for k, v in value.items()})  # type: ignore[attr-defined]
    if sig == "a{sv}":
        return Variant(sig, {str(k): Variant("ay", bytes(v)) for k, v in value.items()})  # type: ignore[attr-defined]
    if sig == "ay":
        return Variant(sig, bytes(value))  # type: ignore[call-overload]
    if sig in ("as", "ao"):
        return Variant(sig, list(value))  # type: ignore[call-overload]
    return Variant(sig, value)


def introspect(names: list[str], children: list[str]) -> str:
    """The introspection XML for an object with these interfaces and child nodes."""
    lines = ['<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"',
             ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">', "<node>"]
    for name in names:
        spec = INTERFACES[name]
        lines.append(f"  <interface name={quoteattr(name)}>")
        for member, method in spec.methods.items():
            lines.append(f"    <method name={quoteattr(member)}>")
            for sig, arg in _args(method.in_sig, method.in_names):
                lines.append(f"      <arg name={quoteattr(arg)} type={quoteattr(sig)} direction=\"in\"/>")
            for sig, arg in _args(method.out_sig, method.out_names):
                lines.append(f"      <arg name={quoteattr(arg)} type={quoteattr(sig)} direction=\"out\"/>")
            lines.append("    </method>")
        for member, args in spec.signals.items():
            lines.append(f"    <signal name={quoteattr(member)}>")
            for arg, sig in args:
                lines.append(f"      <arg name={quoteattr(arg)} type={quoteattr(sig)}/>")
            lines.append("    </signal>")
        for prop_name, prop in spec.properties.items():
            access = "readwrite" if prop.writable else "read"
            lines.append(f"    <property name={quoteattr(prop_name)} type={quoteattr(prop.sig)} access=\"{access}\"/>")
        lines.append("  </interface>")
    for child in children:
        lines.append(f"  <node name={quoteattr(child)}/>")
    lines.append("</node>")
    return "\n".join(lines) + "\n"


def _args(signature: str, names: tuple[str, ...]) -> list[tuple[str, str]]:
    from dbus_fast.signature import SignatureTree

    types = [t.signature for t in SignatureTree(signature).types] if signature else []
    return [(sig, names[i] if i < len(names) else f"arg{i}") for i, sig in enumerate(types)]
