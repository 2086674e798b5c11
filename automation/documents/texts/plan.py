"""The text of the veiligheidsplan template (Dutch, written for this product from DOMAIN.md)."""

from __future__ import annotations

from automation.documents.writer import Writer


def write_plan(w: Writer) -> None:
    _title_page(w)
    w.page_break()
    w.toc()
    w.page_break()
    _introduction(w)
    _vision(w)
    _roles(w)
    _prevention(w)
    _monitoring(w)
    _incidents(w)
    _physical(w)
    _registration(w)
    _goals(w)
    _accountability(w)
    _timeline(w)
    _annexes(w)


def _title_page(w: Writer) -> None:
    w.title_page(
        kicker="{{ bestuur }}",
        title="Veiligheidsplan",
        subtitle="{{ school.naam }}",
        year="Schooljaar {{ schooljaar }}",
    )
    w.p()
    w.label_table(
        [
            (
                "School",
                "{{ school.naam }} (BRIN {{ school.brin }}{% if school.vestiging %}, vestiging "
                "{{ school.vestiging }}{% endif %})",
            ),
            ("Adres", "{{ school.adres }}, {{ school.plaats }}"),
            ("Directeur", "{{ school.directeur_naam }}"),
            ("Coördinator sociale veiligheid", "{{ school.coordinator_naam }}"),
            ("Stand van de gegevens", "{{ peildatum|datum }}"),
        ]
    )
    w.p()
    w.p("**Vaststelling**")
    w.label_table(
        [
            ("Vastgesteld door de directeur", "datum: ______________   handtekening: ______________________"),
            ("Instemming medezeggenschapsraad", "datum: ______________   handtekening: ______________________"),
            ("Gepubliceerd via Scholen op de kaart", "datum: ______________"),
        ]
    )


