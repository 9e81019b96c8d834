"""Fictional texts for demo plans, written as families say them (their own words)."""

from __future__ import annotations

from typing import NamedTuple

# Texts are picked per jeugdige: a text that names an age-bound problem (school, spijbelen,
# zindelijkheid, ...; resources/demo/leeftijden.toml) is only used when it fits the age.
# {kind} is the jeugdige the plan is about, {ouder} "moeder" or "vader", {netwerk} a helper.

# life domain (default names, matched case-insensitively on the first word) -> (krachten, zorgen)
SITUATIONS: dict[str, list[tuple[str, str]]] = {
    "opvoeden": [
        (
            "We zijn een hecht gezin. Als het goed gaat, lachen we veel samen.",
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
        (
            "{kind} is een vrolijk kind en speelt graag buiten.",
            "{kind} heeft elke dag driftbuien. Dan gooit {kind} met spullen en wij weten niet wat te doen.",
        ),
        (
            "We hebben een vast ritme met eten en naar bed gaan.",
            "{kind} is nog niet zindelijk en wil niet op de wc. Dat geeft elke dag strijd.",
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
        (
            "{kind} gaat met plezier naar de peuteropvang.",
            "{kind} praat nog weinig. Het consultatiebureau wil dat we dat goed volgen.",
        ),
        (
            "{kind} heeft een bijbaan bij de supermarkt en is daar trots op.",
            "{kind} weet niet welke mbo-opleiding past en dreigt uit te vallen.",
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
        (
            "{kind} eet goed en groeit goed, zegt het consultatiebureau.",
            "{kind} wordt 's nachts vaak huilend wakker. We zijn allebei moe.",
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
            "{netwerk} woont om de hoek en springt vaak bij.",
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

#: the kinds of help a goal may need, as words in the names of the region's products
#: (first match wins); () = no jeugdhulp with a beschikking for this goal
HELP_FAMILY = (
    "gezinsbegeleiding",
    "gezinsbehandeling",
    "activerend",
    "integrale",
    "ambulante jeugdhulp",
)
HELP_CHILD = ("individueel", "activerend", "integrale", "ambulante jeugdhulp")
HELP_GGZ = ("ggz", "individueel", "activerend", "integrale", "ambulante jeugdhulp")
HELP_STABLE = ("stabiliserend", "individueel", "integrale", "ambulante jeugdhulp")
HELP_SCHOOL = ("op school", "individueel", "activerend", "integrale", "ambulante jeugdhulp")
HELP_YOUNG = (
    "ouder en kind",
    "gezinsbegeleiding",
    "activerend",
    "integrale",
    "ambulante jeugdhulp",
)
HELP_18 = ("18-/18+", "stabiliserend", "individueel", "integrale", "ambulante jeugdhulp")
HELP_RESPITE = ("logeer", "logeren")
HELP_DYSLEXIA = ("dyslexie",)


class GoalText(NamedTuple):
    domain: str  # life domain key
    text: str
    perspective: str
    actions: list[tuple[str, str, str]]  # (owner kind, owner name, what)
    help: tuple[str, ...]  # product-name words of the jeugdhulp it may need
    about: str = "kind"  # "kind": the jeugdige is the goal's member; "ouder": a parent


GOALS: list[GoalText] = [
    GoalText(
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
        HELP_FAMILY,
    ),
    GoalText(
        "opvoeden",
        "{kind} heeft minder driftbuien en wij weten wat we dan doen.",
        "ontwikkeling",
        [
            (
                "ouders",
                "",
                "We blijven rustig, benoemen wat {kind} voelt en wachten tot het over is.",
            ),
            ("jeugdhulp", "", "Video-hometraining: samen terugkijken wat goed gaat."),
        ],
        HELP_YOUNG,
    ),
    GoalText(
        "opvoeden",
        "{kind} is overdag zindelijk.",
        "ontwikkeling",
        [
            ("ouders", "", "Elke twee uur samen naar de wc, met een sticker als het lukt."),
            ("voorliggend veld", "consultatiebureau", "Advies van de jeugdverpleegkundige."),
        ],
        (),
    ),
    GoalText(
        "onderwijs",
        "{kind} gaat weer elke dag naar school.",
        "ontwikkeling",
        [
            ("school", "mentor", "De mentor belt op maandag even met {ouder} hoe de week gaat."),
            ("jeugdige", "{kind}", "{kind} zet 's avonds een wekker en legt de tas klaar."),
            ("netwerk", "{netwerk}", "Brengt {kind} op dinsdag en donderdag naar school."),
        ],
        HELP_SCHOOL,
    ),
    GoalText(
        "onderwijs",
        "{kind} leest beter en durft weer hardop te lezen in de klas.",
        "ontwikkeling",
        [
            ("school", "intern begeleider", "Elke dag een kwartier extra lezen met de juf."),
            ("ouders", "", "We lezen thuis elke avond tien minuten samen."),
        ],
        HELP_DYSLEXIA,
    ),
    GoalText(
        "onderwijs",
        "{kind} speelt op de peuteropvang met andere kinderen en zegt wat {kind} wil.",
        "ontwikkeling",
        [
            (
                "voorliggend veld",
                "peuteropvang",
                "Vier ochtenden peuteropvang met extra taalaanbod.",
            ),
            ("ouders", "", "We praten veel met {kind} en benoemen wat we doen."),
        ],
        HELP_YOUNG,
    ),
    GoalText(
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
        HELP_FAMILY,
    ),
    GoalText(
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
        (),
    ),
    GoalText(
        "gezondheid",
        "{kind} slaapt 's nachts door en wij zijn overdag uitgerust.",
        "ontwikkeling",
        [
            ("ouders", "", "Elke avond hetzelfde slaapritueel: badje, liedje, licht uit."),
            ("voorliggend veld", "consultatiebureau", "Slaapadvies van de jeugdverpleegkundige."),
        ],
        (),
    ),
    GoalText(
        "sociaal",
        "{Ouder} heeft iemand om op terug te vallen als het even niet gaat.",
        "ontwikkeling",
        [
            ("netwerk", "{netwerk}", "Past op woensdagmiddag op de kinderen."),
            ("ouders", "", "{Ouder} gaat naar de inloop in het buurthuis."),
        ],
        (),
        "ouder",
    ),
    GoalText(
        "financi",
        "We hebben overzicht over onze geldzaken en er komen geen nieuwe schulden bij.",
        "stabilisatie",
        [
            ("voorliggend veld", "Schuldhulpmaatje", "Samen elke twee weken de post doornemen."),
            ("ouders", "", "We maken een weekbudget voor boodschappen."),
        ],
        (),
        "ouder",
    ),
    GoalText(
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
        HELP_STABLE,
    ),
    GoalText(
        "gezondheid",
        "{kind} is minder angstig en durft weer alleen naar de training.",
        "ontwikkeling",
        [
            ("jeugdhulp", "", "Cognitieve gedragstherapie bij angst (12 gesprekken)."),
            ("ouders", "", "We prijzen elke stap die {kind} zelf zet."),
        ],
        HELP_GGZ,
    ),
    GoalText(
        "opvoeden",
        "{Ouder} heeft elke maand een weekend rust; {kind} logeert dan met plezier.",
        "stabilisatie",
        [
            ("jeugdhulp", "", "Eén weekend per maand logeren bij een logeerhuis."),
            ("netwerk", "{netwerk}", "Haalt {kind} op zondag op."),
        ],
        HELP_RESPITE,
    ),
    GoalText(
        "werk",
        "{kind} weet wat er na de 18e verjaardag geregeld moet zijn: wonen, geld en school.",
        "stabilisatie",
        [
            ("jeugdige", "{kind}", "{kind} vraagt zelf de zorgtoeslag en studiefinanciering aan."),
            ("jeugdhulp", "", "Begeleiding bij de overgang naar 18+, samen met de Wmo."),
        ],
        HELP_18,
    ),
    GoalText(
        "veiligheid",
        "Iedereen in huis weet wat we doen als het thuis niet veilig voelt.",
        "ontwikkeling",
        [
            ("ouders", "", "We maken samen een veiligheidsplan en bespreken het met de kinderen."),
            ("netwerk", "{netwerk}", "Is bereikbaar als de kinderen even weg moeten."),
        ],
        HELP_FAMILY,
    ),
]

NETWORK_ROLES = (
    "past op als het nodig is",
    "brengt naar school en sport",
    "luisterend oor voor {ouder}",
    "gaat mee naar gesprekken",
    "helpt met huiswerk",
)

NO_NETWORK_REASONS = (
    "Het gezin woont sinds kort in de gemeente; familie woont in het buitenland.",
    "{Ouder} heeft weinig contact met de familie en kent nog weinig mensen in de buurt.",
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
    "arranged_by": "{kind} met {ouder}; de consulent helpt bij de Wmo-aanvraag.",
}

RETURN_COMMENTS = (
    "Het doel over school is nog niet concreet genoeg. Wat moet er over drie maanden anders zijn?",
    "Wie uit het netwerk doet mee? Graag met naam en rol.",
)

PARENT_VIEWS = ("{Ouder} wil eerst met haar zus overleggen voordat ze tekent.",)
