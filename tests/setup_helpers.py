"""Test helpers for the region setup (issue 13)."""

from __future__ import annotations

from jeugdtoegang.domain.actor import SYSTEM_ACTOR
from jeugdtoegang.domain.provenance import bezwaar_path
from jeugdtoegang.regions.setup_document import BEGINNING, document_from_json
from jeugdtoegang.services import region_setup
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database

TEST_SOURCE = {"title": "Verordening jeugdhulp (testgegeven)"}  # no article: letters unchanged


def settle_legal_basis(database: Database) -> None:
    """Store the template as the first setup with every verordening and bezwaar route
    vastgesteld, as a region would have done before its first final letter."""
    ctx = AppContext(database, SYSTEM_ACTOR)
    document = region_setup.setup_on(database, BEGINNING).document
    data = document.to_json()
    entry = {"status": "vastgesteld", "source": TEST_SOURCE}
    for name in document.profile.municipality_names:
        data["provenance"][f"profile.municipalities.{name}.verordening"] = entry
        data["provenance"][bezwaar_path(data["letters"], name)] = entry
    settled = document_from_json(data, "test", document.slug)
    region_setup._store(ctx, settled, BEGINNING, "testinrichting", allow_past=True)
