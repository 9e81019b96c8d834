"""The audit log (verwerkingenlogging): one import for its use cases.

The work lives in cohesive modules, re-exported here so callers keep one name:

* :mod:`jeugdtoegang.services.audit_verify` – verify the keyed hash chains (every
  reason a chain can break is listed there), replace a lost key deliberately;
* :mod:`jeugdtoegang.services.audit_log` – entry views and labels, the administrator's
  search, a dossier's Logboek page by page;
* :mod:`jeugdtoegang.services.audit_anchors` – anchors for sync bundles, the anchors
  workstations sent, verification against the office's copies;
* retention (below).

The inzage export (AVG art. 15) lives in :mod:`jeugdtoegang.services.inzage`; the SQL of
all of these in :mod:`jeugdtoegang.storage.audit_queries`.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from jeugdtoegang.errors import PermissionDeniedError
from jeugdtoegang.services.audit_anchors import (
    AnchorView,
    anchor_links,
    latest_anchor,
    received_anchor_report,
    verify_against_anchors,
)
from jeugdtoegang.services.audit_log import (
    ACTION_LABELS,
    OBJECT_LABELS,
    OUTCOME_LABELS,
    PAGE_SIZE,
    SEARCH_LIMIT,
    AuditEntryView,
    AuditQuery,
    LogPage,
    _entry_view,
    action_label,
    dossier_log,
    dossier_log_page,
    log_use,
    require_audit,
    search_audit,
)
from jeugdtoegang.services.audit_verify import (
    BATCH,
    KEY_REPLACED,
    VerifyResult,
    replace_audit_key,
    verify_chain,
    verify_chain_task,
)
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_queries import DOSSIER_OBJECT_TYPES
from jeugdtoegang.storage.audit_writer import flush_pending


def retention_years(ctx: AppContext) -> int:
    """The dossier and log retention term of the region (Jeugdwet art. 7.3.8; a setting)."""
    return int(ctx.profile.settings.retention_years)


def retention_cutoff(ctx: AppContext) -> date:
    """Log entries and dossier records made before this date are past their retention
    term (nothing is deleted automatically; this date is shown to the administrator)."""
    return ctx.today() - relativedelta(years=retention_years(ctx))


def retention_until(ctx: AppContext, made_on: date) -> date:
    """Until when something made on ``made_on`` must be kept."""
    return made_on + relativedelta(years=retention_years(ctx))


__all__ = [
    "ACTION_LABELS",
    "BATCH",
    "DOSSIER_OBJECT_TYPES",
    "KEY_REPLACED",
    "OBJECT_LABELS",
    "OUTCOME_LABELS",
    "PAGE_SIZE",
    "SEARCH_LIMIT",
    "AnchorView",
    "AuditEntryView",
    "AuditQuery",
    "LogPage",
    "PermissionDeniedError",
    "VerifyResult",
    "_entry_view",
    "action_label",
    "anchor_links",
    "dossier_log",
    "dossier_log_page",
    "flush_pending",
    "latest_anchor",
    "log_use",
    "received_anchor_report",
    "replace_audit_key",
    "require_audit",
    "retention_cutoff",
    "retention_until",
    "retention_years",
    "search_audit",
    "verify_against_anchors",
    "verify_chain",
    "verify_chain_task",
]
