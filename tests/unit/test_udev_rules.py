"""packaging/udev/99-welfare-hub.rules: well-formed, and what its README promises.

udevadm is not available in CI, so a small parser of udev's rule syntax (one rule per
line, comma-separated KEY=="value" / KEY="value" / KEY+="value" items) is the check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "packaging" / "udev" / "99-welfare-hub.rules"
README = ROOT / "packaging" / "udev" / "README.md"
UNIT = ROOT / "packaging" / "systemd" / "welfare-hub.service"

MATCH_OPS = {"==", "!="}
ASSIGN_OPS = {"=", "+=", "-=", ":="}
# key -> (attribute names allowed in {...}: None for no braces, "*" for any, a set otherwise; operators)
KEYS = {
    "ACTION": (None, MATCH_OPS),
    "SUBSYSTEM": (None, MATCH_OPS),
    "SUBSYSTEMS": (None, MATCH_OPS),
    "KERNEL": (None, MATCH_OPS),
    "ATTRS": ({"idVendor", "idProduct"}, MATCH_OPS),
    "ENV": ("*", MATCH_OPS | {"=", "+="}),
    "GROUP": (None, {"=", ":="}),
    "MODE": (None, {"=", ":="}),
    "SYMLINK": (None, ASSIGN_OPS),
    "TAG": (None, {"=", "+=", "-="}),
}
KINDS = ("usb-serial", "modem", "dispenser", "sensor-receiver")
SUBSTITUTIONS = {"ID_SERIAL_SHORT", "ID_PATH_TAG"}  # what 60-serial.rules sets before us
ITEM = re.compile(
    r'\s*(?P<key>[A-Z_]+)(?:\{(?P<attr>[A-Za-z0-9_]+)\})?\s*(?P<op>==|!=|\+=|-=|:=|=)\s*"(?P<value>[^"]*)"\s*'
)


class RuleSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    key: str  # "ATTRS{idVendor}", "GROUP", ...
    op: str
    value: str


@dataclass(frozen=True)
class Rule:
    line_number: int
    items: tuple[Item, ...]

    def matches(self) -> dict[str, tuple[str, str]]:
        return {i.key: (i.op, i.value) for i in self.items if i.op in MATCH_OPS}

    def assigns(self, key: str) -> list[Item]:
        return [i for i in self.items if i.key == key and i.op not in MATCH_OPS]

    def match_value(self, key: str) -> str | None:
        op, value = self.matches().get(key, ("", None))
        return value if op == "==" else None


def parse_line(line: str) -> tuple[Item, ...]:
    items, pos = [], 0
    while True:
        m = ITEM.match(line, pos)
        if not m:
            raise RuleSyntaxError(f"cannot read an item at column {pos + 1}: {line[pos:pos + 40]!r}")
        key, attr, op = m.group("key"), m.group("attr"), m.group("op")
        if key not in KEYS:
            raise RuleSyntaxError(f"unknown key {key}")
        allowed_attrs, allowed_ops = KEYS[key]
        if allowed_attrs is None and attr is not None:
            raise RuleSyntaxError(f"{key} takes no {{attribute}}")
        if allowed_attrs is not None and (attr is None or (allowed_attrs != "*" and attr not in allowed_attrs)):
            raise RuleSyntaxError(f"{key}{{{attr}}} is not an attribute these rules use")
        if op not in allowed_ops:
            raise RuleSyntaxError(f"{key} cannot be used with {op}")
        if re.search(r"%|\$(?!env\{[A-Z_]+\})", m.group("value")):
            raise RuleSyntaxError(f"only $env{{NAME}} substitutions: {m.group('value')!r}")
        items.append(Item(f"{key}{{{attr}}}" if attr else key, op, m.group("value")))
        pos = m.end()
        if pos == len(line):
            break
        if line[pos] != ",":
            raise RuleSyntaxError(f"expected ',' at column {pos + 1}")
        pos += 1
    keys = [i.key for i in items if i.op in MATCH_OPS]
    if len(keys) != len(set(keys)):
        raise RuleSyntaxError("a key matched twice")
    return tuple(items)


def parse_rules(text: str) -> list[Rule]:
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            raise RuleSyntaxError(f"line {number}: no line continuations, one rule per line")
        try:
            rules.append(Rule(number, parse_line(stripped)))
        except RuleSyntaxError as exc:
            raise RuleSyntaxError(f"line {number}: {exc}") from None
    return rules


def templates(text: str) -> list[Rule]:
    """The commented-out rule lines ("# SUBSYSTEM==..."), meant to be copied."""
    return [Rule(n, parse_line(line.lstrip("# ").strip())) for n, line in enumerate(text.splitlines(), 1)
            if re.match(r"#\s*SUBSYSTEM==", line)]


RULES_TEXT = RULES.read_text(encoding="utf-8")
README_TEXT = README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return parse_rules(RULES_TEXT)


# -- the parser itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403"',
        'SUBSYSTEM=="tty",ATTRS{idVendor}=="0403" , GROUP="welfare-hub"',
        'ENV{ID_SERIAL_SHORT}=="?*", SYMLINK+="welfare-hub/x-$env{ID_SERIAL_SHORT}"',
        'ACTION!="remove", TAG+="systemd", MODE:="0660"',
    ],
)
def test_parser_reads_good_lines(line):
    assert parse_line(line)


@pytest.mark.parametrize(
    "line",
    [
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403",',  # trailing comma
        'SUBSYSTEM=="tty" ATTRS{idVendor}=="0403"',  # missing comma
        'SUBSYSTEM=="tty, ATTRS{idVendor}=="0403"',  # missing quote
        "SUBSYSTEM==tty",  # unquoted
        'SUBSYSTEM=+"tty"',  # no such operator
        'SUBSYSTEM="tty"',  # assigning a match-only key
        'ATTRS{idVendor}="0403"',
        'GROUP=="welfare-hub"',  # matching an assignment-only key
        'MODE+="0660"',
        'OWNER="root"',  # not a key these rules use
        'ATTRS{serial}=="A1"',
        'ATTRS=="0403"',
        'GROUP{x}="welfare-hub"',
        'subsystem=="tty"',
        'SYMLINK+="welfare-hub/x-$attr{serial}"',  # only $env{...}
        'SYMLINK+="welfare-hub/x-%s{serial}"',
        'SUBSYSTEM=="tty", SUBSYSTEM=="tty"',
        "",
    ],
)
def test_parser_refuses_bad_lines(line):
    with pytest.raises(RuleSyntaxError):
        parse_line(line)


def test_parser_refuses_continuations():
    with pytest.raises(RuleSyntaxError):
        parse_rules('SUBSYSTEM=="tty", \\\n  GROUP="welfare-hub"\n')
    assert parse_rules("# a comment\n\n   \n  # indented comment\n") == []


# -- the rules file ------------------------------------------------------------------


def test_every_line_is_valid(rules):
    assert len(rules) >= 12
    assert RULES.name.startswith("99-"), "must sort after the system's 60-serial.rules"


def test_every_rule_is_for_one_usb_id_and_sets_access_and_a_stable_name(rules):
    for rule in rules:
        where = f"line {rule.line_number}"
        matches = rule.matches()
        assert matches.get("SUBSYSTEM") == ("==", "tty"), where
        # Never a catch-all: a rule without a USB id would take over every serial port.
        assert "ATTRS{idVendor}" in matches and "ATTRS{idProduct}" in matches, where
        for key in ("ATTRS{idVendor}", "ATTRS{idProduct}"):
            op, value = matches[key]
            assert op == "==" and re.fullmatch(r"[0-9a-f]{4}", value), f"{where}: {key} must be 4 lower-case hex digits"
        # `udevadm trigger` sends "change": a rule only for "add" would drop the link then.
        assert matches.get("ACTION", ("!=", "remove")) == ("!=", "remove"), where
        assert [(i.op, i.value) for i in rule.assigns("GROUP")] == [("=", "welfare-hub")], where
        assert [(i.op, i.value) for i in rule.assigns("MODE")] == [("=", "0660")], where
        links = rule.assigns("SYMLINK")
        assert len(links) == 1 and links[0].op == "+=", f"{where}: one SYMLINK+= (+=, so other names are kept)"
        check_link(rule, links[0].value, where)


def check_link(rule: Rule, link: str, where: str) -> None:
    serial = rule.matches().get("ENV{ID_SERIAL_SHORT}")
    kinds = "|".join(KINDS)
    if serial == ("==", "?*"):  # the device has a serial number: the name uses it
        assert re.fullmatch(rf"welfare-hub/({kinds})-\$env\{{ID_SERIAL_SHORT\}}", link), f"{where}: {link}"
    else:  # none: named after the USB socket, and only then
        assert serial == ("==", ""), f"{where}: match ENV{{ID_SERIAL_SHORT}} with \"?*\" or \"\""
        assert re.fullmatch(rf"welfare-hub/({kinds})-port-\$env\{{ID_PATH_TAG\}}", link), f"{where}: {link}"
    for name in re.findall(r"\$env\{([A-Z_]+)\}", link):
        assert name in SUBSTITUTIONS, f"{where}: $env{{{name}}} is not set by 60-serial.rules"


def kind_of(rule: Rule) -> str:
    return re.fullmatch(r"welfare-hub/([a-z-]+?)(?:-port)?-\$env\{\w+\}", rule.assigns("SYMLINK")[0].value).group(1)


def identity(rule: Rule) -> tuple[str, str, str | None]:
    """(vendor, product, interface or None)"""
    return (rule.match_value("ATTRS{idVendor}"), rule.match_value("ATTRS{idProduct}"),
            rule.match_value("ENV{ID_USB_INTERFACE_NUM}"))


def test_every_id_has_a_rule_with_and_one_without_serial_number(rules):
    pairs: dict[tuple, dict[str, Rule]] = {}
    for rule in rules:
        has_serial = rule.matches()["ENV{ID_SERIAL_SHORT}"][1] == "?*"
        slot = pairs.setdefault(identity(rule), {})
        assert ("serial" if has_serial else "none") not in slot, f"line {rule.line_number}: the same id twice"
        slot["serial" if has_serial else "none"] = rule
    for ident, slot in pairs.items():
        assert set(slot) == {"serial", "none"}, f"{ident}: needs both rules"
        with_serial, without = slot["serial"], slot["none"]
        assert kind_of(with_serial) == kind_of(without), ident
        same = {k: v for k, v in with_serial.matches().items() if k != "ENV{ID_SERIAL_SHORT}"}
        assert same == {k: v for k, v in without.matches().items() if k != "ENV{ID_SERIAL_SHORT}"}, ident


def test_modems_name_only_their_at_port_and_bridges_every_port(rules):
    for rule in rules:
        interface = rule.matches().get("ENV{ID_USB_INTERFACE_NUM}")
        if kind_of(rule) == "modem":
            assert interface is not None and interface[0] == "==", f"line {rule.line_number}: which interface?"
            assert re.fullmatch(r"[0-9a-f]{2}", interface[1]), f"line {rule.line_number}: two hex digits, e.g. 02"
        else:
            assert interface is None, f"line {rule.line_number}"


def test_quectel_at_port_is_interface_02(rules):
    quectel = [r for r in rules if r.match_value("ATTRS{idVendor}") == "2c7c"]
    assert {r.match_value("ATTRS{idProduct}") for r in quectel} >= {"0125", "0121"}
    assert all(r.match_value("ENV{ID_USB_INTERFACE_NUM}") == "02" for r in quectel)


def test_the_generic_bridges_are_there(rules):
    bridges = {identity(r)[:2] for r in rules if kind_of(r) == "usb-serial"}
    assert bridges >= {("0403", "6001"), ("0403", "6015"), ("10c4", "ea60"), ("1a86", "7523")}


def test_the_commented_templates_are_valid_rules_but_for_their_ids():
    found = templates(RULES_TEXT)
    assert len(found) >= 2
    for rule in found:
        assert {rule.match_value("ATTRS{idVendor}"), rule.match_value("ATTRS{idProduct}")} == {"vvvv", "pppp"}
        assert [(i.op, i.value) for i in rule.assigns("GROUP")] == [("=", "welfare-hub")]
        assert [(i.op, i.value) for i in rule.assigns("MODE")] == [("=", "0660")]
        assert kind_of(rule) in ("dispenser", "sensor-receiver")
        check_link(rule, rule.assigns("SYMLINK")[0].value, f"template line {rule.line_number}")


def test_the_hub_runs_in_the_group_the_rules_give_access_to():
    unit = UNIT.read_text(encoding="utf-8")
    assert re.search(r"^User=welfare-hub$", unit, re.M)
    assert re.search(r"^Group=welfare-hub$", unit, re.M)


# -- the README ------------------------------------------------------------------------


def readme_table() -> list[tuple[str, str, str | None, str]]:
    """(vendor, product, interface or None for "all", kind) from the README's table of devices."""
    rows = []
    for line in README_TEXT.splitlines():
        m = re.match(r"\|[^|]*\| `([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})` \| ([^|]+) \| `([a-z-]+)-<serial>` \|$", line)
        if m:
            interface = m.group(3).strip()
            interface = None if interface == "all" else re.match(r"`([0-9a-f]{2})`", interface).group(1)
            rows.append((m.group(1), m.group(2), interface, m.group(4)))
    return rows


