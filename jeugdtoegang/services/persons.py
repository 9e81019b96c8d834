"""Use cases on single persons in a dossier."""

from __future__ import annotations

import uuid

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.households import Person


@guarded(Permission.DOSSIER_READ, object_type="person", target="person")
def reveal_bsn(ctx: AppContext, person_id: uuid.UUID, purpose: str) -> str | None:
    """The full BSN of a person (lists only show it masked); every reveal is logged."""
    with ctx.uow() as uow:
        person = uow.get(Person, person_id)
        if person is None:
            raise NotFoundError("Deze persoon bestaat niet (meer).")
        bsn = person.bsn
        uow.log_access("bsn_tonen", "person", person.id, [person.id], purpose)
        uow.commit()
    return bsn
