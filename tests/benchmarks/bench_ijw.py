"""iJw: export 10,000 allocations (JW301) and import 10,000 start/stop messages (JW305/JW307).

Run: pytest tests/benchmarks/bench_ijw.py -s   (add JEUGDTOEGANG_TEST_PG=... for PostgreSQL)
Each figure is printed next to bare baselines in the same run:
export — ElementTree building the same messages for the same records and writing one file
per client atomically as the program does (temporary file, fsync, rename, folder fsync), no
database;
import, parse only — ElementTree parsing the same 10,000 files and reading BSN,
toewijzingnummer and date (no checks, no database);
import, parse + write — the same parse, then raw ``sqlite3`` on a copy of the same database
(same tables, same indexes): persons and allocations looked up in ``IN (...)`` batches and,
in one transaction, the same rows written with ``executemany``: ijw_message (with the XML),
ijw_care_event, their change-log rows and one HMAC-chained audit entry (+ audit_subject)
per message. SQLite only; on PostgreSQL only the parse baseline is printed.
Scale with IJW_BENCH_N (default 10,000; the README lists 1k and 10k).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import time
import uuid
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


class _Stopwatch:
    """Wall and CPU time of this process (SQLite runs in it; a PostgreSQL server does not)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


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


def _bare_export(records: list[tuple[str, int, str]], folder: Path) -> tuple[float, float]:
    ns, base = "urn:jw301", "urn:basis"
    start = _Stopwatch()
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
        temporary = target.with_suffix(".tmp")
        with open(temporary, "wb") as handle:  # atomic like the program: fsync, rename
            handle.write(ET.tostring(root, encoding="utf-8", xml_declaration=True))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    for directory in {folder / agb for _, _, agb in records}:
        descriptor = os.open(directory, os.O_RDONLY)
        os.fsync(descriptor)
        os.close(descriptor)
    return start.stop()


def _bare_parse(messages: list[bytes]) -> tuple[float, float]:
    start = _Stopwatch()
    found = 0
    for data in messages:
        root = ET.fromstring(data)
        for node in root.iter():
            if node.tag.endswith("}Bsn") or node.tag.endswith("}ToewijzingNummer"):
                found += 1
    assert found == 2 * len(messages)
    return start.stop()