def _introduction(w: Writer) -> None:
    w.h1("1 Inleiding en wettelijk kader")
    w.h2("1.1 Waarom dit plan")
    w.p(
        "Leerlingen leren en ontwikkelen zich alleen goed als ze zich veilig voelen, en medewerkers en ouders "
        "ook. Dit veiligheidsplan beschrijft hoe {{ school.naam }} zorgt voor een sociaal en fysiek veilige "
        "school: wat we doen om onveiligheid te voorkomen, hoe we signaleren en meten, wat we doen als er "
        "toch iets gebeurt, en hoe we daarover verantwoording afleggen. Het plan hoort bij het beleid van "
        "{{ bestuur }} en geldt voor het schooljaar {{ schooljaar }}."
    )
    w.p(
        "Het plan is bedoeld voor het team, de medezeggenschapsraad, het bestuur en ouders die willen weten "
        "hoe de school met veiligheid omgaat. De protocollen en formulieren staan in de twaalf bijlagen."
    )
    w.h2("1.2 Wettelijk kader")
    w.p(
        "Sinds 1 augustus 2015 heeft elk schoolbestuur een zorgplicht voor de sociale veiligheid van "
        "leerlingen (artikel 4c van de Wet op het primair onderwijs, de ‘Wet veiligheid op school’). "
        "Die zorgplicht betekent voor de school:"
    )
    w.bullets(
        [
            "**Beleid.** De school voert een samenhangend veiligheidsbeleid, vastgelegd in dit plan en de bijlagen.",
            "**Monitoring.** De school meet minstens één keer per schooljaar hoe veilig leerlingen zich voelen, "
            "bij een representatief deel van de leerlingen en met een gestandaardiseerd, valide en betrouwbaar "
            "instrument. De monitor geeft zicht op de veiligheidsbeleving, op de aantasting van de veiligheid "
            "(gepest, bedreigd, geslagen of gediscrimineerd worden) en op het welbevinden.",
            "**Eén aanspreekpunt.** Eén persoon coördineert het beleid tegen pesten en is het aanspreekpunt "
            "voor leerlingen en ouders bij pesten. De schoolgids noemt deze persoon.",
            "**Verantwoording.** De school laat zien welk veiligheidsplan, pestprotocol en programma zij "
            "gebruikt, hoe zij monitort en wie de coördinator is, via Scholen op de kaart (Vensters).",
        ]
    )
    w.p("Daarnaast gelden onder meer:")
    w.bullets(
        [
            "**De Arbeidsomstandighedenwet**: de werkgever beschermt medewerkers tegen agressie en geweld, "
            "maakt een risico-inventarisatie en -evaluatie (RI&E), wijst een preventiemedewerker aan en "
            "regelt bedrijfshulpverlening. Een arbeidsongeval met de dood, een ziekenhuisopname (ook een "
            "dagopname) of blijvend letsel tot gevolg meldt de werkgever direct bij de Nederlandse "
            "Arbeidsinspectie (0800-5151); laat de plaats van het ongeval ongewijzigd.",
            "**De meld- en aangifteplicht bij zedendelicten** (artikel 4a WPO): elke medewerker die hoort dat "
            "iemand die op school werkt zich mogelijk schuldig maakt aan een zedendelict tegen een minderjarige "
            "leerling, zoals seksueel misbruik, meldt dat direct aan het bestuur. Die plicht heeft iedere "
            "medewerker zelf, niet alleen de directeur. Het bestuur overlegt direct met de vertrouwensinspecteur. "
            "Leidt dat overleg tot een redelijk vermoeden van een strafbaar feit, dan moet het bestuur direct "
            "aangifte doen bij de politie; het laat dat vooraf weten aan de ouders van de leerling en aan de "
            "betrokken medewerker.",
            "**De Wet verplichte meldcode huiselijk geweld en kindermishandeling**: de school werkt met de "
            "stappen van de meldcode en het afwegingskader (zie hoofdstuk 6).",
            "**De klachtenregeling** (artikel 14 WPO): het bestuur heeft een klachtenregeling en is "
            "aangesloten bij een klachtencommissie.",
            "**De Algemene verordening gegevensbescherming (AVG)**: gegevens over leerlingen en incidenten "
            "worden zo beperkt mogelijk vastgelegd en alleen gedeeld met wie ze nodig heeft.",
            "**De Wet medezeggenschap op scholen**: de medezeggenschapsraad heeft instemmingsrecht op het "
            "veiligheidsbeleid.",
        ]
    )
    w.h2("1.3 Hoe dit plan tot stand komt")
    w.p(
        "Dit plan wordt gemaakt uit de gegevens die de school aanlevert: het formulier Schoolgegevens en "
        "veiligheidsbeleid dat de directeur elk schooljaar invult, de registraties van incidenten, agressie "
        "en ongevallen, en de resultaten van de monitor. De cijfers zijn de stand op {{ peildatum|datum }}. "
        "Als er nieuwe gegevens binnenkomen, maakt het bestuurskantoor het plan opnieuw."
    )
    w.tag("if schoolformulier.uit_eerder_jaar")
    w.note(
        "Let op: voor {{ schooljaar }} is geen formulier Schoolgegevens ontvangen. De gegevens in dit plan komen "
        "uit het meest recente formulier, van {{ schoolformulier.datum|datum }} (schooljaar "
        "{{ schoolformulier.schooljaar }}). {% if periode.lopend %}Vraag de directeur het formulier voor "
        "{{ schooljaar }} in te vullen.{% elif periode.afgelopen %}Controleer of ze ook in {{ schooljaar }} "
        "golden.{% else %}De directeur vult het formulier voor {{ schooljaar }} in als dat schooljaar begonnen is "
        "(op {{ periode.begin|datum }}).{% endif %}"
    )
    w.tag("endif")
    w.tag("if schoolformulier.uit_later_jaar")
    w.note(
        "Let op: voor {{ schooljaar }} is geen formulier Schoolgegevens ontvangen. De gegevens in dit plan komen "
        "uit een formulier van een later schooljaar: van {{ schoolformulier.datum|datum }} (schooljaar "
        "{{ schoolformulier.schooljaar }}). Controleer of ze ook in {{ schooljaar }} golden."
    )
    w.tag("endif")
    w.tag("if not schoolformulier.ontvangen")
    w.note(
        "Let op: voor deze school is nog geen formulier Schoolgegevens en veiligheidsbeleid ontvangen; daarom "
        "ontbreken de meeste gegevens in dit plan."
    )
    w.tag("endif")


def _vision(w: Writer) -> None:
    w.h1("2 Visie op veiligheid")
    w.h2("2.1 De visie van de school")
    w.tag("if school.visie")
    w.note("{{ school.visie }}")
    w.tag("else")
    w.p("{{ school.visie }} De directeur beschrijft in een alinea hoe de school naar sociale veiligheid kijkt.")
    w.tag("endif")
    w.h2("2.2 Uitgangspunten")
    w.p("Voor alle scholen van {{ bestuur }} gelden deze uitgangspunten:")
    w.bullets(
        [
            "Veiligheid is van iedereen: leerlingen, ouders en medewerkers spreken elkaar aan op gedrag, "
            "niet op de persoon.",
            "Voorkomen gaat voor genezen: de school werkt doorlopend aan een positief klimaat in de groep en "
            "op het plein, met een vast programma.",
            "We nemen elke melding serieus, handelen volgens de protocollen en laten weten wat er met een "
            "melding is gebeurd.",
            "We meten en registreren, zodat we weten hoe het gaat en kunnen laten zien wat werkt.",
            "We gaan zorgvuldig om met gegevens: in registraties staan geen namen van leerlingen.",
        ]
    )


