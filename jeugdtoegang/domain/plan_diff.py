"""A readable comparison of two plan versions: what was added, removed or changed.

Goals, actions and network members are matched by id, so a reworded goal shows as
"gewijzigd" rather than as one removed and one added goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.plans import Action, Goal, PlanDocument


class ChangeKind(StrEnum):
    ADDED = "toegevoegd"
    REMOVED = "verwijderd"
    CHANGED = "gewijzigd"


@dataclass(frozen=True)
class PlanChange:
    """One difference; ``area`` groups it (Doelen, Afspraken, Netwerk, ...)."""

    kind: ChangeKind
    area: str
    label: str
    before: str = ""
    after: str = ""

    def text(self) -> str:
        if self.kind is ChangeKind.ADDED:
            return f"{self.area}: {self.label} toegevoegd: {self.after}"
        if self.kind is ChangeKind.REMOVED:
            return f"{self.area}: {self.label} verwijderd: {self.before}"
        return f"{self.area}: {self.label} gewijzigd: '{self.before}' → '{self.after}'"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _goal_fields(goal: Goal) -> dict[str, str]:
    return {
        "omschrijving": goal.description,
        "leefgebied": goal.domain,
        "perspectief": goal.perspective.label,
        "streefdatum": short_date(goal.target_date),
        "evaluatiedatum": short_date(goal.evaluation_date),
        "status": goal.status.label,
        "evaluatie": goal.evaluation_notes,
        "voor wie": ", ".join(goal.member_ids),
    }


def _action_text(action: Action) -> str:
    return f"{action.owner_text} – {action.description}".strip(" –")


def _compare_fields(
    area: str, label: str, before: dict[str, str], after: dict[str, str]
) -> list[PlanChange]:
    return [
        PlanChange(ChangeKind.CHANGED, area, f"{label}, {name}", before[name], after[name])
        for name in before
        if before[name] != after[name]
    ]


def _goal_changes(old: PlanDocument, new: PlanDocument) -> list[PlanChange]:
    changes: list[PlanChange] = []
    old_goals = {g.id: g for g in old.goals}
    new_goals = {g.id: g for g in new.goals}
    for goal in old.goals:
        if goal.id not in new_goals:
            changes.append(
                PlanChange(ChangeKind.REMOVED, "Doelen", "doel", before=_short(goal.description))
            )
    for goal in new.goals:
        label = f"doel '{_short(goal.description, 40)}'"
        previous = old_goals.get(goal.id)
        if previous is None:
            changes.append(
                PlanChange(ChangeKind.ADDED, "Doelen", "doel", after=_short(goal.description))
            )
            for action in goal.actions:
                changes.append(
                    PlanChange(ChangeKind.ADDED, "Afspraken", label, after=_action_text(action))
                )
            continue
        changes += _compare_fields("Doelen", label, _goal_fields(previous), _goal_fields(goal))
        old_actions = {a.id: a for a in previous.actions}
        new_actions = {a.id: a for a in goal.actions}
        for action in previous.actions:
            if action.id not in new_actions:
                changes.append(
                    PlanChange(ChangeKind.REMOVED, "Afspraken", label, before=_action_text(action))
                )
        for action in goal.actions:
            before = old_actions.get(action.id)
            if before is None:
                changes.append(
                    PlanChange(ChangeKind.ADDED, "Afspraken", label, after=_action_text(action))
                )
            elif _action_text(before) != _action_text(action):
                changes.append(
                    PlanChange(
                        ChangeKind.CHANGED,
                        "Afspraken",
                        label,
                        _action_text(before),
                        _action_text(action),
                    )
                )
    return changes


def _text_changes(old: PlanDocument, new: PlanDocument) -> list[PlanChange]:
    changes: list[PlanChange] = []
    old_domains = {d.domain: d for d in old.domains}
    for situation in new.domains:
        before = old_domains.get(situation.domain)
        for name, attr in (("krachten", "krachten"), ("zorgen", "zorgen")):
            old_text = getattr(before, attr) if before else ""
            new_text = getattr(situation, attr)
            if old_text != new_text:
                changes.append(
                    PlanChange(
                        ChangeKind.CHANGED,
                        "Leefgebieden",
                        f"{situation.domain}, {name}",
                        _short(old_text),
                        _short(new_text),
                    )
                )
    if old.regiehouder != new.regiehouder:
        changes.append(
            PlanChange(
                ChangeKind.CHANGED,
                "Regie",
                "regiehouder",
                old.regiehouder.name or old.regiehouder.kind.value,
                new.regiehouder.name or new.regiehouder.kind.value,
            )
        )
    if old.start_date != new.start_date:
        changes.append(
            PlanChange(
                ChangeKind.CHANGED,
                "Regie",
                "startdatum",
                short_date(old.start_date),
                short_date(new.start_date),
            )
        )
    return changes


def _network_changes(old: PlanDocument, new: PlanDocument) -> list[PlanChange]:
    changes: list[PlanChange] = []
    old_members = {m.id: m for m in old.network.members}
    new_members = {m.id: m for m in new.network.members}
    for member in old.network.members:
        if member.id not in new_members:
            changes.append(
                PlanChange(
                    ChangeKind.REMOVED,
                    "Netwerk",
                    "netwerklid",
                    before=f"{member.name} ({member.role})",
                )
            )
    for member in new.network.members:
        before = old_members.get(member.id)
        text = f"{member.name} ({member.role})"
        if before is None:
            changes.append(PlanChange(ChangeKind.ADDED, "Netwerk", "netwerklid", after=text))
        elif (before.name, before.role) != (member.name, member.role):
            changes.append(
                PlanChange(
                    ChangeKind.CHANGED,
                    "Netwerk",
                    "netwerklid",
                    f"{before.name} ({before.role})",
                    text,
                )
            )
    if old.network.no_network_reason != new.network.no_network_reason:
        changes.append(
            PlanChange(
                ChangeKind.CHANGED,
                "Netwerk",
                "reden geen netwerk",
                _short(old.network.no_network_reason),
                _short(new.network.no_network_reason),
            )
        )
    if old.network.strengthening != new.network.strengthening:
        changes.append(
            PlanChange(
                ChangeKind.CHANGED,
                "Netwerk",
                "netwerkversterking",
                old.network.strengthening.kind.label if old.network.strengthening else "",
                new.network.strengthening.kind.label if new.network.strengthening else "",
            )
        )
    return changes


def _other_changes(old: PlanDocument, new: PlanDocument) -> list[PlanChange]:
    changes: list[PlanChange] = []
    old_18 = {p.person_id: p for p in old.perspectives_18}
    for perspective in new.perspectives_18:
        before = old_18.get(perspective.person_id)
        if before is None or before.is_empty:
            if not perspective.is_empty:
                changes.append(
                    PlanChange(
                        ChangeKind.ADDED,
                        "18+",
                        "perspectief na 18",
                        after=_short(perspective.wonen),
                    )
                )
            continue
        for name in ("wonen", "onderwijs_werk", "inkomen", "zorg_na_18", "arranged_by"):
            if getattr(before, name) != getattr(perspective, name):
                changes.append(
                    PlanChange(
                        ChangeKind.CHANGED,
                        "18+",
                        name.replace("_", "/")
                        if name == "onderwijs_werk"
                        else name.replace("_", " "),
                        _short(getattr(before, name)),
                        _short(getattr(perspective, name)),
                    )
                )
    if old.agreement != new.agreement:
        changes.append(
            PlanChange(
                ChangeKind.CHANGED,
                "Akkoord",
                "akkoord ouders",
                short_date(old.agreement.parents_agreed_on) or _short(old.agreement.parents_view),
                short_date(new.agreement.parents_agreed_on) or _short(new.agreement.parents_view),
            )
        )
    if old.familiegroepsplan != new.familiegroepsplan:
        changes.append(
            PlanChange(
                ChangeKind.CHANGED,
                "Familiegroepsplan",
                "familiegroepsplan",
                "ja" if old.familiegroepsplan.present else "nee",
                "ja" if new.familiegroepsplan.present else "nee",
            )
        )
    return changes


def diff_documents(old: PlanDocument, new: PlanDocument) -> list[PlanChange]:
    """Every readable difference from ``old`` to ``new``, grouped by area."""
    return (
        _text_changes(old, new)
        + _goal_changes(old, new)
        + _network_changes(old, new)
        + _other_changes(old, new)
    )
