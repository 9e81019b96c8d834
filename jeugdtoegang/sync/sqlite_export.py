"""The same changes as a standalone SQLite file, for analysts and back-office tools.

One table per source table (its columns plus ``_seq, _op, _version, _updated_at,
_updated_by, _origin``; a tombstone is a row with only the id and ``_op = 'delete'``)
and a ``manifest`` table of key/value rows (the same facts as the zip manifest). Built
with sqlite-utils in a temporary file in the target folder, fsynced and renamed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils

from jeugdtoegang.atomic import atomic_path
from jeugdtoegang.sync.bundle import FORMAT, FORMAT_VERSION, Change


def write_sqlite(target: Path, manifest: dict[str, Any], changes: list[Change]) -> dict[str, Any]:
    """Write the changes to a new SQLite file at ``target`` (atomically)."""
    with atomic_path(target) as tmp:  # an empty file is an empty SQLite database
        db = sqlite_utils.Database(tmp)
        by_table: dict[str, list[dict[str, Any]]] = {}
        for change in changes:
            snapshot = change.snapshot
            row = dict(snapshot) if snapshot is not None else {"id": change.id}
            row.update(
                _seq=change.seq,
                _op=change.op,
                _version=change.version,
                _updated_at=change.updated_at,
                _updated_by=change.updated_by,
                _origin=change.origin,
            )
            by_table.setdefault(change.table, []).append(
                {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}
            )
        counts = {name: len(rows) for name, rows in sorted(by_table.items())}
        for name, rows in by_table.items():
            db[name].insert_all(rows, pk="id", alter=True, batch_size=1000)  # type: ignore[union-attr]
        facts = {
            **manifest,
            "format": FORMAT + "-sqlite",
            "format_version": FORMAT_VERSION,
            "record_counts": counts,
            "change_count": len(changes),
        }
        db["manifest"].insert_all(  # type: ignore[union-attr]
            [{"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in facts.items()],
            pk="key",
        )
        db.close()
    return facts
