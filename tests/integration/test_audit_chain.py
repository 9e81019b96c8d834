"""The tamper-evident audit log: chain verification, anchor, Logboek, search and inzage."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import text

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.errors import PermissionDeniedError
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.inzage import build_inzage, write_inzage
from jeugdtoegang.storage.audit_chain import anchor_path, forget_anchor_cache
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.database import open_database

pytestmark = pytest.mark.postgres

ADMIN = Actor("beheer", "Bea Heerkens", frozenset({Role.BEHEERDER}))


@pytest.fixture
def admin_ctx(ctx: AppContext) -> AppContext:
    return ctx.with_actor(ADMIN)


@pytest.fixture
def dossier(ctx: AppContext):  # type: ignore[no-untyped-def]
    detail = households.register_household(
        ctx,
        HouseholdInput(
            name="Familie Yılmaz",
            gemeente="Zeist",
            members=(
                PersonInput(
                    role=PersonRole.JEUGDIGE,
                    first_name="Eliz",
                    surname="Yılmaz",
                    birth_date=date(2014, 3, 2),
                    bsn="123456782",
                ),
            ),
        ),
    )
    for _ in range(4):
        households.get_household(ctx, detail.id, purpose="gesprek voorbereiden")
    return detail


def execute(ctx: AppContext, sql: str) -> None:
    flush_pending(ctx.database)  # reads are logged through a queue: write them first
    with ctx.database.engines.write.begin() as connection:
        connection.execute(text(sql))


def test_an_untouched_log_verifies_and_the_anchor_file_follows_it(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    result = audit.verify_chain(admin_ctx.database)
    assert result.ok and result.checked == 5 and result.last_seq == 5
    flush_pending(admin_ctx.database)
    anchor = json.loads(anchor_path(admin_ctx.database.database_id).read_text())
    assert anchor["seq"] == 5 and len(anchor["chain_hash"]) == 64
    assert audit.latest_anchor(admin_ctx)["chain_hash"] == anchor["chain_hash"]


def test_reads_are_logged_through_a_queue_that_readers_of_the_log_see(
    ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    households.get_household(ctx, dossier.id, purpose="direct daarna")
    assert audit.dossier_log(ctx, dossier.id)[0].purpose == "direct daarna"
    ctx.database.close()  # closing writes anything still queued
    reopened = open_database(ctx.database.url)
    assert audit.verify_chain(reopened).checked == 7
    reopened.close()


def test_the_key_file_is_created_private_outside_the_database(dossier) -> None:  # type: ignore[no-untyped-def]
    key_file = user_data_dir() / "audit.key"
    assert key_file.exists()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_edited_entry_is_reported_as_the_first_broken_link(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    execute(admin_ctx, "UPDATE audit_log SET purpose = 'iets anders' WHERE seq = 3")
    result = audit.verify_chain(admin_ctx.database)
    assert not result.ok
    assert (result.broken_seq, result.reason) == (3, "gewijzigd")
    assert "Regel 3" in result.message


def test_a_deleted_entry_is_reported_as_missing(admin_ctx: AppContext, dossier) -> None:  # type: ignore[no-untyped-def]
    execute(admin_ctx, "DELETE FROM audit_log WHERE seq = 2")
    result = audit.verify_chain(admin_ctx.database)
    assert (result.ok, result.broken_seq, result.reason) == (False, 2, "ontbreekt")


def test_verification_with_another_key_fails_at_the_first_entry(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    result = audit.verify_chain(admin_ctx.database, key=b"een andere sleutel van 32 tekens")
    assert (result.broken_seq, result.reason) == (1, "andere_sleutel")


def test_a_cut_off_tail_is_detected_by_the_chain_head_and_by_the_anchor(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    execute(admin_ctx, "DELETE FROM audit_log WHERE seq >= 4")
    by_counter = audit.verify_chain(admin_ctx.database)
    assert (by_counter.broken_seq, by_counter.reason) == (4, "afgekapt")
    # the intruder also turns the chain's head back: the anchor outside the database remains
    execute(
        admin_ctx,
        "UPDATE audit_chain SET head_seq = 3, "
        "head_hash = (SELECT chain_hash FROM audit_log WHERE seq = 3) WHERE number = 1",
    )
    by_anchor = audit.verify_chain(admin_ctx.database)
    assert (by_anchor.ok, by_anchor.reason, by_anchor.anchor_seq) == (False, "afgekapt", 5)
    assert "ankerbestand" in by_anchor.message


def test_a_rewritten_tail_disagrees_with_the_anchor(admin_ctx: AppContext, dossier) -> None:  # type: ignore[no-untyped-def]
    flush_pending(admin_ctx.database)
    path = anchor_path(admin_ctx.database.database_id)
    data = json.loads(path.read_text())
    data["chain_hash"] = "f" * 64
    path.write_text(json.dumps(data))
    forget_anchor_cache()
    result = audit.verify_chain(admin_ctx.database)
    assert (result.broken_seq, result.reason) == (5, "gewijzigd")


def test_verifying_needs_the_audit_permission_and_is_logged(
    ctx: AppContext, admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        audit.verify_chain(ctx)
    assert audit.verify_chain(admin_ctx).ok  # the refusal entry is part of a valid chain
    actions = [e.action for e in audit.search_audit(admin_ctx, audit.AuditQuery(limit=3))]
    assert actions[:2] == ["keten_controleren", "weigering:audit_read"]


def test_the_logboek_of_a_dossier_lists_every_access_newest_first(ctx: AppContext, dossier) -> None:  # type: ignore[no-untyped-def]
    entries = audit.dossier_log(ctx, dossier.id)
    assert [e.action for e in entries] == ["inzien"] * 4 + ["registreren"]
    assert entries[0].purpose == "gesprek voorbereiden" and entries[0].by == "c.jansen"
    assert entries[0].action_text == "Ingezien (dossier)"


def test_an_administrator_searches_by_person_user_action_and_period(
    ctx: AppContext, admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    child = dossier.members[0].id
    by_person = audit.search_audit(admin_ctx, audit.AuditQuery(person_id=child))
    assert len(by_person) == 5
    assert audit.search_audit(admin_ctx, audit.AuditQuery(username="nobody")) == []
    reads = audit.search_audit(admin_ctx, audit.AuditQuery(action="inzien", username="c.jansen"))
    assert len(reads) == 4
    today = date.today()
    assert len(audit.search_audit(admin_ctx, audit.AuditQuery(since=today, action="inzien"))) == 4
    with pytest.raises(PermissionDeniedError):
        audit.search_audit(ctx, audit.AuditQuery())


def test_a_refused_dossier_read_is_a_clear_message_and_an_audit_entry(
    admin_ctx: AppContext, dossier
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError, match="dossiers in te zien"):
        households.get_household(admin_ctx, dossier.id)
    refused = audit.search_audit(admin_ctx, audit.AuditQuery(outcome="geweigerd"))
    assert refused[0].object_id == dossier.id and refused[0].by == "beheer"
    assert audit.verify_chain(admin_ctx.database).ok


def test_the_inzage_export_holds_the_data_and_log_as_json_and_pdf(
    admin_ctx: AppContext, dossier, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    child = dossier.members[0].id
    report = build_inzage(admin_ctx, child)
    assert report.person["bsn"] == "123456782" and report.person_name == "Eliz Yılmaz"
    assert report.household["name"] == "Familie Yılmaz"
    assert [e.action for e in report.log] == ["registreren"] + ["inzien"] * 4
    assert report.retention_years == admin_ctx.profile.settings.retention_years

    data = json.loads(write_inzage(admin_ctx, child, tmp_path / "inzage.json").read_text())
    assert data["naam"] == "Eliz Yılmaz" and len(data["logboek"]) >= 5
    assert data["logboek"][0]["action_text"] == "Geregistreerd (dossier)"

    pdf = write_inzage(admin_ctx, child, tmp_path / "inzage.pdf")
    content = "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Inzage in persoonsgegevens" in content
    assert "Eliz Yılmaz" in content and "gesprek voorbereiden" in content
    assert "Ingezien (dossier)" in content and "20 jaar" in content


def test_inzage_needs_the_export_permission(ctx: AppContext, dossier) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        build_inzage(ctx, dossier.members[0].id)


def test_retention_comes_from_the_profile(admin_ctx: AppContext) -> None:
    years = admin_ctx.profile.settings.retention_years
    assert audit.retention_years(admin_ctx) == years
    assert audit.retention_cutoff(admin_ctx) == date(2026 - years, 11, 23)
    assert audit.retention_until(admin_ctx, date(2026, 1, 31)) == date(2026 + years, 1, 31)