def _roles(w: Writer) -> None:
    w.h1("3 Organisatie en rollen")
    w.p("Deze mensen hebben een vaste rol in de veiligheid op {{ school.naam }}:")
    w.loop_table(
        ["Rol", "Naam", "Bereikbaar"],
        "r in rollen",
        ["{{ r.rol }}", "{{ r.naam }}", "{{ r.bereikbaar }}"],
        widths=(5.6, 5.2, 5.4),
        keep_together=True,
    )
    w.h2("3.1 Coördinator sociale veiligheid en aanspreekpunt pesten")
    w.p(
        "{{ school.coordinator_naam }} is de coördinator sociale veiligheid van de school en daarmee ook het "
        "aanspreekpunt voor leerlingen en ouders bij pesten (artikel 4c WPO). De schoolgids noemt de "
        "coördinator met naam en e-mailadres ({{ school.coordinator_email }}). De coördinator:"
    )
    w.bullets(
        [
            "coördineert het beleid tegen pesten en houdt het pestprotocol (bijlage 3) actueel;",
            "is het eerste aanspreekpunt voor leerlingen, ouders en collega's die zich zorgen maken over pesten;",
            "zorgt dat de monitor elk schooljaar wordt afgenomen en bespreekt de uitkomsten met team en directie;",
            "volgt de registraties van incidenten en signaleert patronen;",
            "houdt de kennis in het team op peil en is het contact voor het bestuur over sociale veiligheid.",
        ]
    )
    w.h2("3.2 Contactpersoon en vertrouwenspersoon")
    w.p(
        "De interne contactpersoon ({{ school.contactpersoon_naam }}) is een laagdrempelig aanspreekpunt voor "
        "leerlingen, ouders en medewerkers met een klacht of een zorg. Hij of zij luistert, wijst de weg en "
        "verwijst zo nodig door naar de externe vertrouwenspersoon ({{ school.vertrouwenspersoon_extern_naam }}). "
        "De externe vertrouwenspersoon staat buiten de school, begeleidt bij een klacht en helpt bij zaken als "
        "seksuele intimidatie, discriminatie, geweld en ernstig pesten."
    )
    w.h2("3.3 Preventiemedewerker en bedrijfshulpverlening")
    w.p(
        "De preventiemedewerker ({{ school.preventiemedewerker_naam }}) werkt mee aan de risico-inventarisatie "
        "en het plan van aanpak en adviseert over veilige arbeidsomstandigheden. De coördinator "
        "bedrijfshulpverlening ({{ school.bhv_coordinator_naam }}) zorgt dat er tijdens schooltijd altijd genoeg "
        "opgeleide BHV'ers aanwezig zijn, dat hun opleiding actueel is en dat er jaarlijks wordt geoefend. Op dit "
        'moment heeft de school {{ school.aantal_bhv|telling("BHV\'er", "BHV\'ers") }}.'
    )
    w.h2("3.4 Klachten")
    w.p(
        "Klachten bespreken we het liefst eerst met wie het aangaat. Komt iemand er zo niet uit, dan volgt de "
        "klachtenprocedure van het bestuur (bijlage 12). Het bestuur is aangesloten bij de klachtencommissie: "
        "{{ school.klachtencommissie }}{% if school.klachtencommissie_contact %} "
        "({{ school.klachtencommissie_contact }}){% endif %}."
    )


def _prevention(w: Writer) -> None:
    w.h1("4 Preventie")
    w.h2("4.1 Programma voor sociale veiligheid")
    w.p(
        "De school werkt met het programma **{{ school.programma_naam }}**. Het programma geeft leerkrachten "
        "een vaste aanpak en taal voor groepsvorming, omgaan met elkaar en het oplossen van conflicten. Het "
        "wordt in alle groepen gebruikt; nieuwe medewerkers worden erin geschoold."
    )
    w.p("In de praktijk betekent dat onder meer:")
    w.bullets(
        [
            "aan het begin van het schooljaar maakt elke groep samen afspraken over hoe we met elkaar omgaan;",
            "de lessen van het programma staan op het rooster, ook later in het jaar;",
            "leerkrachten bespreken de sfeer in hun groep in het team en met de intern begeleider;",
            "leerlingen weten bij wie ze terechtkunnen als er iets is.",
        ]
    )
    w.h2("4.2 Gedragscode en internetgebruik")
    w.p(
        "De gedragscode (bijlage 2) beschrijft wat we van leerlingen, ouders en medewerkers verwachten, "
        "bijvoorbeeld over respect, fysiek contact en contact via sociale media. De afspraken over "
        "internet, telefoons, beeldmateriaal en online pesten staan in bijlage 1."
    )
    w.h2("4.3 Toezicht")
    w.p(
        "In de pauzes is er toezicht op het plein volgens een rooster. Plekken waar leerlingen minder zicht "
        "hebben (toiletten, gangen, kleedkamers) hebben onze extra aandacht; de registraties laten zien waar "
        "incidenten vaker voorkomen, en het toezicht wordt daarop aangepast."
    )


