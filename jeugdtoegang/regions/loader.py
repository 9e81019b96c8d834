"""Load region profiles from ``resources/regions/<slug>.toml``.

A functioneel beheerder edits these files by hand, so every failure is explained in Dutch
with the file, the field path and the reason, one line per problem, e.g.::

    Regioprofiel twente.toml: veld 'term_rules.development_max_months': waarde moet een
    geheel getal zijn (gekregen: 'negen')

Profiles from the default folder are cached; :func:`clear_cache` forgets them after an edit.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from jeugdtoegang.errors import FieldError
from jeugdtoegang.paths import resource_path
from jeugdtoegang.regions.schema import (
    RULE_ERROR,
    Loc,
    ProfileError,
    RegionProfile,
    describe_value,
)

SUFFIX = ".toml"
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# Which key names an item of a list in messages, e.g. "products[3] (product '45A01')".
_ITEM_KEYS = {
    "municipalities": ("name", "gemeente"),
    "segments": ("id", "segment"),
    "products": ("code", "product"),
    "strategic_partners": ("name", "partner"),
}

_TOML_REASONS = (
    ("Expected '=' after a key", "na een sleutel hoort een '='"),
    ("Invalid value", "ongeldige waarde (tekst tussen aanhalingstekens?)"),
    ("Cannot overwrite a value", "deze sleutel heeft al een waarde"),
    ("Cannot declare", "deze tabel is al eerder gedeclareerd"),
    ("Unclosed array", "een lijst is niet afgesloten met ']'"),
    ("Unterminated string", "een tekst is niet afgesloten met een aanhalingsteken"),
    ("Invalid statement", "ongeldige regel"),
    ("Illegal character", "ongeldig teken, bijv. een regeleinde binnen een tekst"),
)


def profiles_dir() -> Path:
    """The folder with the shipped region profiles."""
    return resource_path("regions")


def available_slugs(directory: Path | None = None) -> tuple[str, ...]:
    """Slugs of all profile files in the folder, sorted."""
    folder = profiles_dir() if directory is None else Path(directory)
    if not folder.is_dir():
        raise ProfileError(f"De map met regioprofielen bestaat niet: {folder}")
    return tuple(sorted(path.stem for path in folder.glob(f"*{SUFFIX}") if path.is_file()))


def load_profile(slug: str, directory: Path | None = None) -> RegionProfile:
    """The profile ``<slug>.toml``; raises :class:`ProfileError` if unknown or invalid."""
    if directory is None:
        return _load_default(slug)
    return _load(slug, Path(directory))


def load_all_profiles(directory: Path | None = None) -> dict[str, RegionProfile]:
    """All profiles in the folder by slug, sorted; every broken file is reported at once."""
    if directory is None:
        return dict(_load_all_default())
    return dict(_load_all(Path(directory)))


def clear_cache() -> None:
    """Forget cached default profiles, e.g. after the beheerder changed a file."""
    _load_default.cache_clear()
    _load_all_default.cache_clear()


@cache
def _load_default(slug: str) -> RegionProfile:
    return _load(slug, profiles_dir())


@cache
def _load_all_default() -> tuple[tuple[str, RegionProfile], ...]:
    return _load_all(profiles_dir(), load=_load_default)


def _load(slug: str, directory: Path) -> RegionProfile:
    path = directory / f"{slug}{SUFFIX}"
    if not _SLUG.fullmatch(slug) or not path.is_file():
        available = ", ".join(available_slugs(directory)) or "(geen)"
        raise ProfileError(f"Onbekende regio '{slug}'. Beschikbaar: {available}")
    return read_profile_file(path)


def _load_all(
    directory: Path, load: Callable[[str], RegionProfile] | None = None
) -> tuple[tuple[str, RegionProfile], ...]:
    loaded: list[tuple[str, RegionProfile]] = []
    failures: list[ProfileError] = []
    for slug in available_slugs(directory):
        try:
            loaded.append((slug, load(slug) if load else _load(slug, directory)))
        except ProfileError as exc:
            failures.append(exc)
    if failures:
        raise ProfileError(
            "\n".join(exc.message for exc in failures),
            file=failures[0].file,
            problems=[problem for exc in failures for problem in exc.problems],
        )
    return tuple(loaded)


def read_profile_file(path: Path) -> RegionProfile:
    """Read and validate one TOML file; its stem is the profile's slug."""
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ProfileError(
            f"Regioprofiel {name}: het bestand kan niet worden gelezen ({exc.strerror or exc})",
            file=name,
        ) from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"Regioprofiel {name}: het bestand is geen UTF-8-tekst", file=name
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(_syntax_message(name, exc), file=name) from exc
    return profile_from_mapping(data, name, slug=path.stem)


