"""Use cases for the region setup: which setup holds on a date, and changing it.

Services obtain the profile through :func:`setup_on` (one function that takes a date);
a decision records the setup version it was made under (:func:`pin_decision_setup`).
Every change is a new version (a new row) with its own ``effective_from`` date, written in
one unit of work with an audit entry and a change-log snapshot, so sync carries it.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.atomic import write_atomically
from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.provenance import (
    ITEM_KEYS,
    VASTGESTELD,
    Provenance,
    Source,
    bezwaar_path,
    legal_basis_problems,
)
from jeugdtoegang.errors import RuleViolationError
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.texts import LetterTexts
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.regions import RegionProfile
from jeugdtoegang.regions.setup_document import (
    BEGINNING,
    SetupDocument,
    SetupError,
    document_from_json,
    read_setup_file,
    setup_to_toml,
    template_document,
)
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import region_setup_queries
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.models.region_setup import RegionSetup

FICTIONAL_MARK = "FICTIEF VOORBEELD (demo): dit is geen echte beschikking."
FICTIONAL_FOOTER = "FICTIEF (demo)"


@dataclass(frozen=True)
class SetupVersion:
    """One version of the region setup (``id`` None: the shipped template, not yet stored)."""

    id: uuid.UUID | None
    effective_from: date
    document: SetupDocument
    reason: str = ""
    created_by: str = ""
    created_at: datetime | None = None
    fictional: bool = False

    @property
    def profile(self) -> RegionProfile:
        return self.document.profile

    @property
    def letters(self) -> LetterTexts:
        return self.document.letters

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id) if self.id else None,
            "geldig_vanaf": self.effective_from.isoformat(),
            "reden": self.reason,
            "door": self.created_by,
            "op": self.created_at.isoformat() if self.created_at else None,
            "fictief": self.fictional,
        }


_documents: dict[tuple[uuid.UUID, int], SetupDocument] = {}


def _version(row: RegionSetup) -> SetupVersion:
    key = (row.id, row.version)
    document = _documents.get(key)
    if document is None:
        data = {"profile": row.profile, "letters": row.letters, "provenance": row.provenance}
        document = document_from_json(data, "opgeslagen inrichting", row.region_slug)
        _documents[key] = document
    return SetupVersion(
        row.id,
        row.effective_from,
        document,
        row.reason,
        row.updated_by,
        row.updated_at,
        row.fictional,
    )


def _template_version(slug: str) -> SetupVersion:
    return SetupVersion(None, BEGINNING, template_document(slug), "sjabloon", "programma")


def _row_on(session: Session, slug: str, day: date) -> RegionSetup | None:
    return region_setup_queries.setup_row_on(session, slug, day)


def setup_in_session(session: Session, slug: str, day: date) -> SetupVersion:
    """The setup in force on ``day`` (the shipped template while none is stored)."""
    row = _row_on(session, slug, day)
    return _version(row) if row is not None else _template_version(slug)


def setup_on(database: Database, day: date) -> SetupVersion:
    """The one way services obtain the region setup (and so the profile) for a date."""
    with database.read_sessions() as session:
        return setup_in_session(session, database.region_slug, day)


def setup_history(ctx: AppContext) -> list[SetupVersion]:
    """Every stored version, newest effective date first."""
    with ctx.database.read_sessions() as session:
        rows = region_setup_queries.setup_rows(session, ctx.database.region_slug)
        return [_version(row) for row in rows]


def setup_for_decision(session: Session, decision: Decision, slug: str) -> SetupVersion:
    """The version a decision was made under; older decisions: the one on their date."""
    if decision.region_setup_id is not None:
        row = session.get(RegionSetup, decision.region_setup_id)
        if row is not None:
            return _version(row)
    day = decision.decision_date or decision.request_date
    return setup_in_session(session, slug, day)


def pin_decision_setup(session: Session, decision: Decision, slug: str, day: date) -> SetupVersion:
    """Record on the decision the setup in force on ``day``, and return it."""
    setup = setup_in_session(session, slug, day)
    decision.region_setup_id = setup.id
    return setup


def require_final_legal_basis(setup: SetupVersion, municipality: str) -> None:
    """A letter cannot become final while its legal basis or bezwaar route is voorlopig.

    A fictional (demo) setup is exempt: every letter it prints says it is not real.
    """
    if setup.fictional:
        return
    data = setup.document.to_json()["letters"]
    problems = legal_basis_problems(setup.document.provenance, data, municipality)
    if problems:
        raise RuleViolationError(
            "Deze beschikking kan nog niet definitief worden: "
            + "; ".join(problems)
            + ". De functioneel beheerder legt die vast in Beheer → Inrichting "
            "(of met 'jeugdtoegang setup set')."
        )


def letter_profile(setup: SetupVersion) -> RegionProfile:
    """The profile as letters name it: a vastgestelde verordening with its article(s)."""
    municipalities = []
    for municipality in setup.profile.municipalities:
        entry = setup.document.status(f"profile.municipalities.{municipality.name}.verordening")
        article = entry.source.article
        if not entry.provisional and article and article not in municipality.verordening:
            municipality = municipality.model_copy(
                update={"verordening": f"{municipality.verordening}, {article}"}
            )
        municipalities.append(municipality)
    return setup.profile.model_copy(update={"municipalities": tuple(municipalities)})


LOGO_PREFIX = "data:image/png;base64,"


def logo_value(png: bytes) -> str:
    """A logo stored in the setup itself (no program file): a PNG as a data URL."""
    if not png.startswith(b"\x89PNG"):
        raise RuleViolationError("Het logo moet een PNG-afbeelding zijn.")
    if len(png) > 512 * 1024:
        raise RuleViolationError("Het logo is te groot (meer dan 512 kB); verklein het eerst.")
    return LOGO_PREFIX + base64.b64encode(png).decode("ascii")


def with_stored_logo(model: LetterModel, setup: SetupVersion, municipality: str) -> LetterModel:
    """Use a logo the beheerder stored in the setup (a data URL) in the letterhead."""
    value = setup.letters.municipal(municipality).logo or ""
    if not value.startswith(LOGO_PREFIX):
        return model
    png = base64.b64decode(value[len(LOGO_PREFIX) :])
    folder = user_data_dir() / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(png).hexdigest()[:32]}.png"
    if not path.is_file():
        write_atomically(path, png)
    return replace(model, letterhead=replace(model.letterhead, logo_path=str(path)))


def with_digital_bezwaar(model: LetterModel, setup: SetupVersion, municipality: str) -> LetterModel:
    """Name the digital bezwaar route (the link of a vastgesteld bezwaar address) in the letter."""
    letters = setup.document.to_json()["letters"]
    entry = setup.document.status(bezwaar_path(letters, municipality))
    link = entry.source.link
    if entry.provisional or not link:
        return model
    sentence = f"U kunt uw bezwaar ook via internet sturen: {link}."
    return replace(model, bezwaar_paragraphs=(*model.bezwaar_paragraphs, sentence))


def mark_fictional(model: LetterModel, setup: SetupVersion) -> LetterModel:
    """A letter from a demo database says on every page that it is fictional."""
    if not setup.fictional:
        return model
    footer = f"{FICTIONAL_FOOTER} · {model.footer}" if model.footer else FICTIONAL_FOOTER
    return replace(
        model,
        footer=footer,
        title=f"FICTIEF - {model.title}",
        intro_paragraphs=(FICTIONAL_MARK, *model.intro_paragraphs),
    )


# -- changing the setup ----------------------------------------------------------------------


def _check_date(ctx: AppContext, effective_from: date) -> None:
    if effective_from < ctx.today():
        raise RuleViolationError(
            f"Een wijziging van de inrichting kan niet terugwerken: kies vandaag "
            f"({ctx.today():%d-%m-%Y}) of later als ingangsdatum."
        )


def save_setup(
    ctx: AppContext,
    document: SetupDocument,
    effective_from: date,
    reason: str,
    *,
    fictional: bool | None = None,
    allow_past: bool = False,
) -> SetupVersion:
    """Store ``document`` as a new setup version from ``effective_from`` (one transaction)."""
    require(ctx.actor, Permission.CATALOGUE_MANAGE)
    return _store(ctx, document, effective_from, reason, fictional=fictional, allow_past=allow_past)


def _store(
    ctx: AppContext,
    document: SetupDocument,
    effective_from: date,
    reason: str,
    *,
    fictional: bool | None = None,
    allow_past: bool = False,
) -> SetupVersion:
    if not allow_past:
        _check_date(ctx, effective_from)
    if not reason.strip():
        raise RuleViolationError("Schrijf op waarom de inrichting verandert (reden).")
    slug = ctx.database.region_slug
    if document.slug != slug:
        raise RuleViolationError(
            f"Deze inrichting is voor regio '{document.slug}'; de database hoort bij '{slug}'."
        )
    data = document.to_json()
    with ctx.uow() as uow:
        before = _row_on(uow.session, slug, effective_from)
        row = RegionSetup(
            region_slug=slug,
            effective_from=effective_from,
            profile=data["profile"],
            letters=data["letters"],
            provenance=data["provenance"],
            reason=reason.strip(),
            based_on_id=before.id if before is not None else None,
            fictional=bool(before.fictional) if fictional is None and before else bool(fictional),
        )
        uow.session.add(row)
        uow.session.flush()
        uow.log_access("wijzigen", "region_setup", row.id, [], reason.strip()[:200])
        uow.commit()
        version = _version(row)
    ctx.forget_setup()
    return version


def ensure_setup(ctx: AppContext, *, fictional: bool = False) -> SetupVersion:
    """Store the shipped template as the first version (``init``); idempotent."""
    slug = ctx.database.region_slug
    with ctx.database.read_sessions() as session:
        existing = _row_on(session, slug, date.max)
    if existing is not None and (existing.fictional or not fictional):
        return _version(existing)
    current = setup_on(ctx.database, BEGINNING) if existing else _template_version(slug)
    reason = "fictieve demogegevens" if fictional else f"startinrichting uit sjabloon {slug}"
    # part of initialising the database (init, demo): no beheerder needed yet
    return _store(ctx, current.document, BEGINNING, reason, fictional=fictional, allow_past=True)


# -- values by path --------------------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A value from the command line: JSON when it parses (numbers, lists, true), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _container(data: dict[str, Any], parts: list[str], path: str, *, create: bool) -> Any:
    node: Any = data
    for index, part in enumerate(parts):
        if isinstance(node, list):
            name = parts[index - 1] if index else ""
            key = ITEM_KEYS.get(name)
            match = next((item for item in node if key and str(item.get(key)) == part), None)
            if match is None:
                if not create or key is None:
                    raise RuleViolationError(f"'{path}': onderdeel '{part}' bestaat niet.")
                match = {key: part}
                node.append(match)
            node = match
        elif isinstance(node, dict):
            if part not in node:
                if not create:
                    raise RuleViolationError(f"'{path}': onderdeel '{part}' bestaat niet.")
                node[part] = {}
            node = node[part]
        else:
            raise RuleViolationError(f"'{path}': '{part}' is geen onderdeel met velden.")
    return node


def with_value(document: SetupDocument, path: str, value: Any) -> dict[str, Any]:
    """The JSON of ``document`` with ``path`` set to ``value`` (None removes the key)."""
    return set_value(copy.deepcopy(document.to_json()), path, value)


def set_value(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set ``path`` in the JSON document ``data`` in place (None removes it); returns it."""
    parts = path.split(".")
    if len(parts) < 2 or parts[0] not in ("profile", "letters"):
        raise RuleViolationError(
            f"'{path}' is geen pad in de inrichting; het begint met 'profile.' of 'letters.'."
        )
    parent = _container(data, parts[:-1], path, create=True)
    last = parts[-1]
    if isinstance(parent, list):
        key = ITEM_KEYS.get(parts[-2])
        parent[:] = [item for item in parent if str(item.get(key)) != last]
        if value is not None:
            parent.append(value)
    elif value is None:
        parent.pop(last, None)
    else:
        parent[last] = value
    return data