def _monitoring(w: Writer) -> None:
    w.h1("5 Signaleren en monitoren")
    w.h2("5.1 Het monitorinstrument")
    w.p(
        "De school meet de sociale veiligheid met **{{ monitor.instrument }}**. Gemeten worden de groepen "
        "{{ monitor.groepen }}, {{ monitor.frequentie }}, meestal in de maand {{ monitor.maand }}."
        "{% if monitor.andere_maand %} De laatste meting was in {{ monitor.afname|maand }}.{% endif %} De school "
        "heeft {{ school.leerlingen_totaal|telling('leerling', 'leerlingen') }}, van wie "
        "{{ school.leerlingen_groep_5_8|getal }} in groep 5 tot en met 8."
    )
    w.p(
        "Naast de monitor signaleren leerkrachten dagelijks: in gesprekken, in de klas en op het plein. Zorgen "
        "over een leerling of een groep bespreken ze met de intern begeleider of de coördinator."
    )
    w.h2("5.2 De laatste resultaten")
    w.tag("if monitor.resultaten")
    w.p(
        "De resultaten van het schooljaar {{ schooljaar }}"
        "{% if monitor.meting_instrument %}, gemeten met {{ monitor.meting_instrument }}{% endif %}"
        "{% if monitor.afname %}, afgenomen op {{ monitor.afname|datum }}{% endif %}"
        "{% if monitor.respondenten %} onder {{ monitor.respondenten|telling('leerling', 'leerlingen') }}{% endif %}:"
    )
    w.loop_table(
        ["Wie", "Thema", "Respondenten", "Gemiddelde (schaal)", "% gunstige antwoorden"],
        "r in monitor.resultaten",
        [
            "{{ r.groep }}",
            "{{ r.thema }}",
            "{{ r.respondenten|getal }}",
            "{{ r.gemiddelde|getal(1) }} ({{ r.schaal }})",
            "{{ r.positief|procent }}",
        ],
        widths=(2.4, 5.2, 2.6, 3.4, 2.6),
    )
    w.p(
        "Bij elk thema is hoger beter. ‘% gunstige antwoorden’ is het deel van alle antwoorden op de vragen van "
        "het thema dat gunstig is, niet het deel van de leerlingen; bij aantasting van de veiligheid: niet gepest, "
        "bedreigd, geslagen of gediscrimineerd.",
        style="Klein",
    )
    w.tag("if grafieken.themas")
    w.figure("{{ grafieken.themas }}", "Percentage gunstige antwoorden per thema, schooljaar {{ schooljaar }}.")
    w.tag("endif")
    w.tag("else")
    w.note(
        "Voor het schooljaar {{ schooljaar }} zijn {% if not periode.afgelopen %}nog {% endif %}geen resultaten "
        "van de monitor onder leerlingen ontvangen."
    )
    w.tag("endif")
    w.h2("5.3 Voldoet de monitor aan de wettelijke eisen?")
    w.tag("if monitor.eisen")
    w.p(
        "Het bestuurskantoor toetst de monitor van de school aan de eisen van artikel 4c WPO. Oordeel: "
        "**{{ monitor.oordeel }}**."
    )
    w.loop_table(
        ["Eis", "Oordeel", "Toelichting"],
        "e in monitor.eisen",
        ["{{ e.titel }}", "{{ e.oordeel }}", "{{ e.reden }}"],
        widths=(5.0, 2.6, 8.6),
    )
    w.tag("else")
    w.p(
        "De wet vraagt een meting per schooljaar, bij een representatief deel van de leerlingen (in de "
        "praktijk alle leerlingen van groep 5 tot en met 8), met een gestandaardiseerd, valide en betrouwbaar "
        "instrument dat veiligheidsbeleving, aantasting van de veiligheid en welbevinden in beeld brengt."
    )
    w.note(
        "De toets van de monitor aan deze eisen is nog niet beschikbaar: die volgt zodra het bestuurskantoor "
        "de resultaten van {{ schooljaar }} heeft verwerkt."
    )
    w.tag("endif")


