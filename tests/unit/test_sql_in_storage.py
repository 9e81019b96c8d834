"""SQL lives in storage (``jeugdtoegang/storage``), not in services.

The cleaned service modules below build no queries themselves: their reads live in
storage modules named after what they read (``storage/report_queries.py`` …). A module
on the list must stay clean; the others are reported (printed, not failed) so the list
can grow as modules are cleaned.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "jeugdtoegang" / "services"

#: service modules whose SQL moved to storage; add a module here once it is clean
CLEAN = (
    "reports",
    "caseload",
    "signals",
    "ijw_inbound",
    "ijw_export",
    "inzage",
    "requests",
    "review_detail",
    "decision_motivation",
    "region_setup",
    "workstations",
    "review",
    "decisions",
    "decision_create",
    "decision_reads",
    "decision_letter",
    "letter_batch",
    "db_encryption",
    "indication_followup",
    "catalogue_import",
    "sync",
    "sync_peers",
    "sync_export",
    "sync_import",
    "sync_conflicts",
    "plans",
    "plan_reads",
    "plan_views",
    "ijw_apply",
    "ijw_care_bulk",
    "ijw_overview",
    "report_model",
    "audit",
    "audit_log",
    "audit_verify",
    "audit_anchors",
    "eligibility",
    "eligibility_pools",
    "household_save",
    "providers",
    "indications",
    "indication_changes",
    "indication_drafts",
    "indication_reads",
    "indication_records",
    "indication_inputs",
    "indication_provider_facts",
    "auth",
    "account_inputs",
    "households",
)

#: the statement builders a service must not import from SQLAlchemy
BUILDERS = frozenset({"select", "update", "delete", "insert", "text"})


def sql_in(path: Path) -> list[str]:
    """Where a module imports a statement builder from SQLAlchemy or calls ``.execute(``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] == "sqlalchemy"
            and (names := sorted(BUILDERS & {a.name for a in node.names}))
        ):
            found.append(f"{path.name}:{node.lineno} imports {', '.join(names)} from sqlalchemy")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "execute"
        ):
            found.append(f"{path.name}:{node.lineno} calls .execute(")
    return found


def test_the_checker_sees_a_query_built_in_a_service(tmp_path: Path) -> None:
    module = tmp_path / "dirty.py"
    module.write_text(
        "from sqlalchemy import func, select\n"
        "def read(session):\n"
        "    return session.execute(select(func.count())).scalar()\n",
        encoding="utf-8",
    )
    assert sql_in(module) == [
        "dirty.py:1 imports select from sqlalchemy",
        "dirty.py:3 calls .execute(",
    ]
    clean = tmp_path / "clean.py"
    clean.write_text("from sqlalchemy.orm import Session\n", encoding="utf-8")
    assert sql_in(clean) == []


def test_cleaned_service_modules_build_no_sql() -> None:
    problems = [p for name in CLEAN for p in sql_in(SERVICES / f"{name}.py")]
    assert problems == [], "SQL belongs in jeugdtoegang/storage:\n" + "\n".join(problems)


def test_the_modules_still_to_clean_are_listed() -> None:
    """Not a failure: the service modules that still hold SQL, for the next clean-up."""
    remaining = sorted(
        path.stem for path in SERVICES.glob("*.py") if path.stem not in CLEAN and sql_in(path)
    )
    print("\nservice modules that still build SQL:", ", ".join(remaining) or "none")
    assert set(CLEAN) <= {p.stem for p in SERVICES.glob("*.py")}  # no stale names
