"""Search among 100,000 persons at the service layer vs the same work in raw sqlite3.

The service scopes the result to the user's team and logs every person shown (NEN 7513)
by appending one line to its crash-safe read journal before the result is returned; the
baseline does the same queries (with the members' ids) and writes the same journal line
to a file, so the ratio shows the program's own overhead.

Run: python3 packaging/bootstrap.py bench -k search   (or pytest tests/benchmarks/bench_search.py -s)
Target: ≤ 2 ms p95 per search (surname prefix, name words, BSN).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path

import pytest

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import local_actor
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import initialise, open_database
from tests.benchmarks._report import percentile, report, time_calls

PERSONS_TARGET = 100_000


@pytest.fixture(scope="module")
def big_ctx(tmp_path_factory: pytest.TempPathFactory) -> AppContext:
    path: Path = tmp_path_factory.mktemp("bench") / "search.sqlite"
    database = open_database(str(path))
    initialise(database, "twente")
    ctx = AppContext(database, local_actor())
    made = 0
    while True:
        with sqlite3.connect(path) as raw:
            persons = raw.execute("SELECT count(*) FROM person").fetchone()[0]
        if persons >= PERSONS_TARGET:
            break
        generate_households(ctx, 5000, seed=made)
        made += 1
    return ctx


def test_search_among_100000_persons(big_ctx: AppContext) -> None:
    path = big_ctx.database.url.removeprefix("sqlite:///")
    raw = sqlite3.connect(path)
    rng = random.Random(1)
    surnames = [r[0] for r in raw.execute("SELECT DISTINCT surname FROM person")]
    people = raw.execute(
        "SELECT first_name, surname, bsn FROM person WHERE bsn IS NOT NULL"
    ).fetchall()
    print(f"\npersons in database: {raw.execute('SELECT count(*) FROM person').fetchone()[0]}")

    def raw_prefix(prefix: str) -> list[tuple[object, ...]]:
        folded = fold(prefix)
        ids = raw.execute(
            "SELECT DISTINCT household_id FROM person WHERE ((search_surname >= ? AND search_surname < ?)"
            " OR (search_first >= ? AND search_first < ?)) AND ended_on IS NULL LIMIT 50",
            (folded, folded + "\uffff", folded, folded + "\uffff"),
        ).fetchall()
        return raw.execute(
            f"SELECT h.id, h.name, h.team, p.id, p.first_name FROM household h JOIN person p ON p.household_id = h.id "
            f"WHERE h.id IN ({','.join('?' * len(ids))})",
            [i[0] for i in ids],
        ).fetchall()

    def raw_words(query: str) -> list[tuple[object, ...]]:
        """Both words, like the service: first name and surname of the same person."""
        first, last = fold(query.split()[0]), fold(query.split()[-1])
        ids = raw.execute(
            "SELECT DISTINCT household_id FROM person WHERE search_surname >= ? AND "
            "search_surname < ? AND search_first >= ? AND search_first < ? AND ended_on IS NULL "
            "LIMIT 50",
            (last, last + "\uffff", first, first + "\uffff"),
        ).fetchall()
        return raw.execute(
            f"SELECT h.id, h.name, h.team, p.id, p.first_name FROM household h JOIN person p ON p.household_id = h.id "
            f"WHERE h.id IN ({','.join('?' * len(ids))})",
            [i[0] for i in ids],
        ).fetchall()

    def raw_bsn(bsn: str) -> list[tuple[object, ...]]:
        return raw.execute(
            "SELECT h.id, h.name, h.team, p2.id, p2.first_name FROM person p JOIN household h ON h.id = p.household_id "
            "JOIN person p2 ON p2.household_id = h.id WHERE p.bsn = ?",
            (bsn,),
        ).fetchall()

    journal = os.open(
        str(Path(path).with_suffix(".journal")), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600
    )

    def logged(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        """The service's durable read entry: one journal line naming every person shown."""
        line = json.dumps(
            {"action": "zoeken", "persons": sorted(str(r[3]) for r in rows)},
            separators=(",", ":"),
        )
        os.write(journal, (line + "\n").encode())
        return rows

    cases = {
        "surname prefix (4 letters)": lambda: rng.choice(surnames)[:4],
        "name words (first + surname)": lambda: " ".join(rng.choice(people)[:2]),
        "BSN": lambda: rng.choice(people)[2],
    }
    for label, make_query in cases.items():
        queries = [make_query() for _ in range(300)]
        it = iter(queries * 2)
        ours = time_calls(lambda it=it: households.search_households(big_ctx, next(it)), 300)
        it2 = iter(queries * 2)
        if label == "BSN":
            base = time_calls(lambda it2=it2: logged(raw_bsn(next(it2))), 300)
        elif label.startswith("name words"):
            base = time_calls(lambda it2=it2: logged(raw_words(next(it2))), 300)
        else:
            base = time_calls(lambda it2=it2: logged(raw_prefix(next(it2).split()[-1])), 300)
        report(
            f"search p95, {label}", percentile(ours, 0.95), percentile(base, 0.95), "ms", "≤ 2 ms"
        )
    os.close(journal)
    raw.close()
