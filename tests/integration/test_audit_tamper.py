"""Cutting the chain: every tampering case is detected (anchor, office anchors, key, index)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_anchors import keep_remote_anchor
from jeugdtoegang.storage.audit_chain import (
    KEY_FILE,
    AuditKeyError,
    _key_cache,
    anchor_path,
    forget_anchor_cache,
)
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.models.audit_anchor import ReceivedAnchor

ADMIN = Actor("beheer", "Bea Heerkens", frozenset({Role.BEHEERDER}))


@pytest.fixture
def admin_ctx(ctx: AppContext) -> AppContext:
    return ctx.with_actor(ADMIN)


@pytest.fixture
def dossier(ctx: AppContext):  # type: ignore[no-untyped-def]
    detail = households.register_household(
        ctx,
        HouseholdInput(
            name="Familie Smit",
            gemeente="Zeist",
            members=(
                PersonInput(
                    role=PersonRole.JEUGDIGE, first_name="Sem", surname="Smit",
                    birth_date=date(2014, 3, 2), bsn="123456782",
                ),
            ),
        ),
    )  # fmt: skip
    for _ in range(5):
        households.get_household(ctx, detail.id, purpose="gesprek")
    flush_pending(ctx.database)
    return detail


def sql(ctx: AppContext, statement: str) -> None:
    flush_pending(ctx.database)
    with ctx.database.engines.write.begin() as connection:
        connection.execute(text(statement))


def office_copy(ctx: AppContext) -> list[dict[str, object]]:
    """What the office keeps: the anchor as it was sent in a bundle."""
    anchor = audit.latest_anchor(ctx)
    return [{"source_database_id": anchor["database_id"], **anchor}]


def test_deleting_only_the_anchor_file_is_detected(admin_ctx: AppContext, dossier) -> None:  # type: ignore[no-untyped-def]
    assert audit.verify_chain(admin_ctx).ok
    anchor_path(admin_ctx.database.database_id).unlink()
    forget_anchor_cache()
    result = audit.verify_chain(admin_ctx)
    if admin_ctx.database.dialect != "sqlite":
        # a shared server has no anchor on every workstation: said, not an error there
        assert "geen ankerbestand" in result.message
        return
    assert not result.ok and result.reason == "anker_ontbreekt"


def test_deleting_the_tail_with_the_anchor_and_chain_head_is_detected_by_the_office_anchor(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    kept = office_copy(admin_ctx)
    last = int(kept[0]["seq"])  # type: ignore[call-overload]
    sql(admin_ctx, f"DELETE FROM audit_subject WHERE entry_seq > {last - 3}")
    sql(admin_ctx, f"DELETE FROM audit_log WHERE seq > {last - 3}")
    sql(
        admin_ctx,
        f"UPDATE audit_chain SET head_seq = {last - 3}, head_hash = (SELECT chain_hash "
        f"FROM audit_log WHERE seq = {last - 3}) WHERE number = 1",
    )
    anchor_path(admin_ctx.database.database_id).unlink()
    forget_anchor_cache()
    result = audit.verify_against_anchors(admin_ctx, kept)
    assert not result.ok and result.reason == "afgekapt" and result.broken_seq == last


def test_deleting_the_whole_log_is_detected_by_the_office_anchor(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    kept = office_copy(admin_ctx)
    sql(admin_ctx, "DELETE FROM audit_subject")
    sql(admin_ctx, "DELETE FROM audit_log")
    sql(admin_ctx, "DELETE FROM audit_chain")
    anchor_path(admin_ctx.database.database_id).unlink()
    forget_anchor_cache()
    result = audit.verify_against_anchors(admin_ctx, kept)
    assert not result.ok and result.reason == "afgekapt"


def test_a_rewritten_log_with_a_new_key_disagrees_with_the_office_anchor(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    kept = office_copy(admin_ctx)
    last = int(kept[0]["seq"])  # type: ignore[call-overload]
    sql(admin_ctx, f"UPDATE audit_log SET chain_hash = '{'0' * 64}' WHERE seq = {last}")
    result = audit.verify_against_anchors(admin_ctx, kept)
    assert not result.ok


def test_a_lost_key_is_an_alarm_not_a_silent_new_key(admin_ctx: AppContext, dossier) -> None:  # type: ignore[no-untyped-def]
    key_file = user_data_dir() / KEY_FILE
    key_file.unlink()
    _key_cache.clear()
    with pytest.raises(AuditKeyError) as alarm:
        households.get_household(admin_ctx.with_actor(_consultant()), dossier.id)
        flush_pending(admin_ctx.database)
    assert "ALARM" in alarm.value.message
    assert not key_file.exists()
    # the administrator replaces it deliberately: an alarm entry, and verification says so
    old, new = audit.replace_audit_key(admin_ctx, "Laptop opnieuw ingericht, sleutel kwijt")
    assert old is None and new
    result = audit.verify_chain(admin_ctx)
    assert not result.ok and result.reason == "andere_sleutel"
    assert "bewust vervangen" in result.message
    entries = audit.search_audit(admin_ctx, audit.AuditQuery(action="sleutel_vervangen"))
    assert entries and entries[0].outcome == "alarm"


def _consultant() -> Actor:
    return Actor("c.jansen", "Carla", frozenset({Role.CONSULENT}), team="Team Zeist")


@pytest.mark.parametrize(
    "tamper",
    [
        "DELETE FROM audit_subject WHERE entry_seq = (SELECT MAX(entry_seq) FROM audit_subject)",
        "UPDATE audit_subject SET person_id = '{other}' "
        "WHERE entry_seq = (SELECT MIN(entry_seq) FROM audit_subject)",
        "INSERT INTO audit_subject (person_id, entry_seq) VALUES ('{other}', 1)",
    ],
)
def test_the_person_index_is_covered_by_the_chain(
    admin_ctx: AppContext, dossier, tamper: str
) -> None:  # type: ignore[no-untyped-def]
    assert audit.verify_chain(admin_ctx).ok
    other = uuid.uuid4().hex if admin_ctx.database.dialect == "sqlite" else str(uuid.uuid4())
    sql(admin_ctx, tamper.format(other=other))
    result = audit.verify_chain(admin_ctx)
    assert not result.ok and result.reason == "index"


def test_the_office_keeps_anchors_and_raises_an_alarm_when_a_log_shrinks_or_changes_key(
    admin_ctx: AppContext,
) -> None:
    source = uuid.uuid4()

    def receive(seq: int, hash_: str, key: str) -> None:
        with admin_ctx.uow() as uow:
            anchor = {"seq": seq, "chain_hash": hash_, "key_id": key}
            keep_remote_anchor(uow, source, anchor, "laptop 1")
            uow.commit()

    receive(10, "a" * 64, "k1")
    receive(25, "b" * 64, "k1")
    receive(12, "c" * 64, "k1")  # shorter: rows deleted
    receive(30, "d" * 64, "k2")  # another key
    receive(30, "e" * 64, "k2")  # same row, another hash
    report = audit.received_anchor_report(admin_ctx)
    statuses = [r.status for r in sorted(report, key=lambda r: r.received_at)]
    assert statuses == ["ok", "ok", "alarm", "alarm", "alarm"]
    with admin_ctx.database.read_sessions() as session:
        assert session.query(ReceivedAnchor).count() == 5
    alarms = audit.search_audit(admin_ctx, audit.AuditQuery(action="anker_ontvangen"))
    assert [e.outcome for e in alarms].count("alarm") == 3