def _incidents(w: Writer) -> None:
    w.h1("6 Handelen bij incidenten")
    w.h2("6.1 Pesten")
    w.p(
        "Pesten is structureel en bewust iemand kwetsen of buitensluiten, waarbij de gepeste zich moeilijk kan "
        "verweren. De school treedt op volgens het pestprotocol (bijlage 3): het gesprek met de gepeste "
        "leerling, met wie pest, met de groep en met de ouders, en een afspraak om na korte tijd te kijken of "
        "het pesten is gestopt. De coördinator ({{ school.coordinator_naam }}) is daarbij het aanspreekpunt."
    )
    w.h2("6.2 Melden en registreren")
    w.p(
        "Elk incident, elke vorm van agressie of geweld tegen een medewerker en elk ongeval wordt geregistreerd "
        "met het bijbehorende formulier: incidenten met leerlingen met de Incidentenregistratie (bijlage 9), "
        "agressie en geweld tegen personeel met het Registratieformulier agressie en geweld (bijlage 7) en "
        "ongevallen met het Ongevallenmeldingsformulier (bijlage 8). Medewerkers vullen het Excel-formulier in "
        "en zetten het in de gedeelde map voor meldingen; ze krijgen een registratienummer terug. In een "
        "registratie staat nooit de naam van een leerling, hooguit een leerlingnummer of initialen."
    )
    w.h2("6.3 Meldplichten")
    w.bullets(
        [
            "**Nederlandse Arbeidsinspectie**: een ongeval of agressie waarbij een medewerker, stagiair of "
            "vrijwilliger overlijdt, in het ziekenhuis wordt opgenomen (ook een dagopname) of blijvend letsel "
            "oploopt, meldt de directeur namens de werkgever direct, telefoon 0800-5151. Laat de plaats van het "
            "ongeval ongewijzigd tot de inspectie zegt dat dat niet meer nodig is. Is blijvend letsel nog "
            "onbekend, dan volgt het bestuurskantoor dat op en wordt het alsnog gemeld als het later blijkt.",
            "**Bestuur, vertrouwensinspecteur en politie** (artikel 4a WPO): hoort een medewerker dat iemand die op "
            "school werkt zich mogelijk schuldig maakt aan een zedendelict tegen een leerling, zoals seksueel "
            "misbruik, dan meldt hij of zij dat direct zelf aan het bestuur. Die plicht geldt voor elke "
            "medewerker, niet alleen voor de directeur. Het bestuur overlegt direct met de vertrouwensinspecteur "
            "(telefoon 0900\u00a0-\u00a0111\u00a03\u00a0111) en doet aangifte bij de politie als uit dat overleg "
            "een redelijk vermoeden van een strafbaar feit volgt.",
            "**Politie**: bij strafbare feiten zoals wapenbezit, ernstig geweld of bedreiging doet de school "
            "aangifte of ondersteunt zij de medewerker daarbij.",
            "**Inspectie van het Onderwijs**: een schorsing van meer dan één dag, ook als time-out of interne "
            "schorsing, meldt het bestuur bij de inspectie; een verwijdering meldt het bestuur bij de inspectie "
            "en de leerplichtambtenaar (zie bijlage 11).",
        ]
    )
    w.h2("6.4 Meldcode huiselijk geweld en kindermishandeling")
    w.p(
        "Bij signalen van huiselijk geweld of kindermishandeling volgt de school de meldcode. De intern "
        "begeleider of een andere aandachtsfunctionaris begeleidt de stappen:"
    )
    w.numbered(
        [
            "signalen in kaart brengen en vastleggen;",
            "collegiaal overleggen en zo nodig Veilig Thuis (0800\u00a0-\u00a02000) om advies vragen;",
            "een gesprek voeren met de ouders en, waar het kan, met de leerling;",
            "het geweld of de kindermishandeling wegen, met het afwegingskader;",
            "beslissen: melden bij Veilig Thuis en/of hulp organiseren en de effecten volgen.",
        ]
    )
    w.h2("6.5 Opvang en nazorg")
    w.p(
        "Na een ernstig incident krijgt iedereen die erbij betrokken was aandacht. Voor medewerkers staat de "
        "aanpak in bijlage 4 (met een opvanggesprek binnen 72 uur), voor leerlingen in bijlage 5, en bij "
        "overlijden in het protocol rouwverwerking (bijlage 6)."
    )
    w.h2("6.6 Schorsing en verwijdering")
    w.p(
        "Als het gedrag van een leerling de veiligheid van anderen ernstig in gevaar brengt, kan de school de "
        "leerling schorsen; in het uiterste geval volgt verwijdering. Ook een time-out of een interne schorsing "
        "is een schorsing: een schriftelijk besluit met de redenen, waartegen de ouders bezwaar kunnen maken, "
        "en een melding bij de inspectie als het langer dan één dag duurt. De regels en termijnen staan in "
        "bijlage 11."
    )


