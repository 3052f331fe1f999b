"""A small D-Bus object server on a dbus-fast connection, shaped like bluetoothd's.

Why not dbus-fast's `ServiceInterface`: BlueZ's behaviour depends on who calls
(each client has its own discovery session and filter, its own notification
sessions, and loses them when it leaves the bus), BlueZ leaves a property out
while it has no value (`RSSI`, `Name`, `Value`, ...), announces an object with one
`InterfacesAdded` carrying all its interfaces, and answers with its own error
names. So calls are dispatched here from raw messages, with the caller's unique
name at hand, and property changes are sent as BlueZ's GDBus layer sends them: the
difference from what was last announced, with properties that ceased to exist
listed as invalidated.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from dbus_fast import Message, MessageFlag, MessageType, Variant
from dbus_fast.aio import MessageBus

from simulators.bluez.interfaces import (
    INTERFACES,
    INTROSPECTABLE,
    OBJECT_MANAGER,
    PEER,
    PROPERTIES,
    STANDARD,
    introspect,
    to_variant,
)

log = logging.getLogger(__name__)

DBUS_ERROR = "org.freedesktop.DBus.Error."


class BluezError(Exception):
    """A D-Bus error reply: `name` (e.g. org.bluez.Error.NotReady) and its text."""

    def __init__(self, name: str, text: str = "") -> None:
        super().__init__(name, text)
        self.name = name
        self.text = text


@dataclass
class Call:
    """One method call: who made it and its arguments (as dbus-fast unpacked them)."""

    sender: str
    args: list[Any]
    message: Message


Handler = Callable[[Call], Any]


class DBusObject:
    """One object path with some of the interfaces in `interfaces.INTERFACES`.

    Subclasses list their interfaces, answer `properties(interface)` with plain
    Python values (a property that does not exist now is left out), map method
    names to handlers in `methods()`, and call `refresh()` after every change of
    state so that clients hear of it.
    """

    interfaces: tuple[str, ...] = ()

    def __init__(self, path: str) -> None:
        self.path = path
        self.tree: ObjectTree | None = None

    def properties(self, interface: str) -> dict[str, Any]:
        return {}

    def set_property(self, interface: str, name: str, value: Any, call: Call) -> Awaitable[None] | None:
        raise BluezError(DBUS_ERROR + "PropertyReadOnly", f"Property '{name}' is not writable")

    def methods(self) -> dict[tuple[str, str], Handler]:
        return {}

    @property
    def exported(self) -> bool:
        return self.tree is not None

    def refresh(self, interface: str | None = None, *, force: tuple[str, ...] = ()) -> None:
        """Announce what changed since the last announcement (`force`: even if equal)."""
        if self.tree is not None:
            for name in (interface,) if interface else self.interfaces:
                self.tree.announce(self, name, force)

    def emit(self, interface: str, member: str, signature: str, body: list[Any]) -> None:
        if self.tree is not None:
            self.tree.send(Message.new_signal(self.path, interface, member, signature, body))


class ObjectTree:
    """The exported objects of one bus connection, and the dispatcher for calls to them."""

    def __init__(self, bus: MessageBus, on_name_lost: Callable[[str], None] | None = None) -> None:
        self.bus = bus
        self.objects: dict[str, DBusObject] = {}
        self._announced: dict[tuple[str, str], dict[str, Any]] = {}
        self._on_name_lost = on_name_lost
        self._tasks: set[asyncio.Task[Any]] = set()
        bus.add_message_handler(self._on_message)

    async def watch_names(self) -> None:
        """Hear when a client leaves the bus (BlueZ's g_dbus_add_disconnect_watch)."""
        reply = await self.bus.call(Message(
            destination="org.freedesktop.DBus", path="/org/freedesktop/DBus", interface="org.freedesktop.DBus",
            member="AddMatch", signature="s",
            body=["type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                  "member='NameOwnerChanged'"],
        ))
        if reply is None or reply.message_type is MessageType.ERROR:
            raise RuntimeError(f"AddMatch for NameOwnerChanged failed: {reply and reply.body}")

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.bus.remove_message_handler(self._on_message)

    # exporting ------------------------------------------------------------------

    def export(self, obj: DBusObject) -> None:
        if obj.path in self.objects:
            raise ValueError(f"already exported: {obj.path}")
        self.objects[obj.path] = obj
        obj.tree = self
        interfaces: dict[str, dict[str, Variant]] = {name: {} for name in STANDARD}
        for name in obj.interfaces:
            values = dict(obj.properties(name))
            self._announced[(obj.path, name)] = values
            interfaces[name] = self._variants(name, values)
        if obj.path != "/":
            self.send(Message.new_signal("/", OBJECT_MANAGER, "InterfacesAdded", "oa{sa{sv}}", [obj.path, interfaces]))

    def unexport(self, obj: DBusObject) -> None:
        if self.objects.get(obj.path) is not obj:
            return
        del self.objects[obj.path]
        obj.tree = None
        for name in obj.interfaces:
            self._announced.pop((obj.path, name), None)
        if obj.path != "/":
            names = [*STANDARD, *obj.interfaces]
            self.send(Message.new_signal("/", OBJECT_MANAGER, "InterfacesRemoved", "oas", [obj.path, names]))

    def announce(self, obj: DBusObject, interface: str, force: tuple[str, ...] = ()) -> None:
        key = (obj.path, interface)
        if self.objects.get(obj.path) is not obj or key not in self._announced:
            return
        old = self._announced[key]
        new = dict(obj.properties(interface))
        changed = {k: v for k, v in new.items() if k in force or k not in old or old[k] != v}
        invalidated = [k for k in old if k not in new]
        self._announced[key] = new
        if changed or invalidated:
            self.send(Message.new_signal(obj.path, PROPERTIES, "PropertiesChanged", "sa{sv}as",
                                         [interface, self._variants(interface, changed), invalidated]))

    def managed_objects(self) -> dict[str, dict[str, dict[str, Variant]]]:
        result: dict[str, dict[str, dict[str, Variant]]] = {}
        for path, obj in self.objects.items():
            if path == "/":
                continue
            interfaces: dict[str, dict[str, Variant]] = {name: {} for name in STANDARD}
            for name in obj.interfaces:
                interfaces[name] = self._variants(name, obj.properties(name))
            result[path] = interfaces
        return result

    @staticmethod
    def _variants(interface: str, values: dict[str, Any]) -> dict[str, Variant]:
        spec = INTERFACES[interface].properties
        return {name: to_variant(spec[name].sig, value) for name, value in values.items()}

    def send(self, message: Message) -> None:
        if self.bus.connected:
            self.bus.send(message)

    # dispatching ----------------------------------------------------------------

    def _on_message(self, msg: Message) -> Message | bool | None:
        if msg.message_type is MessageType.SIGNAL:
            if (msg.member == "NameOwnerChanged" and msg.sender == "org.freedesktop.DBus"
                    and msg.signature == "sss"):
                name, _old, new = msg.body
                if not new and name.startswith(":") and self._on_name_lost is not None:
                    self._on_name_lost(name)
            return None
        if msg.message_type is not MessageType.METHOD_CALL:
            return None
        wants_reply = not (msg.flags & MessageFlag.NO_REPLY_EXPECTED)
        try:
            out_sig, result = self._dispatch(msg)
        except BluezError as error:
            return Message.new_error(msg, error.name, error.text) if wants_reply else True
        except Exception:  # a bug in the stand-in: say so, as bluetoothd would not crash the caller
            log.exception("BlueZ stand-in failed on %s.%s at %s", msg.interface, msg.member, msg.path)
            return Message.new_error(msg, "org.bluez.Error.Failed", "stand-in internal error") if wants_reply else True
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(self._finish(msg, out_sig, result, wants_reply))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return True
        return Message.new_method_return(msg, out_sig, self._body(out_sig, result)) if wants_reply else True

    async def _finish(self, msg: Message, out_sig: str, pending: Awaitable[Any], wants_reply: bool) -> None:
        try:
            result = await pending
        except BluezError as error:
            reply = Message.new_error(msg, error.name, error.text)
        except asyncio.CancelledError:
            reply = Message.new_error(msg, "org.bluez.Error.Failed", "Operation canceled")
        except Exception:
            log.exception("BlueZ stand-in failed on %s.%s at %s", msg.interface, msg.member, msg.path)
            reply = Message.new_error(msg, "org.bluez.Error.Failed", "stand-in internal error")
        else:
            reply = Message.new_method_return(msg, out_sig, self._body(out_sig, result))
        if wants_reply:
            self.send(reply)

    @staticmethod
    def _body(out_sig: str, result: Any) -> list[Any]:
        if not out_sig:
            return []
        return list(result) if isinstance(result, tuple) else [result]

    def _dispatch(self, msg: Message) -> tuple[str, Any]:
        path, interface, member = msg.path or "/", msg.interface, msg.member or ""
        obj = self.objects.get(path)
        call = Call(msg.sender or "", list(msg.body), msg)
        if interface == INTROSPECTABLE or (interface is None and member == "Introspect"):
            if member != "Introspect":
                raise BluezError(DBUS_ERROR + "UnknownMethod", f"Unknown method {member}")
            children = self._children(path)
            if obj is None and not children:
                raise BluezError(DBUS_ERROR + "UnknownObject", f"Unknown object {path}")
            names = [INTROSPECTABLE] + ([PROPERTIES, *obj.interfaces] if obj else [])
            return "s", introspect(names, children)
        if interface == PEER:
            if member == "Ping":
                return "", None
            raise BluezError(DBUS_ERROR + "UnknownMethod", f"Unknown method {member}")
        if obj is None:
            raise BluezError(DBUS_ERROR + "UnknownObject", f"Method \"{member}\" with signature "
                             f"\"{msg.signature}\" on interface \"{interface}\" doesn't exist")
        if interface == PROPERTIES:
            return self._properties_call(obj, member, call)
        if interface == OBJECT_MANAGER and OBJECT_MANAGER in obj.interfaces and member == "GetManagedObjects":
            return "a{oa{sa{sv}}}", self.managed_objects()
        candidates = [interface] if interface else list(obj.interfaces)
        for name in candidates:
            if name not in obj.interfaces:
                continue
            method = INTERFACES[name].methods.get(member)
            handler = obj.methods().get((name, member))
            if method is None or handler is None:
                continue
            if msg.signature != method.in_sig:
                raise BluezError(DBUS_ERROR + "InvalidArgs", "Invalid arguments in method call")
            return method.out_sig, handler(call)
        raise BluezError(DBUS_ERROR + "UnknownMethod", f"Method \"{member}\" with signature \"{msg.signature}\" "
                         f"on interface \"{interface}\" doesn't exist")

    def _properties_call(self, obj: DBusObject, member: str, call: Call) -> tuple[str, Any]:
        signatures = {"Get": "ss", "GetAll": "s", "Set": "ssv"}
        if member not in signatures:
            raise BluezError(DBUS_ERROR + "UnknownMethod", f"Unknown method {member}")
        if call.message.signature != signatures[member]:
            raise BluezError(DBUS_ERROR + "InvalidArgs", "Invalid arguments in method call")
        interface = call.args[0]
        if interface not in obj.interfaces:
            if member == "GetAll" and interface in STANDARD:
                return "a{sv}", {}
            raise BluezError(DBUS_ERROR + "InvalidArgs", f"No such interface '{interface}'")
        if member == "GetAll":
            return "a{sv}", self._variants(interface, obj.properties(interface))
        name = call.args[1]
        spec = INTERFACES[interface].properties.get(name)
        if member == "Get":
            values = obj.properties(interface)
            if spec is None or name not in values:
                raise BluezError(DBUS_ERROR + "InvalidArgs", f"No such property '{name}'")
            return "v", to_variant(spec.sig, values[name])
        if spec is None:
            raise BluezError(DBUS_ERROR + "InvalidArgs", f"No such property '{name}'")
        if not spec.writable:
            raise BluezError(DBUS_ERROR + "PropertyReadOnly", f"Property '{name}' is not writable")
        variant: Variant = call.args[2]
        if variant.signature != spec.sig:
            raise BluezError(DBUS_ERROR + "InvalidArgs", "Invalid arguments in method call")
        return "", obj.set_property(interface, name, variant.value, call)

    def _children(self, path: str) -> list[str]:
        prefix = "/" if path == "/" else path + "/"
        names = {p[len(prefix):].split("/", 1)[0] for p in self.objects if p.startswith(prefix) and p != path}
        return sorted(n for n in names if n)
