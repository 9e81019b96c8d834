"""The crash journal of queued read entries, and the replay of dead processes' journals.

Each read entry is first appended to a per-process journal file
(``audit-journal-<db>-<pid>.jsonl`` in the user data folder, mode 0600) before the data is
shown; journals of processes that died are replayed the next time the database's read
log is used (entry ids make the replay idempotent).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.storage.audit_append import _append, _Item, person_texts
from jeugdtoegang.storage.audit_claims import _A, _url_key


def journal_dir() -> Path:
    return user_data_dir()


def journal_prefix(engine: Engine) -> str:
    """The journal file name prefix of a database (by its URL; no secrets in the name)."""
    digest = hashlib.sha256(_url_key(engine).encode("utf-8")).hexdigest()[:16]
    return f"audit-journal-{digest}-"


#: a JSON string as ``json.dumps(..., ensure_ascii=False)`` writes it (its C encoder)
_json_text = json.encoder.encode_basestring  # type: ignore[attr-defined]
#: id(actor) → (actor, its part of a journal line): one actor logs many reads
_actor_parts: dict[int, tuple[Actor, str]] = {}


def _text(value: str | None) -> str:
    return "null" if value is None else _json_text(value)


def _actor_part(actor: Actor) -> str:
    known = _actor_parts.get(id(actor))
    if known is not None and known[0] is actor:
        return known[1]
    part = json.dumps(
        {
            "user": actor.username,
            "name": actor.display_name,
            "roles": sorted(r.value for r in actor.roles),
            "team": actor.team,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )[1:-1]
    if len(_actor_parts) >= 64:
        _actor_parts.clear()
    _actor_parts[id(actor)] = (actor, part)
    return part


def _journal_line(item: _Item) -> str:
    """One read entry as a line of JSON, exactly as ``json.dumps`` (compact, not
    ASCII-escaped) writes its dict of id, at, user, name, roles, team, action, object_type,
    object_id, persons, purpose and outcome; put together from parts, since it is paid
    before every dossier or search result is shown: the actor's part is made once per
    actor, the person ids (text already) are only quoted.
    """
    record = item.record
    persons = item.persons if item.persons is not None else person_texts(record.person_ids)
    object_id = record.object_id
    named = '"' + '","'.join(persons) + '"' if persons else ""
    if object_id.__class__ is uuid.UUID:  # (its text needs no escaping)
        object_text = f'"{object_id}"'
    else:
        object_text = _json_text(str(object_id)) if object_id else "null"
    return (
        f'{{"id":"{item.entry_id}","at":"{item.at.isoformat()}",{_actor_part(item.actor)},'
        f'"action":{_json_text(record.action)},"object_type":{_text(record.object_type)},'
        f'"object_id":{object_text},"persons":[{named}],'
        f'"purpose":{_text(record.purpose)},"outcome":{_json_text(record.outcome)}}}\n'
    )


def _item_from_line(line: str) -> _Item | None:
    from jeugdtoegang.storage.uow import AccessRecord

    try:
        data = json.loads(line)
        actor = Actor(
            data["user"], data["name"], frozenset(Role(r) for r in data["roles"]), data["team"]
        )
        record = AccessRecord(
            data["action"],
            data["object_type"],
            uuid.UUID(data["object_id"]) if data["object_id"] else None,
            tuple(uuid.UUID(p) for p in data["persons"]),
            data["purpose"],
            data["outcome"],
        )
        return _Item(actor, record, datetime.fromisoformat(data["at"]), uuid.UUID(data["id"]))
    except (ValueError, KeyError, TypeError):
        return None  # a torn last line of a killed process: the read was never shown


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_journals(engine: Engine) -> int:
    """Write the read entries of dead processes' journals that are not in the log yet.

    Returns how many entries were recovered. Safe to call any time (idempotent).
    """
    prefix = journal_prefix(engine)
    recovered = 0
    for path in sorted(journal_dir().glob(f"{prefix}*.jsonl")):
        try:
            pid = int(path.stem[len(prefix) :])
        except ValueError:
            continue
        if _pid_alive(pid):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        items = [i for i in map(_item_from_line, text.splitlines()) if i is not None]
        if items:
            with Session(engine) as session:
                known = {
                    str(v)
                    for v in session.execute(
                        select(_A.id).where(_A.id.in_([i.entry_id for i in items]))
                    ).scalars()
                }
                missing = [i for i in items if str(i.entry_id) not in known]
                if missing:
                    _append(session, missing)
                    session.commit()
                    recovered += len(missing)
        with contextlib.suppress(OSError):
            path.unlink()
    return recovered
