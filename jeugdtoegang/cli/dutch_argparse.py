"""argparse with Dutch error messages and exit code 1 (an input error, never 2)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"the following arguments are required: (.+)"), "Deze gegevens ontbreken: {0}."),
    (
        re.compile(r"argument (.+?): invalid choice: '?(.*?)'? \(choose from (.+)\)"),
        "Ongeldige keuze '{1}' bij {0}; kies uit {2}.",
    ),
    (
        re.compile(r"argument (.+?): invalid \S+ value: '?(.*?)'?$"),
        "Ongeldige waarde '{1}' bij {0}.",
    ),
    (re.compile(r"argument (.+?): expected one argument"), "Bij {0} hoort een waarde."),
    (re.compile(r"argument (.+?): expected at least one argument"), "Bij {0} hoort een waarde."),
    (
        re.compile(r"argument (.+?): not allowed with argument (.+)"),
        "{0} en {1} gaan niet samen.",
    ),
    (re.compile(r"unrecognized arguments: (.+)"), "Onbekende argumenten: {0}."),
    (re.compile(r"ambiguous option: (.+?) could match (.+)"), "Optie {0} is niet eenduidig: {1}."),
    (re.compile(r"argument (.+?): (.+)"), "Fout bij {0}: {1}"),
]


def dutch_message(message: str) -> str:
    """The Dutch version of one of argparse's error messages (unknown ones unchanged)."""
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(message.strip())
        if match:
            return template.format(*match.groups())
    return message


class DutchArgumentParser(argparse.ArgumentParser):
    """Prints argument errors in Dutch with a hint, and exits with 1."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {dutch_message(message)}\n")
        sys.stderr.write(f"Zie '{self.prog} --help' voor de mogelijkheden.\n")
        sys.exit(1)

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "gebruik:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "gebruik:", 1)
        text = text.replace("\noptions:\n", "\nopties:\n")
        text = text.replace("\npositional arguments:\n", "\nargumenten:\n")
        return text.replace("show this help message and exit", "toon deze hulp en stop")
