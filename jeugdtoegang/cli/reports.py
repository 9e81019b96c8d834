"""``report NAME`` and ``report list``: the dashboard's figures on the command line.

``jeugdtoegang report caseload --json`` / ``--csv``, filtered with ``--gemeente``,
``--segment``, ``--van`` and ``--tot``. ``report list`` names every report. An unknown name
or filter is a Dutch message and exit code 1.
"""

from __future__ import annotations

import argparse
import json

from jeugdtoegang.cli.common import add_json_flag, open_context
from jeugdtoegang.domain.dutch import number, parse_short_date
from jeugdtoegang.errors import FieldError, ValidationError
from jeugdtoegang.services import reports
from jeugdtoegang.services.reports import Report, ReportFilter


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "report",
        help="rapportages voor het team (caseload, wachtrij, tenzij, evaluaties, budget, …)",
    )
    parser.add_argument("name", metavar="NAAM", help="naam van de rapportage, of 'list'")
    parser.add_argument("--gemeente", help="alleen deze gemeente")
    parser.add_argument("--segment", help="alleen dit segment (bijv. ambulant)")
    parser.add_argument("--van", help="begin van de periode (JJJJ-MM-DD of DD-MM-JJJJ)")
    parser.add_argument("--tot", help="einde van de periode (JJJJ-MM-DD of DD-MM-JJJJ)")
    parser.add_argument("--csv", action="store_true", help="uitvoer als CSV (puntkomma)")
    add_json_flag(parser)
    parser.set_defaults(handler=_report)


def _day(text: str | None, field: str):  # type: ignore[no-untyped-def]
    if not text:
        return None
    day = parse_short_date(text)
    if day is None:
        raise ValidationError(
            FieldError(field, f"'{text}' is geen datum; schrijf bijvoorbeeld 2026-11-23.")
        )
    return day


def _text(report: Report) -> str:
    lines = [f"{report.title} ({report.filter_text})"]
    if report.is_empty:
        lines.append(report.empty_text)
    header = ", ".join(s.label for s in report.series)
    lines.append(f"  [{header}]")
    for index, category in enumerate(report.categories):
        values = "  ".join(number(s.values[index]) for s in report.series)
        lines.append(f"  {category}: {values}")
    if report.note:
        lines.append(report.note)
    return "\n".join(lines)


def _report(args: argparse.Namespace) -> int:
    if args.name == "list":
        names = [{"naam": s.key, "titel": s.title} for s in reports.REPORTS.values()]
        if args.json:
            print(json.dumps(names, ensure_ascii=False, indent=2))
        else:
            print("\n".join(f"{n['naam']:<15} {n['titel']}" for n in names))
        return 0
    flt = ReportFilter(
        gemeente=args.gemeente,
        segment=args.segment,
        start=_day(args.van, "van"),
        end=_day(args.tot, "tot"),
    )
    ctx = open_context(args)
    try:
        result = reports.run_report(ctx, args.name, flt)
    finally:
        ctx.database.close()
    if args.csv:
        print(result.to_csv(), end="")
    elif args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(_text(result))
    return 0