def _physical(w: Writer) -> None:
    w.h1("7 Fysieke veiligheid")
    w.h2("7.1 Risico-inventarisatie en -evaluatie")
    w.p(
        "De laatste risico-inventarisatie en -evaluatie (RI&E) is van {{ school.rie_datum|datum }}. Het plan "
        "van aanpak dat daaruit volgt, bespreken directie en preventiemedewerker elk jaar; de "
        "medezeggenschapsraad krijgt het ter instemming."
    )
    w.h2("7.2 Bedrijfshulpverlening en ontruiming")
    w.p(
        "De school heeft {{ school.aantal_bhv|telling('opgeleide bedrijfshulpverlener', "
        "'opgeleide bedrijfshulpverleners') }}. De laatste "
        "ontruimingsoefening was op {{ school.ontruimingsoefening_datum|datum }}. Het ontruimingsplan hangt bij "
        "de ingangen en in elk lokaal; elk schooljaar wordt minstens één keer geoefend, en de bevindingen worden "
        "besproken."
    )
    w.h2("7.3 Ongevallen en medisch handelen")
    w.p(
        "Ongevallen worden geregistreerd met het Ongevallenmeldingsformulier (bijlage 8), zodat we zien waar "
        "het vaker misgaat en maatregelen kunnen nemen. Het geven van medicijnen en medisch handelen gaan "
        "volgens bijlage 10, alleen met schriftelijke toestemming van de ouders."
    )


COMPARE_WIDTHS = (6.2, 3.4, 3.4, 3.2)
COMPARE_HEADER = ["{{ registraties.kop_dit_jaar }}", "{{ registraties.kop_vorig_jaar }}", "Verschil"]


def _kinds(w: Writer, heading: str, rows: str, none: str) -> None:
    """A table of registrations per kind against last year, or a sentence when there are none."""
    w.tag(f"if {rows}")
    w.loop_table(
        [heading, *COMPARE_HEADER],
        f"c in {rows}",
        ["{{ c.categorie }}", "{{ c.dit_jaar|getal }}", "{{ c.vorig_jaar|getal }}", "{{ c.verschil }}"],
        widths=COMPARE_WIDTHS,
        keep_together=True,
    )
    w.tag("else")
    w.p(f"In de vergeleken periodes {none}")
    w.tag("endif")


