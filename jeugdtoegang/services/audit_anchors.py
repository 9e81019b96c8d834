"""Audit anchors kept elsewhere: this log's newest links for sync bundles, the anchors
workstations sent to the office, and verifying against the office's copies.

An anchor names, per chain, its newest entry (number in the chain and hash). The user of a
workstation cannot reach the office's copy, so comparing with it finds a chain cut off,
rewritten or removed as a whole together with its local anchor file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.services.audit_log import log_use, require_audit
from jeugdtoegang.services.audit_verify import VerifyResult, verify_chain
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import audit_queries
from jeugdtoegang.storage.audit_anchors import received_anchors
from jeugdtoegang.storage.audit_chain import GENESIS
from jeugdtoegang.storage.audit_writer import flush_pending


def latest_anchor(ctx: AppContext) -> dict[str, Any]:
    """Each chain's newest entry (number in the chain, hash), for sync bundles (no personal
    data); ``seq``/``chain_hash`` at the top name the newest entry of all."""
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        row = audit_queries.newest_entry(uow.session)
        heads = audit_queries.chain_heads(uow.session)
    return {
        "database_id": str(ctx.database.database_id),
        "seq": int(row.seq) if row else 0,
        "chain_hash": row.chain_hash if row else GENESIS,
        "key_id": row.key_id if row else None,
        "chain": row.chain_id if row else None,
        "chain_seq": row.chain_seq if row else None,
        "chains": [
            {"chain": int(n), "seq": int(h), "chain_hash": hh, "global_seq": g}
            for n, h, hh, g in heads
        ],
    }


def anchor_links(anchor: dict[str, Any]) -> list[tuple[int, int, str, int | None]]:
    """(chain, number in the chain, hash, global number) of every link an anchor names.

    An anchor of before 0016 (no chains) names chain 1, where both numbers were equal.
    """
    if isinstance(anchor.get("chains"), list):
        return [
            (int(c["chain"]), int(c["seq"]), str(c.get("chain_hash") or ""),
             c.get("global_seq"))
            for c in anchor["chains"]
        ]  # fmt: skip
    chain = anchor.get("chain_id") or 1
    seq = int(anchor["seq"])
    return [(int(chain), seq, str(anchor.get("chain_hash") or ""), seq if chain == 1 else None)]


@dataclass(frozen=True)
class AnchorView:
    """One anchor a workstation sent (kept by the importing database)."""

    source_database_id: str
    source_name: str | None
    seq: int
    chain_hash: str
    key_id: str | None
    received_at: datetime
    status: str
    note: str | None
    chain_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return data


def received_anchor_report(ctx: AppContext) -> list[AnchorView]:
    """Every anchor received from workstations, newest first, alarms marked (printable
    for the team lead; no personal data)."""
    if not (can(ctx.actor, Permission.AUDIT_READ) or can(ctx.actor, Permission.APPROVE)):
        require_audit(ctx)
    with ctx.uow(readonly=True) as uow:
        rows = [
            AnchorView(
                str(r.source_database_id),
                r.source_name,
                r.seq,
                r.chain_hash,
                r.key_id,
                r.received_at,
                r.status,
                r.note,
                r.chain_id,
            )
            for r in received_anchors(uow.session)
        ]
    log_use(ctx, "ankers_inzien", purpose=f"{len(rows)} ankers")
    return rows


def verify_against_anchors(ctx: AppContext, anchors: Sequence[dict[str, Any]]) -> VerifyResult:
    """Verify the chains, then compare them with anchors the office kept for this database.

    Each kept anchor (chain, number, chain hash) of this database must still be in the log
    with the same hash: a chain cut off, rewritten or deleted as a whole (with its anchor
    file), or the whole log, is found this way, because the user of this computer cannot
    reach the office's copy.
    """
    result = verify_chain(ctx)
    own = str(ctx.database.database_id)
    mine = [a for a in anchors if str(a.get("source_database_id")) == own]
    links = sorted({link for a in mine for link in anchor_links(a)}, key=lambda x: x[:2])
    with ctx.uow(readonly=True) as uow:
        for chain, seq, hash_, global_seq in links:
            if seq == 0:
                continue
            stored = audit_queries.stored_chain_hash(uow.session, chain, seq)
            where = global_seq or seq
            if stored is None:
                return VerifyResult(
                    False, result.checked, result.last_seq, where, "afgekapt",
                    f"Het kantoor heeft een anker bij nummer {seq} van keten {chain}, maar "
                    "die regel staat niet meer in dit logboek: er zijn regels (of een hele "
                    "keten) verwijderd.", result.anchor_seq, result.chains, chain, seq,
                )  # fmt: skip
            if stored != hash_:
                return VerifyResult(
                    False, result.checked, result.last_seq, where, "gewijzigd",
                    f"Nummer {seq} van keten {chain} wijkt af van het anker op kantoor: het "
                    "logboek is herschreven.", result.anchor_seq, result.chains, chain, seq,
                )  # fmt: skip
    if result.ok and mine:
        return VerifyResult(True, result.checked, result.last_seq, None, None,
                            f"{result.message} {len(mine)} ankers van kantoor kloppen.",
                            result.anchor_seq, result.chains)  # fmt: skip
    return result
