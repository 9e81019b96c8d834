"""Fictional texts for demo plans, written as families say them (their own words)."""

from __future__ import annotations

# life domain (default names, matched case-insensitively on the first word) -> (krachten, zorgen)
SITUATIONS: dict[str, list[tuple[str, str]]] = {
    "opvoeden": [
        (
            "We zijn een hecht gezin. Als het goed gaat, lachen we veel samen. "
            "{kind} kan heel lief zijn voor het kleine broertje.",
            "Na school ontploft {kind} vaak. Dan schreeuwen we allebei en dat willen we niet meer.",
        ),
        (
            "We willen allebei het beste voor de kinderen en praten er veel over.",
            "We zijn het vaak niet eens over regels. Dan speelt {kind} ons tegen elkaar uit.",
        ),
        (
            "Ik weet goed wat mijn kinderen nodig hebben, ook al ben ik alleen.",
            "Ik ben op. Ik heb nooit eens een avond voor mezelf.",
        ),
    ],
    "onderwijs": [
        (
            "{kind} vindt de mentor aardig en gaat graag naar gym.",
            "{kind} spijbelt de laatste weken. School belt bijna elke week.",
        ),
        (
            "Met rekenen gaat het goed, daar is {kind} trots op.",
            "Lezen gaat moeilijk; {kind} schaamt zich in de klas.",
        ),
    ],
    "gezondheid": [
        (
            "{kind} sport twee keer per week bij de voetbalclub.",
            "{kind} slaapt slecht en is 's ochtends niet wakker te krijgen.",
        ),
        (
            "Ik heb mijn medicijnen nu goed geregeld met de huisarts.",
            "Ik heb sinds vorig jaar last van somberheid en dat merken de kinderen.",
        ),
    ],
    "veiligheid": [
        (
            "Thuis is het rustiger sinds we afspraken hebben gemaakt over ruzie.",
            "Als het escaleert, weten we niet wie we kunnen bellen.",
        ),
    ],
    "sociaal": [
        (
            "Oma woont om de hoek en springt vaak bij.",
            "Veel vrienden hebben we hier niet; we wonen hier pas een jaar.",
        ),
        (
            "{kind} heeft een goede vriend op de club.",
            "Wij schamen ons om hulp te vragen aan familie.",
        ),
    ],
    "wonen": [
        (
            "We hebben een fijne buurt met een speeltuin vlakbij.",
            "Het huis is te klein; de kinderen delen een kamer en hebben geen rust.",
        ),
    ],
    "financi": [
        (
            "We hebben alle post nu in één map en openen elke brief.",
            "We hebben schulden bij de zorgverzekeraar en slapen er slecht van.",
        ),
    ],
    "werk": [
        (
            "Ik werk drie dagen in de thuiszorg en dat gaat goed.",
            "Mijn contract loopt af en ik weet niet wat er dan gebeurt.",
        ),
    ],
}