def change_setup(
    ctx: AppContext,
    changes: Mapping[str, Any],
    effective_from: date,
    reason: str,
    *,
    provenance: Mapping[str, Provenance] | None = None,
) -> SetupVersion:
    """Set values (path -> value) and/or provenance on the setup in force on the date."""
    base = setup_on(ctx.database, effective_from).document
    data = copy.deepcopy(base.to_json())
    for path, value in changes.items():
        set_value(data, path, value)
    merged = dict(data["provenance"])
    for path, entry in (provenance or {}).items():
        merged[path] = entry.model_dump(mode="json", exclude_none=True)
    data["provenance"] = merged
    document = document_from_json(data, "wijziging", base.slug)
    return save_setup(ctx, document, effective_from, reason)


def settle(
    path: str,
    title: str,
    *,
    date_text: str | None = None,
    article: str | None = None,
    link: str | None = None,
) -> dict[str, Provenance]:
    """A provenance entry saying ``path`` is vastgesteld by the named document."""
    source = Source(title=title, date=date_text, article=article, link=link)
    return {path: Provenance(status=VASTGESTELD, source=source)}


# -- export and import -----------------------------------------------------------------------


def export_setup(ctx: AppContext, target: Path, day: date | None = None) -> SetupVersion:
    require(ctx.actor, Permission.CATALOGUE_MANAGE)
    version = setup_on(ctx.database, day or ctx.today())
    text = setup_to_toml(version.document, version.effective_from, version.reason)
    write_atomically(target, text.encode("utf-8"))
    return version


def import_setup(
    ctx: AppContext, source: Path, effective_from: date | None, reason: str | None = None
) -> SetupVersion:
    """All or nothing: every problem is named and nothing is stored unless all is valid."""
    require(ctx.actor, Permission.CATALOGUE_MANAGE)
    parsed = read_setup_file(source, ctx.database.region_slug)
    day = effective_from or parsed.effective_from
    if day is None:
        raise SetupError(
            ["geef een ingangsdatum: --from JJJJ-MM-DD of geldig_vanaf in [inrichting]"]
        )
    text = (reason or parsed.reason or f"ingelezen uit {source.name}").strip()
    return save_setup(ctx, parsed.document, day, text)
