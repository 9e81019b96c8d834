"""Machine-wide and per-user settings files (what IT rolls out, what a user may change).

Two TOML files with the same keys:

* the **machine** file, rolled out by IT: ``/etc/jeugdtoegang/settings.toml`` (Linux),
  ``%PROGRAMDATA%\\jeugdtoegang\\settings.toml`` (Windows),
  ``/Library/Application Support/jeugdtoegang/settings.toml`` (macOS), or the file named by
  ``JEUGDTOEGANG_MACHINE_SETTINGS``;
* the **user** file ``settings.toml`` in the user data folder.

A user value overrides a machine value unless the machine file lists the key under
``locked`` (IT can fix the database or the lock time). ``--db`` and ``JEUGDTOEGANG_DB``
still win for the database, because a person who types them means it. A broken file is
refused with the file, the key and the reason, never silently ignored: a wrong database
path must not quietly become an empty new database.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import APP_NAME, user_data_dir

MACHINE_SETTINGS_ENV = "JEUGDTOEGANG_MACHINE_SETTINGS"
SETTINGS_FILE = "settings.toml"

Source = Literal["machine", "gebruiker", "standaard"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsFile(BaseModel):
    """The keys one settings file may hold (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database: str | None = Field(default=None, min_length=1, max_length=1000)
    region: str | None = Field(default=None, min_length=1, max_length=100)
    lock_minutes: int | None = Field(default=None, ge=1, le=240)
    log_level: LogLevel | None = None
    locked: tuple[str, ...] = ()


SETTING_KEYS = ("database", "region", "lock_minutes", "log_level")


@dataclass(frozen=True)
class Settings:
    """The effective settings and, per key, which file gave the value."""

    database: str | None = None
    region: str | None = None
    lock_minutes: int | None = None
    log_level: LogLevel = "INFO"
    sources: dict[str, Source] = field(default_factory=dict)
    machine_file: Path | None = None
    user_file: Path | None = None


def machine_settings_path() -> Path:
    """Where IT puts the machine-wide settings file on this platform."""
    override = os.environ.get(MACHINE_SETTINGS_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData"))
        return base / APP_NAME / SETTINGS_FILE
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / SETTINGS_FILE
    return Path("/etc") / APP_NAME / SETTINGS_FILE


def user_settings_path() -> Path:
    """The user's own settings file in the user data folder."""
    return user_data_dir() / SETTINGS_FILE


def read_settings_file(path: Path) -> SettingsFile | None:
    """Read and validate one file; None when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise JeugdtoegangError(
            f"Het instellingenbestand {path} kan niet worden gelezen ({error.strerror})."
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise JeugdtoegangError(
            f"Het instellingenbestand {path} is geen geldige TOML: {error}."
        ) from None
    try:
        parsed = SettingsFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(bestand)"
        raise JeugdtoegangError(
            f"Het instellingenbestand {path} heeft een ongeldige waarde bij '{key}': "
            f"{_dutch_reason(first['type'])}."
        ) from None
    unknown = sorted(set(parsed.locked) - set(SETTING_KEYS))
    if unknown:
        raise JeugdtoegangError(
            f"Het instellingenbestand {path} vergrendelt een onbekende instelling: "
            f"{', '.join(unknown)}."
        )
    return parsed


def _dutch_reason(kind: str) -> str:
    return {
        "extra_forbidden": "deze instelling bestaat niet",
        "int_parsing": "verwacht een heel getal",
        "int_type": "verwacht een heel getal",
        "greater_than_equal": "de waarde is te klein",
        "less_than_equal": "de waarde is te groot",
        "literal_error": "deze waarde is niet toegestaan",
        "string_type": "verwacht tekst",
        "string_too_short": "mag niet leeg zijn",
        "string_too_long": "de tekst is te lang",
    }.get(kind, "de waarde klopt niet")


def load_settings() -> Settings:
    """The effective settings: machine values, overridden by the user's unless locked."""
    machine_path = machine_settings_path()
    user_path = user_settings_path()
    machine = read_settings_file(machine_path)
    user = read_settings_file(user_path)
    locked = set(machine.locked) if machine else set()
    values: dict[str, object] = {}
    sources: dict[str, Source] = {}
    for key in SETTING_KEYS:
        machine_value = getattr(machine, key) if machine else None
        user_value = getattr(user, key) if user else None
        if user_value is not None and key not in locked:
            values[key], sources[key] = user_value, "gebruiker"
        elif machine_value is not None:
            values[key], sources[key] = machine_value, "machine"
        else:
            sources[key] = "standaard"
    return Settings(
        database=values.get("database"),  # type: ignore[arg-type]
        region=values.get("region"),  # type: ignore[arg-type]
        lock_minutes=values.get("lock_minutes"),  # type: ignore[arg-type]
        log_level=values.get("log_level", "INFO"),  # type: ignore[arg-type]
        sources=sources,
        machine_file=machine_path if machine else None,
        user_file=user_path if user else None,
    )
