"""Demo accounts, all with the documented demo password ``demo``.

=============  ==========================  ======================  ==========
user name      name                        roles                   team
=============  ==========================  ======================  ==========
beheer         Bea Heerkens                beheerder               –
t.bakker       Tom Bakker                  teamleider              the demo team
c.jansen       Carla Jansen                consulent               the demo team
m.elamrani     Mohamed El Amrani           consulent               the demo team
=============  ==========================  ======================  ==========

The demo password is public, so these hashes use a lower scrypt cost (2**14) to keep
``init --demo`` quick; real accounts use :data:`jeugdtoegang.services.auth.SCRYPT_LOG2_N`.
"""

from __future__ import annotations

from typing import Any

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.services import auth
from jeugdtoegang.services.context import AppContext

DEMO_PASSWORD = "demo"
DEMO_LOG2_N = 14

DEMO_USERS: tuple[tuple[str, str, tuple[Role, ...], bool], ...] = (
    ("beheer", "Bea Heerkens", (Role.BEHEERDER,), False),
    ("t.bakker", "Tom Bakker", (Role.TEAMLEIDER,), True),
    ("c.jansen", "Carla Jansen", (Role.CONSULENT,), True),
    ("m.elamrani", "Mohamed El Amrani", (Role.CONSULENT,), True),
)
#: the demo team's consultants and team lead: dossiers, plans and the queue name people who exist
NAMED_CONSULTANTS = tuple((u, n) for u, n, roles, _team in DEMO_USERS if Role.CONSULENT in roles)
CONSULTANTS = tuple(u for u, _ in NAMED_CONSULTANTS)
NAMED_LEAD = next((u, n) for u, n, roles, _team in DEMO_USERS if Role.TEAMLEIDER in roles)
LEAD = NAMED_LEAD[0]


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    """Create the demo accounts (skipped when the database already has accounts)."""
    if auth.has_users(ctx.database):
        state["users"] = []
        return
    team = ctx.database.info().team_name or ctx.profile.team_name_default
    municipality = ctx.profile.municipality_names[0] if ctx.profile.municipality_names else None
    made = []
    for username, name, roles, in_team in DEMO_USERS:
        data = auth.UserInput(
            username,
            name,
            roles,
            team=team if in_team else None,
            municipality=municipality if in_team else None,
            password=DEMO_PASSWORD,
        )
        made.append(
            auth.add_user_unchecked(ctx, data, must_change=False, log2_n=DEMO_LOG2_N).username
        )
    state["users"] = made