def _registration(w: Writer) -> None:
    w.h1("8 Registratie en evaluatie")
    w.h2("8.1 Registraties in {{ schooljaar }}")
    w.tag("if periode.toekomstig")
    w.p(
        "Het schooljaar {{ schooljaar }} begint op {{ periode.begin|datum }}; er zijn dus nog geen registraties."
        "{% if registraties.vorig_bekend %} In {{ vorig_schooljaar }} "
        "{{ 'is' if registraties.totaal_vorig_jaar == 1 else 'zijn' }} tot en met "
        "{{ registraties.vorig_tot|datum }} in totaal "
        "{{ registraties.totaal_vorig_jaar|telling('registratie', 'registraties') }} ontvangen.{% endif %}"
    )
    w.tag("else")
    w.p(
        "In {% if periode.lopend %}het schooljaar {{ schooljaar }} "
        "{{ 'is' if registraties.totaal_dit_jaar == 1 else 'zijn' }} tot en met {{ periode.tot|datum }} in totaal"
        "{% else %}het hele schooljaar {{ schooljaar }} {{ 'is' if registraties.totaal_dit_jaar == 1 else 'zijn' }}"
        "{% endif %} {{ registraties.totaal_dit_jaar|telling('registratie', 'registraties') }} ontvangen"
        "{% if not registraties.vorig_bekend %}. Over {% if periode.lopend %}dezelfde periode van {% endif %}"
        "{{ vorig_schooljaar }} zijn geen gegevens{% if registraties.gegevens_vanaf %} (de eerste registratie is van "
        "{{ registraties.gegevens_vanaf|datum }}){% endif %}, dus vergelijken kan niet.{% if periode.lopend and "
        "registraties.vorig_heel_bekend %} Het hele schooljaar {{ vorig_schooljaar }} telde "
        "{{ registraties.totaal_vorig_heel_jaar|telling('registratie', 'registraties') }} (gegevens vanaf "
        "{{ registraties.gegevens_vanaf|datum }}).{% endif %}{% elif periode.lopend %}, tegen "
        "{{ registraties.totaal_vorig_jaar|getal }} in dezelfde periode van {{ vorig_schooljaar }} (tot en met "
        "{{ registraties.vorig_tot|datum }}). Het hele schooljaar {{ vorig_schooljaar }} telde "
        "{{ registraties.totaal_vorig_heel_jaar|telling('registratie', 'registraties') }}.{% else %}, tegen "
        "{{ registraties.totaal_vorig_jaar|getal }} in {{ vorig_schooljaar }}.{% endif %}"
    )
    w.tag("endif")
    w.loop_table(
        ["Soort", *COMPARE_HEADER],
        "t in registraties.totalen",
        ["{{ t.soort }}", "{{ t.dit_jaar|getal }}", "{{ t.vorig_jaar|getal }}", "{{ t.verschil }}"],
        widths=COMPARE_WIDTHS,
        keep_together=True,
    )
    w.p(
        "{% if periode.toekomstig %}{{ schooljaar }} is nog niet begonnen (–).{% elif registraties.vorig_bekend %}"
        "Verschil: {{ schooljaar }}{% if periode.lopend %} tot en met {{ periode.tot|datum }}, tegenover dezelfde "
        "periode van {{ vorig_schooljaar }}: 1 augustus tot en met {{ registraties.vorig_tot|datum }}"
        "{% else %} tegenover {{ vorig_schooljaar }}{% endif %}.{% if registraties.vorig_deels %} Er zijn gegevens "
        "vanaf {{ registraties.gegevens_vanaf|datum }}.{% endif %}{% else %}–: geen gegevens.{% endif %}",
        style="Klein",
    )
    w.tag("if grafieken.maanden")
    w.figure("{{ grafieken.maanden }}", "Registraties per maand, schooljaar {{ schooljaar }}.")
    w.tag("endif")
    w.h2("8.2 Incidenten met leerlingen per soort")
    _kinds(w, "Soort incident", "registraties.categorieen", "zijn geen incidenten met leerlingen geregistreerd.")
    w.h2("8.3 Agressie en geweld tegen personeel, en ongevallen")
    _kinds(
        w,
        "Vorm van agressie",
        "registraties.agressie_vormen",
        "is geen agressie of geweld tegen personeel geregistreerd.",
    )
    _kinds(
        w, "Ongevallen naar behandeling", "registraties.ongeval_behandelingen", "zijn geen ongevallen geregistreerd."
    )
    w.tag("for s in registraties.overige_soorten")  # every register the board added itself
    w.p("{{ s.titel }}", keep_with_next=True)
    _kinds(w, "{{ s.kolom }}", "s.rijen", "is hiervan niets geregistreerd.")
    w.tag("endfor")
    w.h2("8.4 Meldplichten")
    w.tag("if periode.toekomstig")
    w.p("Het schooljaar {{ schooljaar }} is nog niet begonnen; er zijn dus nog geen gevallen die gemeld moeten worden.")
    w.tag("elif not registraties.meldplichtig")
    w.p(
        "In {{ schooljaar }}{% if periode.lopend %} (tot en met {{ periode.tot|datum }}){% endif %} was er geen "
        "geval dat gemeld moest worden bij de Arbeidsinspectie of de vertrouwensinspecteur."
    )
    w.tag("else")
    w.p(
        "In {{ schooljaar }}{% if periode.lopend %} (tot en met {{ periode.tot|datum }}){% endif %} "
        "{% if registraties.meldplichtig == 1 %}was er 1 geval dat gemeld moest worden{% else %}waren er "
        "{{ registraties.meldplichtig|getal }} gevallen die gemeld moesten worden{% endif %} bij de "
        "Arbeidsinspectie of de vertrouwensinspecteur. "
        "Een geval dat gemeld moet worden, meldt de school direct; het bestuurskantoor ziet erop toe dat dat gebeurt."
    )
    w.tag("endif")
    w.h2("8.5 Evaluatie")
    w.p(
        "Twee keer per jaar bespreken directie en coördinator de registraties en de uitkomsten van de monitor "
        "met het team: waar en wanneer gebeurt er iets, welke soorten incidenten nemen toe of af, en werken de "
        "maatregelen? De conclusies komen in het jaarverslag en in de evaluatie met het bestuur (mijlpaal 5)."
    )