def test_every_usb_id_of_the_readme_has_its_rules(rules):
    table = readme_table()
    assert len(table) >= 6
    in_rules = {identity(r): kind_of(r) for r in rules}
    for vendor, product, interface, kind in table:
        assert (vendor, product, interface) in in_rules, f"{vendor}:{product} is in the README but not in the rules"
        assert in_rules[(vendor, product, interface)] == kind, f"{vendor}:{product}"


def test_every_usb_id_of_the_rules_is_in_the_readme(rules):
    table = {(v, p, i) for v, p, i, _ in readme_table()}
    for rule in rules:
        assert identity(rule) in table, f"line {rule.line_number}: {identity(rule)} is missing from the README's table"


def test_every_vendor_product_pair_mentioned_in_the_readme_tables_is_known(rules):
    """Any `vvvv:pppp` in a README table row (not only the devices table) must be in the rules."""
    known = {identity(r)[:2] for r in rules}
    for line in README_TEXT.splitlines():
        if line.startswith("|"):
            for vendor, product in re.findall(r"\b([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\b", line):
                assert (vendor, product) in known, line


def test_readme_gives_the_technicians_steps():
    for text in (
        f"sudo cp {RULES.name} /etc/udev/rules.d/",
        "udevadm control --reload",
        "udevadm trigger",
        "ls -l /dev/welfare-hub/",
        "udevadm info -q property -n /dev/ttyUSB0",
        "ID_VENDOR_ID",
        "ID_MODEL_ID",
        "ID_SERIAL_SHORT",
        "ID_USB_INTERFACE_NUM",
        "lsusb",
        "usermod -aG welfare-hub",
        "../systemd/README.md",
    ):
        assert text in README_TEXT, text
    for link in re.findall(r"\]\(([^)#]+)\)", README_TEXT):
        assert (README.parent / link).exists(), link
