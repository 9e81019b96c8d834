"""Test helpers for the region setup (issue 13)."""

from __future__ import annotations

from jeugdtoegang.domain.provenance import bezwaar_path
from jeugdtoegang.regions.setup_document import BEGINNING
from jeugdtoegang.services import region_setup
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.region_setup import RegionSetup

TEST_SOURCE = {"title": "Verordening jeugdhulp (testgegeven)"}  # no article: letters unchanged


def settle_legal_basis(database: Database) -> None:
    """Store the template as the first setup with every verordening and bezwaar route
    vastgesteld, as a region would have done before its first final letter.

    Written as a bare row (change-logged, but without an audit entry), so tests that
    count audit entries see only their own.
    """
    document = region_setup.setup_on(database, BEGINNING).document
    data = document.to_json()
    entry = {"status": "vastgesteld", "source": TEST_SOURCE}
    for name in document.profile.municipality_names:
        data["provenance"][f"profile.municipalities.{name}.verordening"] = entry
        data["provenance"][bezwaar_path(data["letters"], name)] = entry
    with database.write_sessions.begin() as session:
        session.add(
            RegionSetup(
                region_slug=document.slug,
                effective_from=BEGINNING,
                profile=data["profile"],
                letters=data["letters"],
                provenance=data["provenance"],
                reason="testinrichting",
                fictional=False,
            )
        )
