"""The analyst's copy: only what is asked for, pseudonymised (no BSN, no names, no texts).

Only the tables and columns listed here leave the database; every other table (accounts,
workstations, final letters, plan texts) and every other column (names, BSN, addresses,
free text) is left out. A person's birth date becomes the birth year. Record ids are
random UUIDs and stay, so rows can still be joined.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from jeugdtoegang.sync.bundle import Change

_COMMON = ("id", "version", "created_at", "updated_at")
ANALYST_COLUMNS: dict[str, tuple[str, ...]] = {
    "household": (*_COMMON, "gemeente_code", "gemeente", "wijk", "team", "closed_on"),
    "person": (*_COMMON, "household_id", "role", "birth_year", "has_gezag", "ended_on"),
    "plan": (*_COMMON, "household_id", "status", "current_version_no", "approved_version_no"),
    "indication": (
        *_COMMON, "household_id", "person_id", "gemeente_code", "segment", "product_code",
        "product_category", "provider_id", "provider_agb", "perspective", "start_date",
        "end_date", "volume", "unit", "unit_code", "frequency", "frequency_code", "tariff",
        "max_cost", "budget_cents", "initiator", "referrer_code", "predecessor_id", "status",
        "requested_on", "change_reason", "ended_on", "evaluation_due", "evaluated_on",
    ),
    "indication_evaluation": (*_COMMON, "indication_id", "progress", "decision", "evaluated_on"),
    "decision": (
        *_COMMON, "household_id", "person_id", "gemeente", "type", "status", "request_date",
        "decision_date", "end_date", "corrects_decision_id",
    ),
    "decision_indication": (*_COMMON, "decision_id", "indication_id", "position"),
    "provider": (*_COMMON, "agb", "name", "identity"),
    "contract": (
        *_COMMON, "provider_id", "segment", "product_code", "product_name", "unit", "tariff",
        "valid_from", "valid_to", "status", "waiting_weeks",
    ),
}  # fmt: skip


def pseudonymise(changes: list[Change], tables: frozenset[str] | None = None) -> list[Change]:
    """The changes an analyst may see: listed tables and columns only."""
    wanted = set(ANALYST_COLUMNS) if tables is None else set(tables) & set(ANALYST_COLUMNS)
    result = []
    for change in changes:
        if change.table not in wanted:
            continue
        snapshot = change.snapshot
        data = None
        if snapshot is not None:
            source = dict(snapshot)
            birth = source.get("birth_date")
            if change.table == "person":
                source["birth_year"] = int(str(birth)[:4]) if birth else None
            data = {k: source.get(k) for k in ANALYST_COLUMNS[change.table]}
        result.append(
            dataclasses.replace(change, data=data, data_json=None, updated_by="", history=())
        )
    return result


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
