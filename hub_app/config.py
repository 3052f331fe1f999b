"""The hub's configuration: one TOML file, validated completely before anything starts.

Every problem names the file, the key and what is allowed; the hub starts with a
whole, valid configuration or not at all. Defaults come from platformdirs, and the
command line's `--config` and `--data-dir` override them.
"""

from __future__ import annotations

import difflib
import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "welfare-hub"
# The resident's language: screens, speech and SMS. Bokmål, nynorsk, North Sámi, English.
LANGUAGES = ("nb", "nn", "se", "en")
LANGUAGE_NAMES = {"nb": "Norwegian bokmål", "nn": "Norwegian nynorsk", "se": "North Sámi", "en": "English"}
LOG_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(Exception):
    """The configuration cannot be used. `problems` lists each one in plain words."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: the configuration is not valid:\n{lines}")


def check_language(value: str) -> str | None:
    """None for a language the hub speaks; otherwise what is allowed (the care plan uses it too)."""
    if value in LANGUAGES:
        return None
    return "one of " + ", ".join(f"{code!r} ({LANGUAGE_NAMES[code]})" for code in LANGUAGES)


_check_language = check_language


def _check_log_level(value: str) -> str | None:
    return None if value in LOG_LEVELS else f"one of {', '.join(map(repr, LOG_LEVELS))}"


def _check_time_zone(value: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        return "an IANA time zone name such as 'Europe/Oslo'"
    return None


def _check_name(value: str) -> str | None:
    # Empty is allowed (the greeting goes without a name); long ones do not fit the screen.
    return None if len(value.strip()) <= 40 else "a name of at most 40 characters, or empty"


def _check_megabytes(value: int) -> str | None:
    return None if 0 <= value <= 100_000 else "a whole number of megabytes from 0 to 100000"


def _setting(default: Any, help: str, check=None) -> Any:
    return field(default=default, metadata={"help": help, "check": check})


@dataclass(frozen=True)
class ResidentSection:
    name: str = _setting("", "First name used in the greeting (empty: no name)", _check_name)
    language: str = _setting("nb", "Screen, speech and SMS language: 'nb' (bokmål), 'nn' (nynorsk), 'se' (North Sámi) "
                                        "or 'en' (English); the care plan's [resident] language, when set, is the one for "
                                        "the SMS the hub sends", _check_language)
    larger_text: bool = _setting(False, "Show all resident text larger")
    time_zone: str = _setting("Europe/Oslo", "IANA time zone of the home", _check_time_zone)


@dataclass(frozen=True)
class HubSection:
    data_dir: str = _setting("", "Where the store and logs live (empty: the platform default)")
    log_level: str = _setting("info", "debug, info, warning or error", _check_log_level)
    fullscreen: bool = _setting(True, "Fill the screen (a kiosk); false opens a window")
    storage_low_mb: int = _setting(200, "Free space in MB on the data folder's disk below which the care service gets "
                                        "a technical alarm (the hub still has room then)", _check_megabytes)
    storage_reserve_mb: int = _setting(20, "Space in MB the hub keeps in reserve in its data folder and frees for "
                                           "alarms when the disk fills up (0: none)", _check_megabytes)


@dataclass(frozen=True)
class TechnicianSection:
    pin_file: str = _setting(
        "technician-pin",
        "Secret file with the technician PIN's hash (mode 0600); relative to the config file",
    )


def _check_phone(value: str) -> str | None:
    digits = value.replace(" ", "")
    ok = not digits or (digits.lstrip("+").isdigit() and 3 <= len(digits.lstrip("+")) <= 15)
    return None if ok else "a phone number like '+4791234567', or empty"


def _check_countdown(value: int) -> str | None:
    return None if 0 <= value <= 600 else "a whole number of seconds from 0 to 600"


def _check_positive(value: int) -> str | None:
    return None if 1 <= value <= 1440 else "a whole number of minutes from 1 to 1440"


@dataclass(frozen=True)
class CarePlanSection:
    file: str = _setting("", "The care plan file read at start, TOML or JSON (empty: the plan from the care "
                             "service); relative to the config file")


@dataclass(frozen=True)
class AlarmsSection:
    on_call_number: str = _setting("", "The home-care service's on-call phone: an SMS goes there at once when an "
                                       "alarm cannot reach the service (empty: none)", _check_phone)
    acknowledge_minutes: int = _setting(5, "Minutes to wait for a person to acknowledge an alarm before the next "
                                           "step of the ladder", _check_positive)
    fall_countdown_seconds: int = _setting(30, "Seconds the resident has to answer \"Are you OK?\" after a fall "
                                               "before the alarm is raised (0: none)", _check_countdown)
    reminder_repeat_minutes: int = _setting(15, "Minutes before an unanswered medication reminder is given again",
                                            _check_positive)


def _check_heartbeat(value: int) -> str | None:
    return None if 10 <= value <= 3600 else "a whole number of seconds from 10 to 3600"


def _check_service_url(value: str) -> str | None:
    if not value:
        return None
    if value.startswith("https://") or value.startswith(("http://127.0.0.1", "http://localhost")):
        return None
    return "an https:// address (plain http only for 127.0.0.1), or empty"


@dataclass(frozen=True)
class CareServiceSection:
    url: str = _setting("", "The care service's FHIR base, e.g. https://care.example.no (empty: not connected)",
                        _check_service_url)
    patient_id: str = _setting("", "The resident's id at the care service (welfare-care-service add-hub prints it)")
    credential_file: str = _setting("care-service-credential", "Secret file with this hub's credential (mode 0600); "
                                    "relative to the config file")
    ca_bundle: str = _setting("", "A CA bundle for a private certificate authority (empty: the system's)")
    heartbeat_seconds: int = _setting(60, "How often the hub tells the service it is alive", _check_heartbeat)


def _check_origins(value: str) -> str | None:
    from hub_app.call_origins import origin_problem

    problems = [p for p in map(origin_problem, value.split()) if p]
    return problems[0] if problems else None


def _check_ring(value: int) -> str | None:
    return None if 15 <= value <= 300 else "a whole number of seconds from 15 to 300"


@dataclass(frozen=True)
class CallsSection:
    origins: str = _setting("", "Where video calls may come from, besides the care service: origins separated by "
                                "spaces, e.g. \"https://meet.example.no\" (camera and microphone are given to these only)",
                            _check_origins)
    ring_seconds: int = _setting(60, "Seconds a call rings before it counts as missed", _check_ring)


def _check_keep_days(value: int) -> str | None:
    return None if 31 <= value <= 3650 else "a whole number of days from 31 to 3650"


@dataclass(frozen=True)
class PrivacySection:
    keep_days: int = _setting(180, "Days the hub keeps events (readings, doses, alarms) once nothing is waiting to be "
                                   "sent; the audit log is kept", _check_keep_days)


@dataclass(frozen=True)
class HubConfig:
    resident: ResidentSection = field(default_factory=ResidentSection)
    hub: HubSection = field(default_factory=HubSection)
    technician: TechnicianSection = field(default_factory=TechnicianSection)
    care_plan: CarePlanSection = field(default_factory=CarePlanSection)
    alarms: AlarmsSection = field(default_factory=AlarmsSection)
    privacy: PrivacySection = field(default_factory=PrivacySection)
    care_service: CareServiceSection = field(default_factory=CareServiceSection)
    calls: CallsSection = field(default_factory=CallsSection)
    # Where the file was read from (None: defaults only). Relative paths resolve here.
    source: Path | None = None
    config_dir: Path = field(default_factory=lambda: default_config_dir())

    @property
    def data_dir(self) -> Path:
        if self.hub.data_dir:
            return self._resolve(self.hub.data_dir)
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    @property
    def pin_file(self) -> Path:
        return self._resolve(self.technician.pin_file)

    @property
    def credential_file(self) -> Path:
        return self._resolve(self.care_service.credential_file)

    @property
    def plan_file(self) -> Path | None:
        return self._resolve(self.care_plan.file) if self.care_plan.file else None

    def _resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.config_dir / path

    def with_data_dir(self, data_dir: Path) -> HubConfig:
        return replace(self, hub=replace(self.hub, data_dir=str(Path(data_dir).resolve())))


SECTIONS = {f.name: f.default_factory for f in fields(HubConfig) if f.name not in ("source", "config_dir")}


def _as_dict(section: Any) -> dict[str, Any]:
    return {f.name: getattr(section, f.name) for f in fields(section)}


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return default_config_dir() / "hub.toml"


def _type_name(kind: type) -> str:
    return {str: "text in quotes", bool: "true or false", int: "a whole number"}.get(kind, kind.__name__)


def _unknown(key: str, allowed: list[str], where: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"unknown key {where}{key}.{hint} Allowed: {', '.join(allowed)}."


def parse_config(text: str, source: str = "<config>", config_dir: Path | None = None) -> HubConfig:
    """Validate TOML text into a HubConfig, or raise ConfigError listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"not valid TOML: {exc}"]) from exc
    except RecursionError as exc:  # tomllib recurses once per level of nested [ or {
        raise ConfigError(source, ["not valid TOML: values are nested too deeply."]) from exc
    problems: list[str] = []
    built: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SECTIONS:
            close = difflib.get_close_matches(key, list(SECTIONS), n=1)
            hint = f" Did you mean [{close[0]}]?" if close else ""
            problems.append(f"unknown section [{key}].{hint} Allowed: {', '.join(f'[{s}]' for s in SECTIONS)}.")
        elif not isinstance(value, dict):
            problems.append(f"[{key}] must be a table (a [{key}] header with keys under it).")
    for name, factory in SECTIONS.items():
        section_raw = raw.get(name, {})
        if not isinstance(section_raw, dict):
            continue
        defaults = factory()
        known = {f.name: f for f in fields(defaults)}
        values = _as_dict(defaults)
        for key, value in section_raw.items():
            spec = known.get(key)
            if spec is None:
                problems.append(_unknown(key, list(known), f"[{name}] "))
                continue
            kind = type(spec.default)
            # bool is a subclass of int in Python, TOML keeps them apart: so must we.
            if type(value) is not kind:
                problems.append(
                    f"[{name}] {key} = {value!r}: must be {_type_name(kind)} ({spec.metadata['help']})."
                )
                continue
            check = spec.metadata.get("check")
            allowed = check(value) if check else None
            if allowed:
                problems.append(f"[{name}] {key} = {value!r}: must be {allowed}.")
                continue
            values[key] = value
        built[name] = type(defaults)(**values)
    if problems:
        raise ConfigError(source, problems)
    return HubConfig(
        source=Path(source) if source != "<config>" else None,
        config_dir=config_dir or default_config_dir(),
        **built,
    )


def load_config(path: Path | None) -> HubConfig:
    """Read the config file. No path: the platform default, or defaults if it is absent."""
    explicit = path is not None
    path = Path(path) if explicit else default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(str(path), ["the file does not exist."])
        return HubConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read: {exc}"]) from exc
    return parse_config(text, str(path), config_dir=path.resolve().parent)


def describe_settings() -> str:
    """Every setting with its default and meaning, as TOML a technician can copy."""
    lines = []
    for name, factory in SECTIONS.items():
        lines.append(f"[{name}]")
        for f in fields(factory()):
            value = f.default
            shown = ("true" if value else "false") if isinstance(value, bool) else repr(value).replace("'", '"')
            lines.append(f"{f.name} = {shown}  # {f.metadata['help']}")
        lines.append("")
    return "\n".join(lines)
