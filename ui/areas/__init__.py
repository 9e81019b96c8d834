"""The navigation areas of the main window, in order.

Each area module has ``create(ctx: AppContext, shell: Shell) -> QWidget``; the widget may
have a ``refresh()`` method that the main window calls when the area is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.domain.authz import Permission, can


@dataclass(frozen=True)
class AreaSpec:
    key: str
    label: str
    module: str
    #: the area is offered to a role holding any of these (empty: to everyone)
    permissions: tuple[Permission, ...] = ()

    def allowed(self, actor: Actor) -> bool:
        return not self.permissions or any(can(actor, p) for p in self.permissions)


P = Permission
AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("mywork", "Mijn werk", "ui.areas.mywork", (P.PLAN_SUBMIT,)),
    AreaSpec("dossiers", "Dossiers", "ui.areas.dossiers", (P.DOSSIER_READ,)),
    AreaSpec("review", "Te beoordelen", "ui.areas.review", (P.APPROVE, P.PLAN_SUBMIT)),
    AreaSpec("dashboard", "Teamoverzicht", "ui.areas.dashboard", (P.APPROVE, P.USERS_MANAGE)),
    AreaSpec("signals", "Signalen", "ui.areas.signals", (P.DOSSIER_READ,)),
    AreaSpec("providers", "Aanbieders", "ui.areas.providers"),
    AreaSpec("reports", "Rapportage", "ui.areas.reports", (P.LETTER_PRINT, P.EXPORT)),
    AreaSpec("sync", "Synchronisatie", "ui.areas.sync", (P.SYNC,)),
    AreaSpec(
        "admin", "Beheer", "ui.areas.admin", (P.USERS_MANAGE, P.AUDIT_READ, P.CATALOGUE_MANAGE)
    ),
)


def start_area(actor: Actor) -> str:
    """The area a role starts in: the beheerder in Beheer, the team lead at the queue."""
    if can(actor, Permission.PLAN_SUBMIT):
        preferred = ("mywork", "dossiers")
    elif can(actor, Permission.APPROVE):
        preferred = ("review", "dashboard")
    else:
        preferred = ("admin",)
    keys = {spec.key for spec in AREAS if spec.allowed(actor)}
    for key in preferred:
        if key in keys:
            return key
    return next(spec.key for spec in AREAS if spec.allowed(actor))
