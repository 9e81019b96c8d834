"""Decision letters end to end: stored decisions → PDF, read back with pypdf."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from jeugdtoegang import atomic
from jeugdtoegang.cli.main import main as cli_main
from jeugdtoegang.domain.decisions import DecisionStatus, DecisionType
from jeugdtoegang.errors import PermissionDeniedError, RuleViolationError, ValidationError
from jeugdtoegang.progress import CancelledError, CancelToken, run_to_end
from jeugdtoegang.services import decisions, letter_batch
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.decisions import FinalLetter
from tests.conftest import TEAMLEIDER
from tests.integration.decision_fixtures import add_indication, case_parts, make_household

pytestmark = pytest.mark.postgres


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def make_decision(
    ctx: AppContext, decision_type: DecisionType, **extra: Any
) -> tuple[uuid.UUID, uuid.UUID]:
    household_id, person_id = make_household(ctx)
    ids = []
    extra.setdefault("parts", case_parts(decision_type))
    if decision_type in (DecisionType.WIJZIGING, DecisionType.CORRECTIE):
        earlier = decisions.create_decision(
            ctx,
            household_id,
            person_id,
            DecisionType.TOEKENNING,
            [add_indication(ctx, household_id, person_id)],
            date(2026, 10, 1),
            "hulp thuis bij de opvoeding",
            "Daan is vaak boos.",
            parts=case_parts(DecisionType.TOEKENNING),
        )
        decisions.approve_decision(ctx.with_actor(TEAMLEIDER), earlier.id)
        extra.setdefault("corrects_decision_id", earlier.id)
        extra.setdefault("effective_date", date(2027, 1, 4))
    if decision_type is DecisionType.BEEINDIGING:
        extra.setdefault("end_date", date(2027, 10, 3))
    if decision_type is not DecisionType.AFWIJZING:
        ids.append(add_indication(ctx, household_id, person_id))
        ids.append(
            add_indication(
                ctx,
                household_id,
                person_id,
                product="Persoonsgebonden budget begeleiding",
                provider="Eigen keuze van het gezin",
                volume=Decimal("1234.56"),
                unit="euro",
                frequency="totaal",
            )
        )
    detail = decisions.create_decision(
        ctx,
        household_id,
        person_id,
        decision_type,
        ids,
        date(2026, 11, 2),
        "hulp thuis bij de opvoeding",
        "Daan is vaak boos, thuis en op school.\n\nOma helpt twee middagen per week.",
        goals=["Daan kan beter omgaan met boosheid."],
        **extra,
    )
    return household_id, detail.id


SENTENCES = {
    DecisionType.TOEKENNING: "U krijgt de hulp voor Daan Yılmaz-Çelik die u hebt gevraagd.",
    DecisionType.GEDEELTELIJKE_TOEKENNING: "U krijgt een deel van de hulp voor Daan",
    DecisionType.AFWIJZING: "U krijgt de hulp voor Daan Yılmaz-Çelik die u hebt gevraagd niet.",
    DecisionType.WIJZIGING: "De hulp voor Daan Yılmaz-Çelik verandert vanaf 4 januari 2027.",
    DecisionType.VERLENGING: "De hulp voor Daan Yılmaz-Çelik gaat door tot en met 3 oktober",
    DecisionType.BEEINDIGING: "De hulp voor Daan Yılmaz-Çelik stopt op 3 oktober 2027.",
    DecisionType.CORRECTIE: "Wij verbeteren ons besluit over de hulp voor Daan",
}


@pytest.mark.parametrize("decision_type", list(DecisionType))
def test_every_decision_type_prints_a_complete_final_letter(
    ctx: AppContext, lead_ctx: AppContext, decision_type: DecisionType
) -> None:
    _household, decision_id = make_decision(ctx, decision_type)
    draft = pdf_text(decisions.letter_pdf(ctx, decision_id))
    assert "CONCEPT" in draft
    decisions.approve_decision(lead_ctx, decision_id)
    final = decisions.letter_pdf(ctx, decision_id)
    text = flat(pdf_text(final))
    assert "CONCEPT" not in text
    assert SENTENCES[decision_type] in text
    assert "Gemeente Zeist" in text
    # bezwaar: six weeks, the last day as a date, to the college, with the address
    assert "6 weken" in text and "maandag 4 januari 2027" in text
    assert "college van burgemeester en wethouders van Zeist, Postbus 514" in text
    for item in ("uw naam en adres", "de datum", "waarom u het niet eens bent", "handtekening"):
        assert item in text
    assert "Jeugdwet, artikel 2.3" in text and "Verordening jeugdhulp Zeist" in text
    assert "Daan is vaak boos, thuis en op school." in text  # the case's own facts
    pages = len(PdfReader(io.BytesIO(final)).pages)
    assert pages >= 2
    assert f"pagina 1 van {pages}" in text and f"pagina {pages} van {pages}" in text
    if decision_type is DecisionType.AFWIJZING:
        assert "Dit is de hulp voor" not in text
    else:
        assert "Ambulante jeugdhulp individueel" in text
        assert "Stichting De Linde Jeugdhulp" in text
        assert "04-01-2027" in text and "03-10-2027" in text
        assert "4 uur per week" in text
        assert "€ 1.234,56 in totaal" in text


def test_the_decision_sentence_comes_before_the_reasons(ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    text = flat(pdf_text(decisions.letter_pdf(ctx, decision_id)))
    assert text.index(SENTENCES[DecisionType.TOEKENNING]) < text.index("Waarom wij dit besluiten")
    assert "De hulp duurt 9 maanden." in text  # the 9-month rule of Zuidoost-Utrecht


def test_a_final_letter_is_stored_once_and_reprinted_byte_for_byte(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    approved = decisions.approve_decision(lead_ctx, decision_id)
    assert approved.final_sha256 is None  # rendered when it is printed to be sent
    first = decisions.letter_pdf(ctx, decision_id)
    later = ctx.with_actor(ctx.actor)
    later.today = lambda: date(2027, 2, 1)  # another day: still the same letter
    assert decisions.letter_pdf(later, decision_id) == first
    detail = decisions.get_decision(ctx, decision_id)
    assert detail.final_sha256 == hashlib.sha256(first).hexdigest()
    assert detail.sent_on == date(2026, 11, 23)
    with ctx.uow(readonly=True) as uow:
        stored = uow.session.execute(select(FinalLetter)).scalars().all()
    assert len(stored) == 1 and stored[0].pdf == first


def test_concept_letters_render_the_same_bytes_for_the_same_day(ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.WIJZIGING)
    assert decisions.letter_pdf(ctx, decision_id) == decisions.letter_pdf(ctx, decision_id)


def test_every_font_in_the_letter_is_embedded(ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    reader = PdfReader(io.BytesIO(decisions.letter_pdf(ctx, decision_id)))
    fonts = {}
    for page in reader.pages:
        for name, ref in page["/Resources"]["/Font"].items():
            fonts[name] = ref.get_object()
    assert fonts
    for font in fonts.values():
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_the_address_sits_in_the_window_of_a_window_envelope(ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    page = PdfReader(io.BytesIO(decisions.letter_pdf(ctx, decision_id))).pages[0]
    height = float(page.mediabox.height)
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, _cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            found.setdefault(text.strip(), (tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    mm = 72 / 25.4
    for line in ("Lindelaan 12 a", "3701 AB  Zeist"):
        x, y = found[line]
        assert 20 * mm <= x <= 110 * mm  # window: 20 mm from the left, 90 mm wide
        assert 50 * mm <= height - y <= 95 * mm  # window: 50 mm from the top, 45 mm high


def test_approval_is_a_separate_step_by_someone_else(ctx: AppContext, lead_ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    with pytest.raises(PermissionDeniedError):
        decisions.approve_decision(ctx, decision_id)  # a consultant cannot approve
    decisions.submit_decision(ctx, decision_id)
    assert [p.id for p in decisions.list_pending_decisions(lead_ctx)] == [decision_id]
    returned = decisions.return_decision(lead_ctx, decision_id, "Motivering aanvullen.")
    assert returned.review_comment == "Motivering aanvullen."
    assert decisions.list_pending_decisions(lead_ctx) == []
    approved = decisions.approve_decision(lead_ctx, decision_id)
    assert approved.status is DecisionStatus.GOEDGEKEURD
    assert approved.row.date == date(2026, 11, 23)
    with pytest.raises(RuleViolationError):
        decisions.approve_decision(lead_ctx, decision_id)


def test_a_decision_without_motivation_or_help_is_refused(ctx: AppContext) -> None:
    household_id, person_id = make_household(ctx)
    with pytest.raises(ValidationError) as caught:
        decisions.create_decision(
            ctx, household_id, person_id, DecisionType.TOEKENNING, [], date(2026, 11, 2), "x", ""
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"indication_ids", "motivation"}


def test_a_correction_is_a_new_decision_and_the_original_stays(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    household_id, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    original = decisions.approve_decision(lead_ctx, decision_id)
    original_pdf = decisions.letter_pdf(ctx, decision_id)
    correction = decisions.create_decision(
        ctx,
        household_id,
        original.person_id,
        DecisionType.TOEKENNING,
        list(original.indication_ids),
        original.request_date,
        original.request_text,
        "De eerste brief noemde de verkeerde aanbieder.",
        corrects_decision_id=decision_id,
    )
    assert correction.row.corrects_kenmerk == original.row.kenmerk
    assert correction.row.kenmerk != original.row.kenmerk
    assert decisions.letter_pdf(ctx, decision_id) == original_pdf
    with pytest.raises(RuleViolationError):  # a draft is edited, not corrected
        decisions.create_decision(
            ctx,
            household_id,
            original.person_id,
            DecisionType.AFWIJZING,
            [],
            original.request_date,
            "x",
            "y",
            corrects_decision_id=correction.id,
        )


def test_only_approved_letters_can_be_marked_as_sent(ctx: AppContext, lead_ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.AFWIJZING)
    with pytest.raises(RuleViolationError):
        decisions.mark_sent(ctx, decision_id)
    decisions.approve_decision(lead_ctx, decision_id)
    sent = decisions.mark_sent(ctx, decision_id)
    assert sent.status is DecisionStatus.VERZONDEN and sent.sent_by == "c.jansen"


# --- batch --------------------------------------------------------------------------------


def approved_decisions(ctx: AppContext, lead_ctx: AppContext, count: int) -> list[uuid.UUID]:
    ids = []
    for index in range(count):
        _household, decision_id = make_decision(ctx, list(DecisionType)[index % 5])
        if index % 5 in (3,):  # a wijziging made (and approved) an earlier decision too
            pass
        decisions.approve_decision(lead_ctx, decision_id)
        ids.append(decision_id)
    return ids


def test_batch_writes_every_approved_unsent_letter_of_the_day(
    ctx: AppContext, lead_ctx: AppContext, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "out"
    ids = approved_decisions(ctx, lead_ctx, 3)
    decisions.mark_sent(ctx, ids[0])
    make_decision(ctx, DecisionType.TOEKENNING)  # a draft: never printed
    result = run_to_end(letter_batch.batch_letters(ctx, date(2026, 11, 23), tmp_path))
    assert len(result.files) == 2
    for name in result.files:
        assert Path(name).read_bytes() == decisions.letter_pdf(ctx, _id_of(ctx, name))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(f).name for f in result.files)
    assert run_to_end(letter_batch.batch_letters(ctx, date(2026, 11, 24), tmp_path)).files == ()


def test_a_batch_rendered_in_worker_processes_prints_and_logs_every_letter(
    ctx: AppContext, lead_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.storage.models.audit import AuditEntry

    monkeypatch.setattr(letter_batch, "POOL_MIN_LETTERS", 1)
    ids = approved_decisions(ctx, lead_ctx, 3)
    decisions.letter_pdf(ctx, ids[1])  # printed before: the run reprints the stored bytes
    result = run_to_end(letter_batch.batch_letters(ctx, date(2026, 11, 23), tmp_path, workers=2))
    assert len(result.files) == 3
    assert [Path(f).name for f in result.files] == sorted(Path(f).name for f in result.files)
    for name in result.files:
        decision_id = _id_of(ctx, name)
        assert Path(name).read_bytes() == decisions.letter_pdf(ctx, decision_id)
        assert decisions.get_decision(ctx, decision_id).sent_on == date(2026, 11, 23)
    with ctx.uow(readonly=True) as uow:
        printed = uow.session.execute(
            select(AuditEntry.object_id).where(AuditEntry.purpose == "printrun brieven")
        ).scalars()
        assert set(printed) == set(ids)


def test_a_large_batch_in_one_process_records_in_groups_and_keeps_a_stored_final(
    ctx: AppContext, lead_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in chunks by set queries, recorded a group per transaction, without workers;
    a final stored before the run (another workstation printed it) is the one written."""
    from jeugdtoegang.storage.models.audit import AuditEntry

    monkeypatch.setattr(letter_batch, "POOL_MIN_LETTERS", 1)
    monkeypatch.setattr(letter_batch, "CHUNK", 2)
    ids = approved_decisions(ctx, lead_ctx, 3)
    stored = decisions.letter_pdf(ctx, ids[2])
    result = run_to_end(letter_batch.batch_letters(ctx, date(2026, 11, 23), tmp_path, workers=1))
    assert len(result.files) == 3
    for name in result.files:
        decision_id = _id_of(ctx, name)
        assert Path(name).read_bytes() == decisions.letter_pdf(ctx, decision_id)
        assert decisions.get_decision(ctx, decision_id).sent_on == date(2026, 11, 23)
    assert stored in [Path(f).read_bytes() for f in result.files]
    with ctx.uow(readonly=True) as uow:
        printed = uow.session.execute(
            select(AuditEntry.object_id).where(AuditEntry.purpose == "printrun brieven")
        ).scalars()
        assert sorted(printed) == sorted(ids)


