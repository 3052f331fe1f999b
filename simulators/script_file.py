"""Reading a simulator script: the TOML file itself and the tables in it, with errors
that name the file, the table (a step, a peripheral) and the key. Both kinds of script
read their files here: the serial simulators' (`simulators/script.py`) and the BlueZ
stand-in's (`simulators/bluez/script.py`). How one value is checked is
`script_values.py`'s.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from simulators.script_values import Fail, Param, check_argument

Script = TypeVar("Script")


def load_script_file(path: Path | str, parse: Callable[[dict[str, Any], Path], Script],
                     error: Callable[[str], Exception]) -> Script:
    """Read the TOML file at `path` and give its tables to `parse(tables, path)`. A file
    that cannot be read, or is not TOML, raises `error(message)` naming the file."""
    path = Path(path)
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: is not valid TOML: {exc}") from exc
    return parse(tables, path)


def check_table(raw: Any, keys: Mapping[str, Param], what: str, fail: Fail, hint: str = "") -> dict[str, Any]:
    """The table's values, checked against `keys`; `what` names it in a message."""
    if not isinstance(raw, dict):
        raise fail(f"{raw!r} must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in keys:
            raise fail(f"{what} takes no key '{key}' (it takes: {', '.join(keys) or 'none'}){hint}")
        values[key] = check_argument(key, value, keys[key], fail)
    missing = [key for key, param in keys.items() if param.required and key not in values]
    if missing:
        raise fail(f"{what} needs {', '.join(missing)}")
    for key, param in keys.items():
        if key not in values and param.default is not None:
            values[key] = param.default
    return values


def tables(value: Any, fail: Fail) -> list[dict]:
    """A key whose value is [[...]] tables (a `Param` converter)."""
    if not isinstance(value, list) or not all(isinstance(one, dict) for one in value):
        raise fail(f"{value!r} must be [[...]] tables")
    return value
