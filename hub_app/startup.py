"""What every way of starting the hub shares: read and check the configuration and
secrets, set up logging, build the core. Nothing here imports Qt."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from hub_app.config import ConfigError, HubConfig, load_config
from hub_app.core import Core
from hub_app.logs import RecentLines, setup_logging
from hub_app.secret_files import SecretFileError, read_secret

log = logging.getLogger(__name__)


def check_secrets(config: HubConfig) -> list[str]:
    """Problems with secret files (a missing PIN file is not one: the door stays shut)."""
    problems = []
    for path in (config.pin_file, config.credential_file):
        try:
            read_secret(path)
        except FileNotFoundError:
            if path == config.credential_file and config.care_service.url:
                problems.append(f"{path}: the care service is configured but this hub's credential file is missing "
                                "(write it with mode 0600; welfare-care-service add-hub prints the credential)")
            continue
        except SecretFileError as exc:
            problems.append(str(exc))
    if config.care_service.url and not config.care_service.patient_id:
        problems.append("[care_service] patient_id is empty: welfare-care-service add-hub prints the resident's id")
    return problems


def load(config_path: Path | None, data_dir: Path | None) -> HubConfig:
    """The configuration with the command line's --data-dir; ConfigError when it is not valid."""
    config = load_config(config_path)
    return config.with_data_dir(data_dir) if data_dir is not None else config


def prepare(config_path: Path | None, data_dir: Path | None) -> tuple[HubConfig, RecentLines]:
    """Load and check everything, or raise ConfigError; the hub never starts half-configured."""
    config = load(config_path, data_dir)
    problems = check_secrets(config)
    if problems:
        raise ConfigError(str(config.source or "the default configuration"), problems)
    target = config.data_dir
    try:
        target.mkdir(parents=True, exist_ok=True)
        if not os.access(target, os.W_OK):
            raise PermissionError(f"no write permission on {target}")
    except OSError as exc:
        raise ConfigError(str(config.source or "--data-dir"), [f"data directory {target}: {exc}"]) from exc
    recent = setup_logging(config.hub.log_level, target)
    return config, recent


def build_core(config: HubConfig, recent: RecentLines) -> Core:
    return Core(config, recent_logs=recent)
