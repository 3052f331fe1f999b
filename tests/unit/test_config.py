"""Configuration, secret files and start-up checks, on real files in tmp_path."""

from __future__ import annotations

import logging
import math
import os
import stat
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub_app import startup
from hub_app.config import (
    SECTIONS,
    ConfigError,
    HubConfig,
    describe_settings,
    load_config,
    parse_config,
)
from hub_app.secret_files import SecretFileError, read_secret, write_secret

FULL = """\
[resident]
name = "Kari"
language = "en"
larger_text = true
time_zone = "America/New_York"

[hub]
data_dir = "state"
log_level = "debug"
fullscreen = false

[technician]
pin_file = "secrets/pin"
"""


def write_config(tmp_path: Path, text: str, name: str = "hub.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> tuple[str, list[str]]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value), caught.value.problems


@pytest.fixture
def restore_logging():
    """startup.prepare installs the hub's log handlers on the root logger: take them off again."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


# -- valid files -------------------------------------------------------------------------


def test_a_full_valid_file_is_read_completely(tmp_path):
    path = write_config(tmp_path, FULL)
    config = load_config(path)
    assert config.resident.name == "Kari"
    assert config.resident.language == "en"
    assert config.resident.larger_text is True
    assert config.resident.time_zone == "America/New_York"
    assert config.hub.log_level == "debug"
    assert config.hub.fullscreen is False
    assert config.source == path
    assert config.config_dir == tmp_path.resolve()
    # relative paths in the file resolve against the file's own folder
    assert config.data_dir == tmp_path.resolve() / "state"
    assert config.pin_file == tmp_path.resolve() / "secrets" / "pin"


@pytest.mark.parametrize(
    "text",
    ["", "# nothing but a comment\n", "[resident]\n", "[hub]\n[technician]\n"],
    ids=["empty", "comment", "empty-resident", "empty-sections"],
)
def test_missing_sections_and_keys_take_the_defaults(tmp_path, text):
    config = load_config(write_config(tmp_path, text))
    assert config.resident.name == ""
    assert config.resident.language == "nb"
    assert config.resident.larger_text is False
    assert config.resident.time_zone == "Europe/Oslo"
    assert config.hub.log_level == "info"
    assert config.hub.fullscreen is True
    assert config.hub.data_dir == ""
    assert config.pin_file == tmp_path.resolve() / "technician-pin"


def test_some_keys_set_others_default(tmp_path):
    config = load_config(write_config(tmp_path, '[resident]\nlanguage = "en"\n'))
    assert config.resident.language == "en"
    assert config.resident.time_zone == "Europe/Oslo"
    assert config.hub.fullscreen is True


def test_the_default_data_dir_is_the_platform_one_when_unset(tmp_path):
    config = load_config(write_config(tmp_path, ""))
    assert config.data_dir.is_absolute()
    assert "welfare-hub" in config.data_dir.parts


def test_absolute_and_home_paths_are_kept(tmp_path):
    pin = tmp_path / "elsewhere" / "pin"
    config = load_config(write_config(tmp_path, f'[technician]\npin_file = "{pin}"\n[hub]\ndata_dir = "~/hubdata"\n'))
    assert config.pin_file == pin
    assert config.data_dir == Path("~/hubdata").expanduser()


def test_relative_pin_file_follows_the_config_file_not_the_working_directory(tmp_path, monkeypatch):
    folder = tmp_path / "etc" / "hub"
    folder.mkdir(parents=True)
    path = write_config(folder, '[technician]\npin_file = "keys/pin"\n')
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.pin_file == folder.resolve() / "keys" / "pin"
    # also when the config file itself was named relative to the working directory
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("etc/hub/hub.toml"))
    assert config.pin_file == folder.resolve() / "keys" / "pin"


def test_with_data_dir_overrides_the_file_and_keeps_the_rest(tmp_path, monkeypatch):
    config = load_config(write_config(tmp_path, FULL))
    monkeypatch.chdir(tmp_path)
    moved = config.with_data_dir(Path("override"))
    assert moved.data_dir == tmp_path.resolve() / "override"
    assert moved.data_dir.is_absolute()
    assert moved.resident == config.resident
    assert moved.technician == config.technician
    assert moved.hub.log_level == "debug"
    assert moved.hub.fullscreen is False
    assert moved.pin_file == config.pin_file  # the PIN stays beside the config file
    assert moved.source == config.source
    assert config.data_dir == tmp_path.resolve() / "state"  # the original is unchanged


def test_describe_settings_is_itself_a_valid_config_of_the_defaults():
    described = describe_settings()
    for name in SECTIONS:
        assert f"[{name}]" in described
    assert parse_config(described) == parse_config("")


# -- invalid files: every message names the file, the key and what is allowed ----------


def test_unknown_section_is_named_with_a_suggestion(tmp_path):
    path = write_config(tmp_path, '[residnet]\nname = "Kari"\n')
    message, problems = problems_of(path)
    assert str(path) in message
    assert len(problems) == 1
    assert "[residnet]" in problems[0]
    assert "Did you mean [resident]?" in problems[0]
    assert "[resident], [hub], [technician]" in problems[0]


def test_unknown_key_is_named_with_a_suggestion_and_the_allowed_keys(tmp_path):
    path = write_config(tmp_path, '[resident]\nlangauge = "en"\n')
    message, problems = problems_of(path)
    assert str(path) in message
    assert len(problems) == 1
    assert "[resident] langauge" in problems[0]
    assert "Did you mean 'language'?" in problems[0]
    assert "Allowed: name, language, larger_text, time_zone." in problems[0]


def test_unknown_key_without_a_close_match_still_lists_the_allowed_ones(tmp_path):
    _, problems = problems_of(write_config(tmp_path, "[hub]\nzzzzqqq = 1\n"))
    assert "Did you mean" not in problems[0]
    assert "Allowed: data_dir, log_level, fullscreen, storage_low_mb, storage_reserve_mb." in problems[0]


@pytest.mark.parametrize(
    ("section", "line", "expected"),
    [
        ("resident", "larger_text = 1", "must be true or false"),  # an int is not a bool
        ("resident", "larger_text = 0", "must be true or false"),
        ("resident", 'larger_text = "yes"', "must be true or false"),
        ("hub", 'fullscreen = "false"', "must be true or false"),
        ("resident", "name = 42", "must be text in quotes"),
        ("resident", "language = true", "must be text in quotes"),
        ("hub", "data_dir = ['a']", "must be text in quotes"),
        ("technician", "pin_file = 7", "must be text in quotes"),
    ],
)
def test_wrong_types_are_named(tmp_path, section, line, expected):
    path = write_config(tmp_path, f"[{section}]\n{line}\n")
    message, problems = problems_of(path)
    key = line.split(" = ")[0]
    assert str(path) in message
    assert len(problems) == 1
    assert f"[{section}] {key} = " in problems[0]
    assert expected in problems[0]


@pytest.mark.parametrize(
    ("line", "allowed"),
    [
        ('language = "de"', "one of 'nb' (Norwegian bokmål), 'nn' (Norwegian nynorsk), 'se' (North Sámi), 'en' (English)"),
        ('language = "NB"', "'se' (North Sámi)"),
        ('language = ""', "'nn' (Norwegian nynorsk)"),
    ],
)
def test_bad_enum_values_are_named_with_the_allowed_values(tmp_path, line, allowed):
    path = write_config(tmp_path, f"[resident]\n{line}\n")
    message, problems = problems_of(path)
    assert str(path) in message
    assert f"[resident] {line.split(' = ')[0]} = " in problems[0]
    assert allowed in problems[0]


def test_bad_log_level_is_named_with_the_allowed_values(tmp_path):
    path = write_config(tmp_path, '[hub]\nlog_level = "verbose"\n')
    message, problems = problems_of(path)
    assert str(path) in message
    assert problems == ["[hub] log_level = 'verbose': must be one of 'debug', 'info', 'warning', 'error'."]


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus_Mons",
        "Europe/Olso",
        "",
        "../../etc/passwd",
        "/etc/localtime",
        "Europe",  # a folder of the zone database, not a zone
        "Etc",
        "Europe/",
        "x" * 300,  # longer than a file name may be
        "Europe/Oslo ",
        "__init__.py",  # a file in the zone package that is not a zone
    ],
)
def test_bad_time_zone_is_named_with_what_is_allowed(tmp_path, zone):
    path = write_config(tmp_path, f'[resident]\ntime_zone = "{zone}"\n')
    message, problems = problems_of(path)
    assert str(path) in message
    assert len(problems) == 1
    assert "[resident] time_zone = " in problems[0]
    assert "an IANA time zone name such as 'Europe/Oslo'" in problems[0]


@pytest.mark.parametrize("zone", ["Europe/Oslo", "UTC", "Etc/GMT-2", "America/Argentina/Buenos_Aires"])
def test_good_time_zones_are_accepted(zone):
    assert parse_config(f'[resident]\ntime_zone = "{zone}"\n').resident.time_zone == zone


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_config(
        tmp_path,
        """\
technician = "pin"

[resident]
langauge = "en"
larger_text = 1
time_zone = "Nowhere/Atall"
language = "sv"

[hub]
log_level = "loud"

[sensors]
fall = true
""",
    )
    message, problems = problems_of(path)
    assert str(path) in message
    joined = "\n".join(problems)
    assert len(problems) == 7, joined
    for needle in (
        "unknown section [sensors]",
        "[technician] must be a table",
        "[resident] langauge",
        "[resident] larger_text = 1",
        "[resident] time_zone = 'Nowhere/Atall'",
        "[resident] language = 'sv'",
        "[hub] log_level = 'loud'",
    ):
        assert needle in joined
    # every problem is on its own line of the message
    for problem in problems:
        assert f"  - {problem}" in message


@pytest.mark.parametrize(
    "text",
    [
        "[resident\nname = 'Kari'\n",
        "[resident]\nname = Kari\n",
        "[resident]\nname = 'Kari'\nname = 'Per'\n",
        "[resident]\n[resident]\n",
        "[resident]\nlarger_text = True\n",
        "= 1\n",
    ],
    ids=["open-header", "unquoted", "duplicate-key", "duplicate-table", "capital-bool", "no-key"],
)
def test_toml_syntax_errors_name_the_file(tmp_path, text):
    path = write_config(tmp_path, text)
    message, problems = problems_of(path)
    assert message.startswith(f"{path}:")
    assert len(problems) == 1
    assert "not valid TOML" in problems[0]
    assert "line" in problems[0]


def test_a_missing_file_given_explicitly_is_an_error(tmp_path):
    path = tmp_path / "absent.toml"
    message, problems = problems_of(path)
    assert str(path) in message
    assert problems == ["the file does not exist."]


def test_a_file_that_is_not_utf8_is_an_error_naming_it(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('[resident]\nname = "Åse"\n'.encode("latin-1"))
    message, problems = problems_of(path)
    assert str(path) in message
    assert "cannot be read" in problems[0]


def test_a_folder_given_as_config_is_an_error_naming_it(tmp_path):
    message, _ = problems_of(tmp_path)
    assert str(tmp_path) in message


def test_absurdly_deep_nesting_is_a_config_error_not_a_crash(tmp_path):
    path = write_config(tmp_path, "[resident]\nname = " + "[" * 3000 + "]" * 3000 + "\n")
    message, problems = problems_of(path)
    assert str(path) in message
    assert problems == ["not valid TOML: values are nested too deeply."]


# -- hypothesis: whatever the file says, the answer is a config or a ConfigError --------

KNOWN_KEYS = sorted({f for factory in SECTIONS.values() for f in factory().__dataclass_fields__})
TRICKY_STRINGS = [
    "nb", "en", "Europe/Oslo", "Europe", "Etc", "UTC", "", " ", "../x", "/abs", "x" * 300,
    "debug", "info", "INFO", "~", "technician-pin", "\u00e6\u00f8\u00e5", "a\nb", "'\"",
]


def toml_key(key: str) -> str:
    return toml_string(key)


def toml_string(value: str) -> str:
    escaped = []
    for char in value:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def to_toml(document: dict) -> str:
    lines = []
    for key, value in document.items():
        if not isinstance(value, dict):
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"[{toml_key(key)}]")
            lines.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.sampled_from(TRICKY_STRINGS),
    st.text(max_size=30),
    st.datetimes(),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=6,
)
sections = st.dictionaries(keys, values, max_size=5)
documents = st.dictionaries(
    st.one_of(st.sampled_from(list(SECTIONS)), st.text(max_size=10)),
    st.one_of(sections, values),
    max_size=4,
)


def parse_or_config_error(text: str) -> HubConfig | None:
    try:
        config = parse_config(text, "fuzz.toml")
    except ConfigError as exc:
        assert exc.problems, "a ConfigError must say what is wrong"
        assert str(exc).startswith("fuzz.toml:")
        return None
    assert isinstance(config, HubConfig)
    return config


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_gives_a_config_or_a_config_error(text):
    parse_or_config_error(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_toml_document_gives_a_config_or_a_config_error(document):
    text = to_toml(document)
    config = parse_or_config_error(text)
    if config is not None:
        # whatever was accepted keeps the declared types
        assert isinstance(config.resident.larger_text, bool)
        assert isinstance(config.hub.fullscreen, bool)
        assert config.resident.language in ("nb", "en")
        assert config.hub.log_level in ("debug", "info", "warning", "error")


def test_the_toml_writer_used_by_the_fuzzer_is_faithful():
    import tomllib

    document = {"resident": {"name": 'K"a\\ri\n', "larger_text": True}, "x y": [1, 2.5, {"a": "b"}]}
    assert tomllib.loads(to_toml(document)) == document


# -- secret files --------------------------------------------------------------------------


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_secret_creates_a_0600_file_even_with_a_permissive_umask(tmp_path):
    path = tmp_path / "secrets" / "pin"
    old = os.umask(0)
    try:
        write_secret(path, "s3cret")
    finally:
        os.umask(old)
    assert mode_of(path) == 0o600
    assert read_secret(path) == "s3cret"
    assert [p.name for p in path.parent.iterdir()] == ["pin"]  # no temporary file left


def test_write_secret_narrows_an_existing_wider_file(tmp_path):
    path = tmp_path / "pin"
    path.write_text("old")
    path.chmod(0o644)
    write_secret(path, "new")
    assert mode_of(path) == 0o600
    assert read_secret(path) == "new"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o620, 0o602, 0o610])
def test_read_secret_refuses_a_file_others_can_touch(tmp_path, mode):
    path = tmp_path / "pin"
    write_secret(path, "s3cret")
    path.chmod(mode)
    with pytest.raises(SecretFileError) as caught:
        read_secret(path)
    message = str(caught.value)
    assert f"chmod 600 {path}" in message
    assert f"{mode:04o}" in message


def test_read_secret_accepts_0400(tmp_path):
    path = tmp_path / "pin"
    write_secret(path, "s3cret")
    path.chmod(0o400)
    assert read_secret(path) == "s3cret"


def test_read_secret_of_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_secret(tmp_path / "absent")


# -- startup.prepare -----------------------------------------------------------------------


def test_prepare_refuses_a_pin_file_others_can_read(tmp_path, restore_logging):
    path = write_config(tmp_path, '[technician]\npin_file = "pin"\n')
    pin = tmp_path / "pin"
    write_secret(pin, "hash")
    pin.chmod(0o644)
    data_dir = tmp_path / "data"
    with pytest.raises(ConfigError) as caught:
        startup.prepare(path, data_dir)
    message = str(caught.value)
    assert str(path) in message
    assert "chmod 600" in message
    assert str(pin) in message
    assert not data_dir.exists()  # nothing was started or created


def test_prepare_refuses_an_invalid_config(tmp_path, restore_logging):
    path = write_config(tmp_path, '[hub]\nlog_level = "loud"\n')
    data_dir = tmp_path / "data"
    with pytest.raises(ConfigError, match="log_level"):
        startup.prepare(path, data_dir)
    assert not data_dir.exists()


def test_prepare_creates_the_data_dir_and_its_log(tmp_path, restore_logging):
    path = write_config(tmp_path, '[technician]\npin_file = "pin"\n[hub]\nlog_level = "warning"\n')
    write_secret(tmp_path / "pin", "hash")
    data_dir = tmp_path / "deep" / "data"
    config, recent = startup.prepare(path, data_dir)
    assert data_dir.is_dir()
    assert config.data_dir == data_dir.resolve()
    assert (data_dir / "logs").is_dir()
    assert logging.getLogger().level == logging.WARNING
    logging.getLogger("hub_app.test").warning("prepared")
    assert any("prepared" in line for line in recent.last(5))
    assert "prepared" in (data_dir / "logs" / "hub.log").read_text()


def test_prepare_starts_without_a_pin_file(tmp_path, restore_logging):
    path = write_config(tmp_path, '[technician]\npin_file = "pin"\n')
    config, _ = startup.prepare(path, tmp_path / "data")
    assert not config.pin_file.exists()
    assert (tmp_path / "data").is_dir()


def test_prepare_reports_a_data_dir_it_cannot_create(tmp_path, restore_logging):
    path = write_config(tmp_path, "")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError) as caught:
        startup.prepare(path, blocker / "data")
    assert "data directory" in str(caught.value)
    assert str(blocker / "data") in str(caught.value)


def test_resident_name_may_be_empty_but_not_too_long_for_the_screen():
    from hub_app.config import ConfigError, parse_config

    assert parse_config('[resident]\nname = ""\n').resident.name == ""
    with pytest.raises(ConfigError, match=r"\[resident\] name = .*at most 40 characters"):
        parse_config('[resident]\nname = "' + "K" * 41 + '"\n', "hub.toml")


@pytest.mark.parametrize("language", ["nb", "nn", "se", "en"])
def test_the_demo_home_is_written_in_the_language_asked_for(tmp_path, language):
    from demo.run import make_home

    config = load_config(make_home(tmp_path, language=language))
    assert config.resident.language == language