def profile_from_mapping(data: Mapping[str, Any], name: str, *, slug: str) -> RegionProfile:
    """Validate parsed TOML data; ``name`` is the file name used in messages."""
    values = dict(data)
    declared = values.setdefault("slug", slug)
    if declared != slug:
        reason = (
            f"moet gelijk zijn aan de bestandsnaam ('{slug}') (gekregen: "
            f"{describe_value(declared)})"
        )
        raise ProfileError(
            _line(name, ("slug",), reason, values), file=name, problems=[FieldError("slug", reason)]
        )
    try:
        return RegionProfile.model_validate(values)
    except ValidationError as exc:
        problems = list(_problems(exc))
        lines = [_line(name, loc, reason, values) for loc, reason in problems]
        raise ProfileError(
            "\n".join(lines),
            file=name,
            problems=[FieldError(_path(loc), reason) for loc, reason in problems],
        ) from None


def _syntax_message(name: str, exc: tomllib.TOMLDecodeError) -> str:
    detail = str(exc)
    where = re.search(r"\(at line (\d+), column (\d+)\)", detail)
    detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", detail)
    reason = next(
        (dutch for english, dutch in _TOML_REASONS if detail.startswith(english)),
        f"ongeldige TOML ({detail})",
    )
    place = f"op regel {where.group(1)}, kolom {where.group(2)}" if where else "aan het einde"
    return f"Regioprofiel {name}: TOML-syntaxfout {place}: {reason}"


def _problems(exc: ValidationError) -> Iterator[tuple[Loc, str]]:
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == RULE_ERROR:
            for relative, reason in error.get("ctx", {}).get("problems", ()):
                yield loc + tuple(relative), reason
        else:
            yield loc, _reason(error)


def _reason(error: ErrorDetails) -> str:
    """A Dutch reason for one of pydantic's own errors."""
    kind, ctx = error["type"], error.get("ctx", {})
    got = f" (gekregen: {describe_value(error['input'])})"
    fixed = {
        "missing": "verplicht veld ontbreekt",
        "extra_forbidden": "onbekend veld; controleer de spelling",
        "too_short": "de lijst mag niet leeg zijn",
        "string_too_short": "de tekst mag niet leeg zijn",
    }
    if kind in fixed:
        return fixed[kind]
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "waarde moet een geheel getal zijn" + got
    if kind in ("bool_type", "bool_parsing"):
        return "waarde moet true of false zijn" + got
    if kind == "string_type":
        return "waarde moet tekst tussen aanhalingstekens zijn" + got
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " of ")
        return f"waarde moet een van {expected} zijn" + got
    if kind in ("tuple_type", "list_type"):
        return 'waarde moet een lijst zijn, bijv. ["a", "b"]' + got
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "waarde moet een tabel zijn" + got
    bounds = {
        "greater_than_equal": ("minstens", "ge"),
        "less_than_equal": ("hoogstens", "le"),
        "greater_than": ("groter dan", "gt"),
        "less_than": ("kleiner dan", "lt"),
    }
    if kind in bounds:
        word, key = bounds[kind]
        return f"waarde moet {word} {ctx.get(key)} zijn" + got
    return f"ongeldige waarde ({error['msg']})" + got


def _path(loc: Loc) -> str:
    """``('products', 3, 'segment')`` -> ``products[3].segment``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _item_hint(loc: Loc, data: Mapping[str, Any]) -> str:
    """Name the list item the field belongs to, since counting [[tables]] is error-prone."""
    if len(loc) < 2 or not isinstance(loc[1], int) or loc[0] not in _ITEM_KEYS:
        return ""
    key, label = _ITEM_KEYS[str(loc[0])]
    items = data.get(str(loc[0]))
    if not isinstance(items, list) or not 0 <= loc[1] < len(items):
        return ""
    item = items[loc[1]]
    value = item.get(key) if isinstance(item, dict) else None
    return f" ({label} {describe_value(value)})" if isinstance(value, str) else ""


def _line(name: str, loc: Loc, reason: str, data: Mapping[str, Any]) -> str:
    if not loc:
        return f"Regioprofiel {name}: {reason}"
    return f"Regioprofiel {name}: veld '{_path(loc)}'{_item_hint(loc, data)}: {reason}"