# (domain key, goal text, perspective, actions: (owner kind, owner name, what))
GOALS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "opvoeden",
        "Er is minder ruzie thuis: we kunnen rustig praten als {kind} boos is.",
        "ontwikkeling",
        [
            (
                "ouders",
                "",
                "We oefenen elke dag met de time-out afspraak en houden bij hoe het gaat.",
            ),
            ("jeugdige", "{kind}", "{kind} gaat naar de eigen kamer als het te veel wordt."),
            ("jeugdhulp", "", "Gezinsbegeleiding komt 1 keer per week thuis."),
        ],
    ),
    (
        "onderwijs",
        "{kind} gaat weer elke dag naar school.",
        "ontwikkeling",
        [
            ("school", "mentor", "De mentor belt op maandag even met moeder hoe de week gaat."),
            ("jeugdige", "{kind}", "{kind} zet 's avonds een wekker en legt de tas klaar."),
            ("netwerk", "{netwerk}", "Brengt {kind} op dinsdag en donderdag naar school."),
        ],
    ),
    (
        "opvoeden",
        "Wij zijn het samen eens over de regels thuis.",
        "ontwikkeling",
        [
            (
                "ouders",
                "",
                "We schrijven de vijf belangrijkste regels op en hangen ze op de koelkast.",
            ),
            ("voorliggend veld", "CJG", "Oudercursus 'Positief opvoeden' bij het CJG (8 avonden)."),
        ],
    ),
    (
        "gezondheid",
        "{kind} slaapt beter en is uitgerust op school.",
        "stabilisatie",
        [
            ("ouders", "", "Vaste bedtijd, geen telefoon op de slaapkamer na 21.00 uur."),
            (
                "voorliggend veld",
                "jeugdverpleegkundige",
                "Slaapadvies bij de jeugdverpleegkundige.",
            ),
        ],
    ),
    (
        "sociaal",
        "Moeder heeft iemand om op terug te vallen als het even niet gaat.",
        "ontwikkeling",
        [
            ("netwerk", "{netwerk}", "Past op woensdagmiddag op de kinderen."),
            ("ouders", "", "Moeder gaat naar de inloop in het buurthuis."),
        ],
    ),
    (
        "financi",
        "We hebben overzicht over onze geldzaken en er komen geen nieuwe schulden bij.",
        "stabilisatie",
        [
            ("voorliggend veld", "Schuldhulpmaatje", "Samen elke twee weken de post doornemen."),
            ("ouders", "", "We maken een weekbudget voor boodschappen."),
        ],
    ),
    (
        "gezondheid",
        "{kind} leert omgaan met de diagnose autisme, thuis en op school.",
        "stabilisatie",
        [
            ("jeugdhulp", "", "Ambulante begeleiding gericht op structuur en dagplanning."),
            (
                "school",
                "intern begeleider",
                "Een rustige werkplek en een vaste dagplanning in de klas.",
            ),
            ("ouders", "", "Ouders volgen de psycho-educatie over autisme."),
        ],
    ),
    (
        "veiligheid",
        "Iedereen in huis weet wat we doen als het thuis niet veilig voelt.",
        "ontwikkeling",
        [
            ("ouders", "", "We maken samen een veiligheidsplan en bespreken het met de kinderen."),
            ("netwerk", "{netwerk}", "Is bereikbaar als de kinderen even weg moeten."),
        ],
    ),
]

NETWORK_ROLES = (
    "past op als het nodig is",
    "brengt naar school en sport",
    "luisterend oor voor moeder",
    "gaat mee naar gesprekken",
    "helpt met huiswerk",
)

NO_NETWORK_REASONS = (
    "Het gezin woont sinds kort in de gemeente; familie woont in het buitenland.",
    "Moeder heeft het contact met haar familie verbroken en kent nog weinig mensen in de buurt.",
)

EVALUATION_NOTES = {
    "behaald": "Het gaat veel beter. We hebben dit doel bereikt en gaan zo door.",
    "deels behaald": "Het gaat beter, maar nog niet elke week. We houden dit doel nog even vast.",
    "niet behaald": "Het is niet gelukt. We zoeken samen naar een andere aanpak.",
    "bijgesteld": "Het doel was te groot. We hebben het kleiner gemaakt.",
}

PERSPECTIVE_18 = {
    "wonen": "{kind} blijft voorlopig thuis wonen; we kijken samen naar begeleid wonen.",
    "onderwijs_werk": "{kind} maakt de mbo-opleiding af en zoekt een stage.",
    "inkomen": "Aanvraag zorgtoeslag en studiefinanciering; een bankrekening op eigen naam.",
    "zorg_na_18": "De begeleiding loopt door via de Wmo; de huisarts blijft betrokken.",
    "arranged_by": "{kind} met moeder; de consulent helpt bij de Wmo-aanvraag.",
}

RETURN_COMMENTS = (
    "Het doel over school is nog niet concreet genoeg. Wat moet er over drie maanden anders zijn?",
    "Wie uit het netwerk doet mee? Graag met naam en rol.",
)

PARENT_VIEWS = ("Moeder wil eerst met haar zus overleggen voordat ze tekent.",)