def _id_of(ctx: AppContext, file_name: str) -> uuid.UUID:
    kenmerk = Path(file_name).stem
    return next(r.id for r in decisions.list_decisions(ctx) if r.kenmerk == kenmerk)


def test_a_cancelled_batch_leaves_only_complete_files(
    ctx: AppContext, lead_ctx: AppContext, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "out"
    approved_decisions(ctx, lead_ctx, 3)
    token = CancelToken()
    task = letter_batch.batch_letters(ctx, date(2026, 11, 23), tmp_path, token)
    next(task)
    next(task)  # one letter written
    token.cancel()
    with pytest.raises(CancelledError):
        next(task)
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].suffix == ".pdf"
    assert len(PdfReader(files[0]).pages) >= 2


def test_a_write_killed_before_the_rename_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        letter_batch.write_atomically(tmp_path / "brief.pdf", b"%PDF-1.4 half")
    assert list(tmp_path.iterdir()) == []


def test_a_stray_temporary_file_of_a_killed_run_is_cleaned_up(
    ctx: AppContext, lead_ctx: AppContext, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    approved_decisions(ctx, lead_ctx, 1)
    (tmp_path / ".brief-abc.tmp").write_bytes(b"half")
    run_to_end(letter_batch.batch_letters(ctx, date(2026, 11, 23), tmp_path))
    assert [p.suffix for p in tmp_path.iterdir()] == [".pdf"]


# --- CLI ----------------------------------------------------------------------------------


def test_cli_lists_decisions_and_prints_letters(
    ctx: AppContext,
    cli_login: AppContext,
    lead_ctx: AppContext,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    household_id, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, decision_id)
    assert cli_main(["--db", database_url, "decisions", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == str(decision_id)
    assert {"id", "type", "status", "date", "jeugdige"} <= set(rows[0])
    assert rows[0]["type"] == "toekenning" and rows[0]["status"] == "goedgekeurd"
    args = ["--db", database_url, "decisions", "list", "--household", str(household_id)]
    assert cli_main([*args, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    out = tmp_path / "brief.pdf"
    letter = ["--db", database_url, "letter", "--decision", str(decision_id), "-o", str(out)]
    assert cli_main(letter) == 0
    assert out.read_bytes() == decisions.letter_pdf(ctx, decision_id)
    capsys.readouterr()
    folder = tmp_path / "batch"
    batch = ["--db", database_url, "letters", "batch", "--date", "2026-11-23", "-o", str(folder)]
    assert cli_main([*batch, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["files"]) == 1
    assert (
        cli_main(["--db", database_url, "letter", "--decision", str(uuid.uuid4()), "-o", str(out)])
        == 1
    )


def test_the_pdf_has_dutch_language_and_no_personal_data_in_its_metadata(
    ctx: AppContext,
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    reader = PdfReader(io.BytesIO(decisions.letter_pdf(ctx, decision_id)))
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert "Daan" not in metadata and "Yılmaz" not in metadata
    assert "Besluit jeugdhulp" in metadata


def test_copying_text_from_a_draft_is_not_garbled_by_the_watermark(ctx: AppContext) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    text = pdf_text(decisions.letter_pdf(ctx, decision_id))
    # the only CONCEPT text is the marker line; the diagonal watermark is drawn, not written
    assert text.count("CONCEPT") == len(
        PdfReader(io.BytesIO(decisions.letter_pdf(ctx, decision_id))).pages
    )
    assert "CONCEPT - niet verzenden" in text
    assert "U krijgt de hulp voor Daan Yılmaz-Çelik die u hebt gevraagd." in flat(text)


# --- issue 11: the family's identity wish, printed where the family asked for it ----------


def _with_identity_wish(
    ctx: AppContext, decision_id: uuid.UUID, provider_identity: str | None, **row: Any
) -> None:
    from jeugdtoegang.services.decision_letter import linked_indications
    from jeugdtoegang.storage.models.providers import Provider

    with ctx.uow() as uow:
        provider = Provider(
            agb="98765432",
            name="Stichting De Linde Jeugdhulp",
            search_name="stichting de linde jeugdhulp",
            identity=provider_identity,
        )
        uow.session.add(provider)
        uow.session.flush()
        first = linked_indications(uow.session, decision_id)[0]
        first.identity_wish = "christelijk"
        first.provider_id = provider.id
        for key, value in row.items():
            setattr(first, key, value)
        uow.commit()


def test_the_letter_says_whether_help_fits_the_familys_identity(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    from jeugdtoegang.letters.checklist import missing_elements

    _household, met_id = make_decision(ctx, DecisionType.TOEKENNING)
    _with_identity_wish(ctx, met_id, "Christelijk")
    decisions.approve_decision(lead_ctx, met_id)
    pdf = decisions.letter_pdf(ctx, met_id)
    text = flat(pdf_text(pdf))
    assert (
        "U vroeg om hulp die past bij uw geloof of levensovertuiging (christelijk). "
        "Stichting De Linde Jeugdhulp biedt die hulp." in text
    )
    problems = missing_elements(text, DecisionType.TOEKENNING, {"identiteit": "christelijk"})
    assert not [p for p in problems if p.startswith("identiteit")]


def test_an_unmet_identity_wish_names_the_familys_own_choice(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.VERLENGING)
    _with_identity_wish(ctx, decision_id, None, chosen_by_family=True)
    decisions.approve_decision(lead_ctx, decision_id)
    text = flat(pdf_text(decisions.letter_pdf(ctx, decision_id)))
    assert (
        "(christelijk). Stichting De Linde Jeugdhulp biedt die hulp niet. "
        "U hebt zelf voor deze aanbieder gekozen." in text
    )
