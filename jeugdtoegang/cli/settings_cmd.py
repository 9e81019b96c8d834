"""``settings``: the effective machine-wide and user settings, and where they come from."""

from __future__ import annotations

import argparse

from jeugdtoegang import __version__
from jeugdtoegang.applog import LOG_FILE, log_folder
from jeugdtoegang.cli.common import add_json_flag, emit
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.settings import (
    SETTING_KEYS,
    load_settings,
    machine_settings_path,
    user_settings_path,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "settings", help="de instellingen (computer en gebruiker) en de mappen van het programma"
    )
    add_json_flag(parser)
    parser.set_defaults(handler=_show)


def _show(args: argparse.Namespace) -> int:
    settings = load_settings()
    data = {
        "version": __version__,
        "machine_file": str(machine_settings_path()),
        "machine_file_present": settings.machine_file is not None,
        "user_file": str(user_settings_path()),
        "user_file_present": settings.user_file is not None,
        "data_folder": str(user_data_dir()),
        "log_file": str(log_folder() / LOG_FILE),
        "settings": {
            key: {"value": getattr(settings, key), "source": settings.sources.get(key)}
            for key in SETTING_KEYS
        },
    }
    lines = [
        f"Jeugdtoegang {__version__}",
        f"Instellingen computer: {data['machine_file']}"
        + ("" if data["machine_file_present"] else " (niet aanwezig)"),
        f"Instellingen gebruiker: {data['user_file']}"
        + ("" if data["user_file_present"] else " (niet aanwezig)"),
        f"Gegevensmap: {data['data_folder']}",
        f"Logbestand: {data['log_file']}",
    ]
    for key in SETTING_KEYS:
        value = getattr(settings, key)
        lines.append(f"  {key} = {value if value is not None else '–'} ({settings.sources[key]})")
    emit(args, data, "\n".join(lines))
    return 0