def _goals(w: Writer) -> None:
    w.h1("9 Doelen en maatregelen")
    w.p(
        "De school kijkt elk jaar wat haar cijfers zeggen en wat zij daaraan doet. De inspectie ziet erop toe dat "
        "een school in actie komt als de uitkomsten van de monitor of de registraties daar aanleiding toe geven."
    )
    w.h2("9.1 De cijfers die aanleiding geven")
    w.tag("if not periode.toekomstig")
    w.loop_table(
        ["Registraties", *COMPARE_HEADER],
        "t in registraties.totalen",
        ["{{ t.soort }}", "{{ t.dit_jaar|getal }}", "{{ t.vorig_jaar|getal }}", "{{ t.verschil }}"],
        widths=COMPARE_WIDTHS,
        keep_together=True,
    )
    w.tag("endif")
    w.tag("if monitor.resultaten")
    w.loop_table(
        ["Wie", "Thema van de monitor", "% gunstige antwoorden"],
        "r in monitor.resultaten",
        ["{{ r.groep }}", "{{ r.thema }}", "{{ r.positief|procent }}"],
        widths=(2.6, 10.0, 3.6),
        keep_together=True,
    )
    w.tag("else")
    w.p("Er zijn voor {{ schooljaar }} nog geen uitkomsten van de monitor.")
    w.tag("endif")
    w.p("Toelichting op de cijfers: hoofdstuk 5 (monitor) en hoofdstuk 8 (registraties).", style="Klein")
    w.h2("9.2 Wat de school doet")
    w.tag("if maatregelen_ontvangen")
    w.p(
        "De doelen en maatregelen die in {{ schooljaar }} lopen, met hun aanleiding, wie ervoor zorgt, wanneer "
        "ze klaar moeten zijn en hoe ze ervoor staan:"
    )
    w.loop_table(
        ["#", "Doel en maatregel", "Aanleiding", "Wie en wanneer", "Stand en evaluatie"],
        "d in doelen",
        [
            "{{ d.nummer }}",
            "{{ d.doel }} — {{ d.maatregel }}",
            "{{ d.aanleiding }}",
            "{{ d.eigenaar }}, {{ d.start|datum_kort }} t/m {{ d.eind|datum_kort }}",
            "{{ d.stand }}{% if d.evaluatie %}; geëvalueerd {{ d.evaluatie }}{% endif %}",
        ],
        widths=(0.7, 6.3, 3.0, 3.0, 3.2),
    )
    w.tag("elif doelen")
    w.loop_table(
        ["#", "Doel", "Maatregel"],
        "d in doelen",
        ["{{ d.nummer }}", "{{ d.doel }}", "{{ d.maatregel }}"],
        widths=(0.8, 7.2, 8.2),
    )
    w.tag("else")
    w.p(
        "[nog aan te vullen door de directeur: de doelen van de school voor {{ schooljaar }} en de maatregelen "
        "daarbij, naar aanleiding van de cijfers hierboven]"
    )
    w.tag("endif")
    w.p(
        "In de evaluatie (8.5) kijken directie en coördinator of de maatregelen werken; het jaar daarop "
        "stelt de school de doelen bij.",
        style="Klein",
    )


def _accountability(w: Writer) -> None:
    w.h1("10 Verantwoording")
    w.p(
        "De school legt verantwoording af via Scholen op de kaart (Vensters), indicator ‘Veiligheid op school’. "
        "Daar staat:"
    )
    w.bullets(
        [
            "het veiligheidsplan: dit plan, vastgesteld voor {{ schooljaar }};",
            "het pestprotocol: bijlage 3 van dit plan;",
            "het programma: {{ school.programma_naam }};",
            "de monitor: {{ monitor.instrument }}, {{ monitor.frequentie }}, groepen {{ monitor.groepen }};",
            "de coördinator sociale veiligheid: {{ school.coordinator_naam }}.",
        ]
    )
    w.tag("if vensters_tekst")
    w.p("De tekst voor Vensters, zoals het bestuurskantoor die heeft opgesteld:")
    w.note("{{ vensters_tekst }}")
    w.tag("endif")
    w.p(
        "Intern legt de directeur verantwoording af aan het bestuur, met de cijfers uit hoofdstuk 8, de doelen "
        "en maatregelen van hoofdstuk 9 en de voortgang van hoofdstuk 11. De medezeggenschapsraad wordt jaarlijks geïnformeerd."
    )


def _timeline(w: Writer) -> None:
    w.h1("11 Tijdpad en voortgang")
    w.p(
        "Het bestuur werkt met een vaste jaarcyclus van vijf mijlpalen. De stand voor {{ school.naam }} op "
        "{{ peildatum|datum }}:"
    )
    w.loop_table(
        ["#", "Mijlpaal", "Uiterlijk", "Stand"],
        "m in mijlpalen",
        [
            "{{ m.nummer }}",
            "{{ m.titel }}",
            "{{ m.deadline|datum_kort }}",
            "{{ m.status }}{% if m.gereed_op %} ({{ m.gereed_op|datum_kort }}){% endif %}",
        ],
        widths=(0.8, 9.2, 2.6, 3.6),
        keep_together=True,
    )
    w.p(
        "Een mijlpaal is gereed als de directeur de datum invult op het formulier Schoolgegevens en veiligheidsbeleid.",
        style="Klein",
    )


def _annexes(w: Writer) -> None:
    w.h1("Bijlagen")
    w.p("Bij dit plan horen de volgende bijlagen, elk als apart document:")
    w.loop_table(
        ["Nr.", "Bijlage"],
        "b in bijlagen",
        ["{{ b.nummer }}", "{{ b.titel }}"],
        widths=(1.4, 14.8),
        keep_together=True,
    )
