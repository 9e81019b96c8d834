"""Every table that travels by sync has a write policy (a table without one is refused)."""

from __future__ import annotations

from jeugdtoegang.domain.sync_rules import TABLE_POLICIES, TablePolicy
from jeugdtoegang.sync.tables import syncable_tables


def test_every_synced_table_names_who_may_write_it() -> None:
    missing = sorted(set(syncable_tables()) - set(TABLE_POLICIES))
    assert missing == [], f"tables without a sync write policy: {missing}"


def test_the_region_setup_is_written_only_by_a_beheerder_and_aanvragen_are_dossier_data() -> None:
    assert TABLE_POLICIES["region_setup"] is TablePolicy.SETUP
    assert TABLE_POLICIES["aanvraag"] is TablePolicy.DOSSIER
