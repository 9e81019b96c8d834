"""``db`` commands: the encrypted database option (encrypt, status, recover)."""

from __future__ import annotations

import argparse

from jeugdtoegang.cli.common import (
    add_json_flag,
    emit,
    open_context,
    recovery_key_input,
)
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import db_encryption


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="de database zelf: versleutelen, status, herstellen")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="COMMANDO")
    encrypt = db_sub.add_parser(
        "encrypt", help="versleutel deze database (SQLCipher) en toon de herstelsleutel (beheerder)"
    )
    add_json_flag(encrypt)
    encrypt.set_defaults(handler=_encrypt)
    status = db_sub.add_parser("status", help="is de database versleuteld, en hoe")
    add_json_flag(status)
    status.set_defaults(handler=_status)
    recover = db_sub.add_parser(
        "recover", help="met de herstelsleutel een account een nieuw (tijdelijk) wachtwoord geven"
    )
    recover.add_argument(
        "--recovery-key",
        action="store_true",
        required=True,
        help="open met de herstelsleutel (gevraagd in de terminal of uit "
        "JEUGDTOEGANG_RECOVERY_KEY; nooit als argument)",
    )
    recover.add_argument(
        "--user", required=True, help="het account dat een nieuw wachtwoord krijgt"
    )
    add_json_flag(recover)
    recover.set_defaults(handler=_recover)


def recovery_text(result: db_encryption.EncryptionResult) -> str:
    return (
        f"De database is versleuteld: {result.database}\n"
        f"Ontgrendelen kan met het wachtwoord van: {', '.join(result.accounts) or '(nog niemand)'}\n"
        "\nHERSTELSLEUTEL (wordt maar één keer getoond; print hem en bewaar hem achter slot,\n"
        "bij de beheerder, niet bij de laptop):\n\n"
        f"    {result.recovery_key}\n\n"
        "Zonder sleutelbestand en zonder deze herstelsleutel is de database onleesbaar."
    )


def _encrypt(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        result = db_encryption.encrypt_database(ctx)
    finally:
        ctx.database.close()
    emit(args, result.to_json(), lambda: recovery_text(result))
    return 0


def _status(args: argparse.Namespace) -> int:
    data = db_encryption.status(args.db)

    def text() -> str:
        if not data["encrypted"]:
            return f"Database {data['database']}: niet versleuteld."
        cipher = data["cipher"]
        return (
            f"Database {data['database']}: versleuteld ({cipher['library']}, "
            f"{cipher['cipher']}, {cipher['hmac']}).\n"
            f"Sleutelbestand: {data['key_file']}\n"
            f"Ontgrendelen met wachtwoord: {', '.join(data['accounts']) or '(nog niemand)'}; "
            f"herstelsleutel: {'ja' if data['recovery_key_set'] else 'nee'}"
        )

    emit(args, data, text)
    return 0


def _recover(args: argparse.Namespace) -> int:
    from jeugdtoegang.cli.security import _new_password
    from jeugdtoegang.storage import encryption
    from jeugdtoegang.storage.database import open_database
    from jeugdtoegang.storage.engine import resolve_database_url, sqlite_path

    path = sqlite_path(resolve_database_url(args.db))
    if not encryption.is_encrypted(path) and not encryption.lost_key_file(path):
        raise JeugdtoegangError(
            "Deze database is niet versleuteld; een vergeten wachtwoord herstelt de beheerder "
            "met 'jeugdtoegang users passwd NAAM --reset'."
        )
    assert path is not None
    encryption.unlock_with_recovery_key(path, recovery_key_input())
    database = open_database(args.db)
    try:
        username = db_encryption.recover(
            database, args.user, _new_password("Tijdelijk wachtwoord: ")
        )
    finally:
        database.close()
    emit(
        args,
        {"username": username, "recovered": True, "must_change_password": True},
        f"Account {username} heeft een tijdelijk wachtwoord en ontgrendelt de database "
        "daarmee; bij de eerste keer inloggen kiest de gebruiker een eigen wachtwoord.",
    )
    return 0