def _bare_parse_and_write(messages: list[bytes], path: Path) -> tuple[float, float]:
    """Parse, look up in batches and write the same rows with raw sqlite3 (one transaction)."""
    ns = "{http://www.istandaarden.nl/ijw/3_2/%s/schema}"
    base = "{http://www.istandaarden.nl/ijw/3_2/basisschema/schema}"
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "foreign_keys = ON", "synchronous = NORMAL"):
        connection.execute(f"PRAGMA {pragma}")  # as the program's engine sets them
    start = _Stopwatch()
    parsed = []
    for number, data in enumerate(messages):
        root = ET.fromstring(data)
        code = root.tag[root.tag.index("/jw") + 1 : root.tag.index("/jw") + 6].upper()
        m = ns % code.lower()
        head = root.find(f"{m}Header")
        ident = head.find(f"{m}BerichtIdentificatie")
        client = root.find(f"{m}Client")
        group = "StartProducten/" if code == "JW305" else "StopProducten/"
        item = group + ("{0}StartProduct" if code == "JW305" else "{0}StopProduct")
        product = client.find(f"{m}" + item.format(m))
        day = product.findtext(f"{m}Begindatum" if code == "JW305" else f"{m}Einddatum")
        parsed.append(
            (
                f"m{number}.xml",
                data,
                code,
                head.findtext(f"{m}Afzender"),
                head.findtext(f"{m}Ontvanger"),
                ident.findtext(f"{base}Identificatie"),
                ident.findtext(f"{base}Dagtekening"),
                client.findtext(f"{m}Bsn"),
                int(product.findtext(f"{m}ToewijzingNummer")),
                day,
                product.findtext(f"{m}RedenBeeindiging"),
            )
        )
    persons: dict[str, tuple[str, str]] = {}
    allocations: dict[int, str] = {}
    bsns = sorted({p[7] for p in parsed})
    numbers = sorted({p[8] for p in parsed})
    for i in range(0, len(bsns), 500):
        chunk = bsns[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for bsn, pid, hid in connection.execute(
            f"SELECT bsn, id, household_id FROM person WHERE bsn IN ({marks})", chunk
        ):
            persons[bsn] = (pid, hid)
    for i in range(0, len(numbers), 500):
        chunk = numbers[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for number, iid in connection.execute(
            "SELECT allocation_number, id FROM indication WHERE gemeente_code = '0355' "
            f"AND allocation_number IN ({marks})",
            chunk,
        ):
            allocations[number] = iid
    now = datetime.now(UTC).isoformat(sep=" ")
    messages_rows, events, changes, audit, subjects = [], [], [], [], []
    key, chain = b"k" * 32, "0" * 64
    for name, data, code, sender, receiver, ident, dagtekening, bsn, number, day, reason in parsed:
        pid, hid = persons[bsn]
        mid, eid = uuid.uuid4().hex, uuid.uuid4().hex
        message = (
            mid, "in", code, dagtekening, ident, sender, receiver, hid, name,
            data.decode(), hashlib.sha256(data).hexdigest(), now, "bench", now, "bench", 1,
        )  # fmt: skip
        event = (
            eid, allocations[number], mid, "start" if code == "JW305" else "stop", day, reason,
            sender, now, "bench", now, "bench", 1,
        )  # fmt: skip
        messages_rows.append(message)
        events.append(event)
        changes.append(("ijw_message", mid, json.dumps(message[:-6])))
        changes.append(("ijw_care_event", eid, json.dumps(event[:7])))
        entry = json.dumps([ident, now, "inlezen", [pid], f"{code} van aanbieder {sender}"])
        chain = hmac.new(key, chain.encode() + entry.encode(), hashlib.sha256).hexdigest()
        audit.append((uuid.uuid4().hex, pid, f"{code} van aanbieder {sender}", chain))
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO ijw_message (id, direction, message_code, message_date, identification, "
        "sender, receiver, household_id, file_name, content, sha256, created_at, created_by, "
        "updated_at, updated_by, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        messages_rows,
    )
    connection.executemany(
        "INSERT INTO ijw_care_event (id, indication_id, message_id, kind, day, reason_code, "
        "provider_agb, created_at, created_by, updated_at, updated_by, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        events,
    )
    first = connection.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM change_log").fetchone()[0]
    connection.executemany(
        "INSERT INTO change_log (id, seq, table_name, record_id, version, operation, data, "
        "created_at, created_by) VALUES (?,?,?,?,1,'insert',?,?,'bench')",
        [(uuid.uuid4().hex, first + n, t, r, d, now) for n, (t, r, d) in enumerate(changes)],
    )
    first = connection.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log").fetchone()[0]
    connection.executemany(
        "INSERT INTO audit_log (id, seq, created_at, created_by, role, action, object_type, "
        "person_ids, purpose, outcome, chain_hash) VALUES (?,?,?,'bench','systeem','inlezen',"
        "'ijw_message',?,?,'ok',?)",
        [
            (aid, first + n, now, json.dumps([pid]), purpose, chain)
            for n, (aid, pid, purpose, chain) in enumerate(audit)
        ],
    )
    subjects = [(pid, first + n) for n, (_, pid, _, _) in enumerate(audit)]
    connection.executemany(
        "INSERT INTO audit_subject (person_id, entry_seq) VALUES (?,?)", subjects
    )
    connection.execute("COMMIT")
    elapsed = start.stop()
    written = connection.execute("SELECT COUNT(*) FROM ijw_care_event").fetchone()[0]
    connection.close()
    assert written == len(messages)
    return elapsed


def test_export_10000_allocations_and_import_10000_start_stop_messages(tmp_path: Path) -> None:
    url = os.environ.get("JEUGDTOEGANG_TEST_PG") or f"sqlite:///{tmp_path / 'bench.sqlite'}"
    database = open_database(url)
    try:
        initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
        ctx = AppContext(database, SYSTEM, today=lambda: DAY)
        records = _fill(ctx)

        start = _Stopwatch()
        result = run_to_end(export_day(ctx, DAY, tmp_path / "uit"))
        export_s = start.stop()
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
        bare_db = tmp_path / "kaal.sqlite"
        if database.dialect == "sqlite":
            database.close()
            shutil.copyfile(tmp_path / "bench.sqlite", bare_db)
            database = open_database(url)
            ctx = AppContext(database, SYSTEM, today=lambda: DAY)
        start = _Stopwatch()
        batch = run_to_end(
            import_batch(ctx, [(f"m{n}.xml", m) for n, m in enumerate(messages)], DAY)
        )
        import_s = start.stop()
        assert not batch.refused and len(batch.results) == len(messages)
        bare_import_s = _bare_parse(messages)
        bare_write_s = _bare_parse_and_write(messages, bare_db) if bare_db.exists() else None

        print()
        dialect = database.dialect
        lines = [
            (f"ijw export {ALLOCATIONS:,} JW301 ({dialect})", export_s, bare_export_s, "-"),
            (f"ijw import {ALLOCATIONS:,} JW305/JW307 ({dialect}) vs parse", import_s,
             bare_import_s, "-"),
        ]  # fmt: skip
        if bare_write_s is not None:
            lines.append(
                (f"ijw import {ALLOCATIONS:,} vs parse+write", import_s, bare_write_s, "<= ~5x")
            )
        for name, ours, bare, target in lines:
            report(name, ours[0], bare[0], "s", target)
            if dialect == "sqlite":  # CPU time: the measure that load on the machine spares
                report("  same, CPU time", ours[1], bare[1], "s", target)
    finally:
        database.close()
