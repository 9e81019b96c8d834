"""The context every use case runs in: which database, which user, which region."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from jeugdtoegang.regions import RegionProfile
    from jeugdtoegang.services.region_setup import SetupVersion


def _today() -> date:
    return date.today()


@dataclass
class AppContext:
    """Database + acting user + the region profile of the database."""

    database: Database
    actor: Actor
    #: injectable clock: tests pass a fixed date instead of freezing time
    today: Callable[[], date] = field(default=_today)

    @property
    def setup(self) -> SetupVersion:
        """The region setup in force today (stored in the database; see region_setup).

        Read once per day: a version that takes effect tomorrow applies from tomorrow, also
        in a GUI session left open overnight.
        """
        day = self.today()
        cached = self.__dict__.get("_setup")
        if cached is None or cached[0] != day:
            from jeugdtoegang.services.region_setup import setup_on

            cached = (day, setup_on(self.database, day))
            self.__dict__["_setup"] = cached
        return cached[1]

    @property
    def profile(self) -> RegionProfile:
        return self.setup.profile

    def profile_on(self, day: date) -> RegionProfile:
        """The region profile in force on ``day``."""
        from jeugdtoegang.services.region_setup import setup_on

        return setup_on(self.database, day).profile

    def forget_setup(self) -> None:
        """Read the setup again on next use (after a change)."""
        self.__dict__.pop("_setup", None)

    def uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self.database, self.actor, readonly=readonly)

    def with_actor(self, actor: Actor) -> AppContext:
        """The same database and clock for another user."""
        return AppContext(self.database, actor, self.today)
