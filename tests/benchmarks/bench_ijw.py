"""iJw: export 10,000 allocations (JW301) and import 10,000 start/stop messages (JW305/JW307).

Run: pytest tests/benchmarks/bench_ijw.py -s   (add JEUGDTOEGANG_TEST_PG=... for PostgreSQL)
Each figure is printed next to a bare baseline doing the same XML work in the same run:
export — ElementTree building the same messages for the same records and writing one file
per client (no database, no fsync); import — ElementTree parsing the same 10,000 files and
reading BSN, toewijzingnummer and date (no checks, no database).
"""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.ijw_export import export_day
from jeugdtoegang.services.ijw_inbound import import_batch
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication
from tests.benchmarks._report import report
from tests.indication_helpers import make_bsn
from tests.integration.ijw_helpers import adapted

ALLOCATIONS = int(os.environ.get("IJW_BENCH_N", "10000"))  # smaller for a quick look
PROVIDERS = [f"{97_100_000 + n:08d}" for n in range(20)]
SYSTEM = Actor("systeem", "Systeem", frozenset({Role.SYSTEEM}), team="Team Zeist")
DAY = date(2027, 1, 4)
ALLOCATED = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _fill(ctx: AppContext) -> list[tuple[str, int, str]]:
    """10,000 households with one jeugdige and one issued allocation each."""
    with ctx.uow() as uow:
        s = uow.session
        households = bulk_insert(
            s,
            Household,
            [
                {
                    "dossier_number": f"2027-{n:05d}",
                    "name": f"Gezin {n}",
                    "street": "Dorpsstraat",
                    "house_number": str(n + 1),
                    "postcode": "3701AB",
                    "city": "Zeist",
                    "gemeente_code": "0355",
                    "gemeente": "Zeist",
                    "team": "Team Zeist",
                }
                for n in range(ALLOCATIONS)
            ],
            "bench",
        )
        bsns = [make_bsn() for _ in range(ALLOCATIONS)]
        persons = bulk_insert(
            s,
            Person,
            [
                {
                    "household_id": h,
                    "role": "jeugdige",
                    "first_name": "Sem",
                    "surname": f"Bank{n}",
                    "birth_date": date(2015, 1, 1),
                    "bsn": bsns[n],
                    "has_gezag": False,
                    "search_surname": f"bank{n}",
                    "search_first": "sem",
                    "sort_key": str(n),
                }
                for n, h in enumerate(households)
            ],
            "bench",
        )
        rows = []
        for n, (h, p) in enumerate(zip(households, persons, strict=True)):
            rows.append(
                {
                    "household_id": h,
                    "person_id": p,
                    "gemeente_code": "0355",
                    "goal_ids": [],
                    "segment": "ambulant",
                    "product_code": "45Z01",
                    "product_name": "Ambulant",
                    "product_category": "45",
                    "provider_agb": PROVIDERS[n % len(PROVIDERS)],
                    "provider_name": "Bench BV",
                    "perspective": "ontwikkeling",
                    "start_date": date(2027, 1, 11),
                    "end_date": date(2027, 10, 10),
                    "volume": Decimal(2),
                    "unit": "uur",
                    "unit_code": "04",
                    "frequency": "week",
                    "frequency_code": "2",
                    "initiator": "consulent",
                    "referrer_code": "01",
                    "status": "afgegeven",
                    "allocation_number": 1_000_001 + n,
                    "allocated_at": ALLOCATED,
                    "motivations": {},
                    "findings": [],
                }
            )
        bulk_insert(s, Indication, rows, "bench")
        uow.commit()
    return [(bsns[n], 1_000_001 + n, PROVIDERS[n % len(PROVIDERS)]) for n in range(ALLOCATIONS)]


def _bare_export(records: list[tuple[str, int, str]], folder: Path) -> float:
    ns, base = "urn:jw301", "urn:basis"
    start = time.perf_counter()
    for bsn, number, agb in records:
        root = ET.Element(f"{{{ns}}}Bericht")
        head = ET.SubElement(root, f"{{{ns}}}Header")
        for tag, value in (("BerichtCode", "414"), ("Afzender", "0355"), ("Ontvanger", agb)):
            ET.SubElement(head, f"{{{ns}}}{tag}").text = value
        client = ET.SubElement(root, f"{{{ns}}}Client")
        ET.SubElement(client, f"{{{ns}}}Bsn").text = bsn
        product = ET.SubElement(
            ET.SubElement(client, f"{{{ns}}}ToegewezenProducten"), f"{{{ns}}}ToegewezenProduct"
        )
        ET.SubElement(product, f"{{{ns}}}ToewijzingNummer").text = str(number)
        for tag, value in (("Ingangsdatum", "2027-01-11"), ("Einddatum", "2027-10-10")):
            ET.SubElement(product, f"{{{ns}}}{tag}").text = value
        omvang = ET.SubElement(product, f"{{{ns}}}Omvang")
        for tag, value in (("Volume", "2"), ("Eenheid", "04"), ("Frequentie", "2")):
            ET.SubElement(omvang, f"{{{base}}}{tag}").text = value
        ET.indent(root)
        target = folder / agb / f"{number}.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return time.perf_counter() - start


def _bare_parse(messages: list[bytes]) -> float:
    start = time.perf_counter()
    found = 0
    for data in messages:
        root = ET.fromstring(data)
        for node in root.iter():
            if node.tag.endswith("}Bsn") or node.tag.endswith("}ToewijzingNummer"):
                found += 1
    assert found == 2 * len(messages)
    return time.perf_counter() - start


def test_export_10000_allocations_and_import_10000_start_stop_messages(tmp_path: Path) -> None:
    url = os.environ.get("JEUGDTOEGANG_TEST_PG") or f"sqlite:///{tmp_path / 'bench.sqlite'}"
    database = open_database(url)
    try:
        initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
        ctx = AppContext(database, SYSTEM, today=lambda: DAY)
        records = _fill(ctx)

        start = time.perf_counter()
        result = run_to_end(export_day(ctx, DAY, tmp_path / "uit"))
        export_s = time.perf_counter() - start
        assert result.new_messages == ALLOCATIONS and len(result.files) == ALLOCATIONS
        bare_export_s = _bare_export(records, tmp_path / "kaal")

        half = ALLOCATIONS // 2
        messages = [
            adapted(
                "JW305-start-zorg.xml",
                bsn=bsn,
                agb=agb,
                number=number,
                ident=f"S{number}",
                dates={"Begindatum": date(2027, 1, 18)},
            )
            for bsn, number, agb in records[:half]
        ] + [
            adapted(
                "JW307-stop-zorg.xml",
                bsn=bsn,
                agb=agb,
                number=number,
                ident=f"E{number}",
                dates={"Einddatum": date(2027, 6, 30)},
            )
            for bsn, number, agb in records[:half]
        ]
        start = time.perf_counter()
        batch = run_to_end(
            import_batch(ctx, [(f"m{n}.xml", m) for n, m in enumerate(messages)], DAY)
        )
        import_s = time.perf_counter() - start
        assert not batch.refused and len(batch.results) == len(messages)
        bare_import_s = _bare_parse(messages)

        print()
        dialect = database.dialect
        report(f"ijw export {ALLOCATIONS:,} JW301 ({dialect})", export_s, bare_export_s, "s", "-")
        report(
            f"ijw import {ALLOCATIONS:,} JW305/JW307 ({dialect})", import_s, bare_import_s, "s", "-"
        )
    finally:
        database.close()
