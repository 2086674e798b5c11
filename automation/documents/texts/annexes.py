"""The text of the twelve annex templates (Dutch, written for this product from DOMAIN.md).

Annexes 7-9 print the form definitions themselves (`formulieren.<id>` in the data), so the paper
version always asks the same questions, with the same choices and help, as the Excel form.
"""

from __future__ import annotations

from collections.abc import Callable

from automation.documents.catalog import ANNEXES
from automation.documents.writer import Writer


def head(w: Writer, number: int) -> None:
    title = ANNEXES[number - 1].title
    w.p(f"Bijlage {number} bij het veiligheidsplan · {{{{ school.naam }}}} · {{{{ schooljaar }}}}", style="Subtitle")
    w.p(title, style="Title")


def internet(w: Writer) -> None:
    head(w, 1)
    w.p(
        "Internet, tablets en telefoons horen bij het leren en bij het leven van kinderen. Deze afspraken "
        "helpen om ze veilig en respectvol te gebruiken, op school en daarbuiten voor zover het de school raakt."
    )
    w.h2("Afspraken met leerlingen")
    w.bullets(
        [
            "Op school gebruik je apparaten en internet voor schoolwerk, en alleen als de leerkracht dat zegt.",
            "Je eigen telefoon staat tijdens schooltijd uit en blijft in je tas, tenzij de leerkracht iets "
            "anders afspreekt.",
            "Je deelt nooit je wachtwoord en logt altijd uit.",
            "Je maakt geen foto's, filmpjes of geluidsopnames van anderen zonder hun toestemming, en je zet ze "
            "nooit online.",
            "Zie of krijg je iets wat niet klopt, wat je bang maakt of wat gemeen is? Vertel het aan je "
            "leerkracht of aan {{ school.coordinator_naam }}. Je krijgt daar nooit straf voor.",
        ]
    )
    w.h2("Afspraken met medewerkers")
    w.bullets(
        [
            "Medewerkers gebruiken voor contact met leerlingen en ouders alleen de kanalen van de school, geen "
            "privéaccounts op sociale media.",
            "Gegevens over leerlingen staan alleen in de systemen van de school; niet op privéapparaten, "
            "USB-sticks of in privémail.",
            "Beeldmateriaal van leerlingen wordt alleen gebruikt als de ouders daar toestemming voor hebben "
            "gegeven (AVG); de school vraagt die toestemming elk schooljaar.",
            "Een medewerker die merkt dat persoonsgegevens kwijt zijn of in verkeerde handen zijn gekomen (een "
            "datalek), bijvoorbeeld door een verloren laptop of een mail aan de verkeerde ontvanger, meldt dat "
            "direct bij het bestuur ({{ bestuur }}) en laat het de directeur weten. Het bestuur beoordeelt het "
            "datalek en meldt het binnen 72 uur nadat het is ontdekt bij de Autoriteit Persoonsgegevens, tenzij "
            "het waarschijnlijk geen risico oplevert voor de mensen van wie de gegevens zijn (AVG, artikel 33).",
        ]
    )
    w.h2("Online pesten")
    w.p(
        "Pesten via apps, games of sociale media behandelen we als elk ander pesten, volgens het pestprotocol "
        "(bijlage 3), ook als het buiten schooltijd gebeurt maar in de groep doorwerkt. We vragen ouders om "
        "berichten te bewaren (schermafbeelding) en niet zelf de confrontatie aan te gaan. Bij strafbare "
        "feiten, zoals het verspreiden van naaktbeelden, schakelen we de politie in."
    )
    w.h2("Mediawijsheid")
    w.p(
        "In elke groep is aandacht voor mediawijsheid: wat deel je wel en niet, hoe herken je nepnieuws, en "
        "hoe ga je online met elkaar om. Ouders krijgen tips voor afspraken thuis."
    )


def conduct(w: Writer) -> None:
    head(w, 2)
    w.p(
        "Deze gedragscode beschrijft hoe we op {{ school.naam }} met elkaar omgaan. Hij geldt voor leerlingen, "
        "medewerkers, stagiairs, vrijwilligers en ouders, in de school, op het plein, tijdens uitstapjes en "
        "online."
    )
    w.h2("Voor iedereen")
    w.bullets(
        [
            "We behandelen elkaar met respect, ongeacht afkomst, geloof, gender, seksuele oriëntatie, "
            "beperking of uiterlijk. Discriminatie accepteren we niet.",
            "We lossen conflicten op met woorden. Geweld, bedreiging en intimidatie zijn nooit toegestaan.",
            "We spreken elkaar aan op gedrag, rustig en op een moment dat het kan.",
            "We komen niet aan andermans spullen en gaan zorgvuldig om met het gebouw en de materialen.",
            "Wapens, drugs en alcohol horen niet op school.",
        ]
    )
    w.h2("Voor medewerkers, stagiairs en vrijwilligers")
    w.bullets(
        [
            "Je bent een voorbeeld. Je taalgebruik en gedrag passen daarbij.",
            "Fysiek contact is functioneel en past bij de leeftijd: troosten, helpen, een hand geven. Merkt "
            "een leerling dat het ongemakkelijk is, dan stop je.",
            "Je bent niet langdurig alleen met een leerling in een afgesloten ruimte; moet dat toch, dan laat "
            "je de deur open of zorg je dat een collega het weet.",
            "Je hebt geen privécontact met leerlingen via sociale media of berichtenapps.",
            "Je neemt geen geschenken van betekenis aan en geeft leerlingen geen voorkeursbehandeling.",
            "Zie je gedrag van een collega dat over een grens gaat, dan bespreek je dat met de directeur.",
            "Hoor of zie je dat iemand die op school werkt (ook een stagiair, vrijwilliger of externe) zich "
            "mogelijk seksueel grensoverschrijdend gedraagt tegenover een leerling, dan meld je dat zelf direct "
            "aan het bestuur ({{ bestuur }}), niet alleen aan de schoolleiding. Die plicht heeft elke "
            "medewerker. Het bestuur raadpleegt de vertrouwensinspecteur (zie het veiligheidsplan, hoofdstuk 6); "
            "registreer het ook met de Incidentenregistratie (bijlage 9).",
        ]
    )
    w.h2("Voor ouders")
    w.bullets(
        [
            "U bespreekt zorgen over uw kind of over de school met de leerkracht of de directeur, niet op het "
            "plein en niet via sociale media.",
            "U spreekt andere kinderen niet zelf aan op hun gedrag; u meldt het aan de leerkracht.",
            "Agressie of bedreiging tegen medewerkers leidt tot maatregelen, zoals een toegangsverbod of aangifte.",
        ]
    )
    w.h2("Als de code wordt overtreden")
    w.p(
        "Bij een overtreding volgt een gesprek. Afhankelijk van de ernst volgen maatregelen: van herstel en "
        "afspraken tot een time-out of schorsing (bijlage 11) voor leerlingen, een toegangsverbod voor ouders, "
        "en maatregelen in de rechtspositie voor medewerkers. Incidenten worden geregistreerd (bijlagen 7 en 9)."
    )


def bullying(w: Writer) -> None:
    head(w, 3)
    w.p(
        "Op {{ school.naam }} mag niemand gepest worden. Dit protocol zegt wat we doen om pesten te voorkomen "
        "en wat we doen als het toch gebeurt. Het aanspreekpunt bij pesten is de coördinator sociale "
        "veiligheid, **{{ school.coordinator_naam }}** ({{ school.coordinator_email }})."
    )
    w.h2("Wat is pesten?")
    w.p(
        "Plagen gebeurt tussen gelijken, over en weer, en is snel voorbij. Pesten is anders: het gebeurt "
        "herhaaldelijk, het is bedoeld om te kwetsen, en degene die gepest wordt kan zich moeilijk verweren. "
        "Pesten kan met woorden, met geweld, door buitensluiten, door spullen af te pakken of te vernielen, "
        "en online."
    )
    w.h2("Voorkomen")
    w.p(
        "De school werkt met {{ school.programma_naam }}. Elke groep maakt aan het begin van het schooljaar "
        "afspraken over hoe we met elkaar omgaan, en de leerkracht werkt het hele jaar aan een goede sfeer. "
        "Met de monitor ({{ monitor.instrument }}) meten we elk jaar hoe het gaat."
    )
    w.h2("Aanpak in vijf sporen")
    w.p("Als er gepest wordt, werken we tegelijk met vijf betrokkenen:")
    w.numbered(
        [
            "**De gepeste leerling**: de leerkracht luistert, neemt het serieus, bespreekt wat de leerling "
            "nodig heeft en spreekt af wanneer ze opnieuw praten.",
            "**De leerling die pest**: de leerkracht maakt duidelijk dat het moet stoppen, zoekt naar de "
            "oorzaak en maakt afspraken over herstel. Er volgen maatregelen als het niet stopt.",
            "**De groep**: de leerkracht bespreekt wat er gebeurt (zonder de gepeste leerling te kijk te "
            "zetten) en betrekt de zwijgende middengroep bij de oplossing.",
            "**De ouders**: de school informeert de ouders van beide kanten dezelfde dag of de dag erna en "
            "houdt contact tot het pesten gestopt is.",
            "**De school**: de coördinator houdt overzicht, ondersteunt de leerkracht en zorgt dat het "
            "incident wordt geregistreerd met de Incidentenregistratie (bijlage 9).",
        ]
    )
    w.h2("Stappen en termijnen")
    w.table(
        ["Wanneer", "Wat", "Wie"],
        [
            ["Direct", "Pesten stoppen, gesprek met de gepeste leerling en met wie pest", "Leerkracht"],
            ["Dezelfde of de volgende dag", "Ouders van beide kanten informeren", "Leerkracht"],
            ["Binnen een week", "Registreren met de Incidentenregistratie; groepsgesprek", "Leerkracht"],
            ["Na twee weken", "Evaluatie met de leerlingen en de ouders: is het gestopt?", "Leerkracht, coördinator"],
            [
                "Als het niet stopt",
                "Plan van aanpak, zo nodig externe hulp, maatregelen (bijlage 11)",
                "Coördinator, directeur",
            ],
        ],
        widths=(3.6, 8.6, 4.0),
    )
    w.h2("Als ouders of leerlingen niet tevreden zijn")
    w.p(
        "Wie vindt dat de school niet goed handelt, bespreekt dat met de coördinator of de directeur. Komt men "
        "er samen niet uit, dan volgt de klachtenprocedure (bijlage 12)."
    )


def staff_care(w: Writer) -> None:
    head(w, 4)
    w.p(
        "Een medewerker die te maken krijgt met agressie, geweld of een ander ernstig incident, verdient "
        "directe opvang en goede nazorg. Dit protocol geldt voor alle medewerkers, stagiairs en vrijwilligers "
        "van {{ school.naam }}."
    )
    w.h2("Direct na het incident")
    w.bullets(
        [
            "Zorg voor veiligheid: breng de medewerker (en eventueel leerlingen) in veiligheid, bel zo nodig 112.",
            "Een collega of de directeur blijft bij de medewerker; laat hem of haar niet alleen naar huis gaan.",
            "Regel zo nodig medische hulp (BHV, huisarts, ziekenhuis).",
            "De directeur wordt direct geïnformeerd.",
        ]
    )
    w.h2("Binnen 24 uur")
    w.bullets(
        [
            "De directeur of een door hem of haar aangewezen collega belt de medewerker.",
            "Het incident wordt geregistreerd met het Registratieformulier agressie en geweld (bijlage 7).",
            "Bij een ziekenhuisopname (ook een dagopname), blijvend letsel of overlijden meldt de directeur het "
            "direct bij de Nederlandse Arbeidsinspectie, telefoon 0800-5151. Laat de plaats van het ongeval "
            "ongewijzigd tot de inspectie zegt dat dat niet meer nodig is.",
            "Is nog onbekend of er blijvend letsel is, dan vult de directeur 'onbekend' in en volgt het op: blijkt "
            "later alsnog blijvend letsel of volgt een ziekenhuisopname, dan meldt de directeur het alsnog direct.",
            "De directeur bespreekt met de medewerker of er aangifte wordt gedaan; de school ondersteunt "
            "daarbij en kan aangifte doen op het adres van de school.",
        ]
    )
    w.h2("Binnen 72 uur: het opvanggesprek")
    w.p(
        "Binnen 72 uur volgt een opvanggesprek met de directeur of een getrainde collega: wat is er gebeurd, "
        "hoe gaat het nu, wat heeft de medewerker nodig? De datum van het gesprek komt op het "
        "registratieformulier; het bestuurskantoor ziet een gemist gesprek als open actie."
    )
    w.h2("Nazorg")
    w.bullets(
        [
            "Na één tot twee weken en na vier tot zes weken volgt een vervolggesprek.",
            "Bij aanhoudende klachten (slecht slapen, angst, concentratieproblemen) verwijst de directeur "
            "naar de huisarts of de bedrijfsarts.",
            "Bij verzuim gaat het verzuimprotocol van het bestuur in; de schade wordt zo mogelijk verhaald op "
            "de dader.",
            "Het team wordt geïnformeerd voor zover de medewerker daarmee instemt.",
        ]
    )
    w.h2("Maatregelen")
    w.p(
        "De directeur bespreekt met het team wat nodig is om herhaling te voorkomen en neemt zo nodig "
        "maatregelen tegen de dader, bijvoorbeeld een gesprek, een schriftelijke waarschuwing of een "
        "toegangsverbod voor een ouder."
    )


def pupil_care(w: Writer) -> None:
    head(w, 5)
    w.p(
        "Een ernstige situatie, zoals een ernstig ongeval, geweld, een brand of een bedreiging, kan grote "
        "indruk maken op leerlingen. Dit protocol beschrijft hoe {{ school.naam }} de leerlingen opvangt."
    )
    w.h2("Het crisisteam")
    w.p(
        "Bij een ernstige situatie vormt de directeur ({{ school.directeur_naam }}) een crisisteam met in "
        "ieder geval de coördinator sociale veiligheid ({{ school.coordinator_naam }}), de intern begeleider "
        "en de betrokken leerkracht(en). Het crisisteam verdeelt de taken en houdt contact met het bestuur."
    )
    w.h2("Eerste uren")
    w.bullets(
        [
            "Veiligheid en eerste hulp gaan voor alles; bel bij gevaar 112.",
            "Verzamel de feiten voordat er informatie wordt gedeeld.",
            "Informeer de ouders van direct betrokken leerlingen persoonlijk, voordat ze het via anderen horen.",
            "Vang de leerlingen op in de eigen groep, met een vertrouwde volwassene. Geef eenvoudige, eerlijke "
            "informatie en ruimte voor vragen en emoties.",
            "Informeer alle ouders met een korte brief of bericht: wat er is gebeurd, wat de school doet en "
            "waar ze terechtkunnen.",
        ]
    )
    w.h2("De dagen daarna")
    w.bullets(
        [
            "Houd zoveel mogelijk het gewone ritme aan; dat geeft houvast.",
            "Let op signalen zoals slecht slapen, angst, terugtrekken of druk gedrag, en bespreek die met de ouders.",
            "Verwijs zo nodig door naar de huisarts, de jeugdgezondheidszorg (GGD) of jeugdhulp.",
            "Informeer het team regelmatig en zorg ook voor de opvang van medewerkers (bijlage 4).",
        ]
    )
    w.h2("Media")
    w.p(
        "Alleen de directeur of het bestuur staat de pers te woord. Medewerkers en ouders verwijzen vragen van "
        "journalisten naar de directeur. Leerlingen worden niet door de pers benaderd op het schoolterrein."
    )
    w.h2("Na afloop")
    w.p("Het crisisteam evalueert na enkele weken wat goed ging en wat beter kan, en past dit protocol zo nodig aan.")


def grief(w: Writer) -> None:
    head(w, 6)
    w.p(
        "Het overlijden van een leerling, een ouder, een broer of zus, of een medewerker raakt de hele "
        "school. Dit protocol helpt om in die dagen zorgvuldig te handelen. Elke situatie is anders: overleg "
        "altijd met de familie over wat zij wel en niet willen."
    )
    w.h2("Eerste dag")
    w.numbered(
        [
            "De directeur ({{ school.directeur_naam }}) controleert het bericht bij de familie of de politie.",
            "De directeur informeert het bestuur en roept het crisisteam bij elkaar.",
            "De directeur vraagt de familie wat er verteld mag worden en hoe zij betrokken willen worden.",
            "Het team wordt geïnformeerd, bij voorkeur vóór de leerlingen.",
            "De leerkracht vertelt het de eigen groep, met een collega erbij; daarna de andere groepen, passend "
            "bij hun leeftijd.",
            "Alle ouders krijgen dezelfde dag een brief of bericht.",
        ]
    )
    w.h2("De dagen tot de uitvaart")
    w.bullets(
        [
            "Richt een plek in om te herdenken (foto, kaarsje, condoleanceregister), in overleg met de familie.",
            "Geef leerlingen ruimte om te praten, te tekenen of te schrijven.",
            "Spreek met de familie af wie van de school de uitvaart bijwoont en of leerlingen kunnen gaan; "
            "leerlingen gaan alleen met toestemming van hun ouders.",
        ]
    )
    w.h2("Daarna")
    w.bullets(
        [
            "Rouw gaat niet over na een week. Let op leerlingen die het zwaar hebben, ook later in het jaar.",
            "Denk aan moeilijke momenten: de verjaardag, Vaderdag of Moederdag, het eind van het schooljaar.",
            "Houd contact met de familie, bijvoorbeeld rond de laatste schooldag.",
            "Verwijs zo nodig door naar de huisarts, de GGD of een rouwbegeleider.",
        ]
    )


def form_annex(form_id: str, number: int) -> Callable[[Writer], None]:
    """Annexes 7-9: the printable form, from the same definition as the Excel form."""
    f = f"formulieren.{form_id}"

    def write(w: Writer) -> None:
        head(w, number)
        w.p(f"{{{{ {f}.intro }}}}")
        w.note(
            "Dit is de afdrukbare versie van het formulier. Gebruik bij voorkeur het Excel-formulier "
            f"‘{{{{ {f}.titel }}}}’ uit de map formulieren en zet het ingevulde bestand in de map voor "
            "meldingen. Op papier ingevuld? Geef het aan de directeur; die zorgt dat het geregistreerd wordt."
        )
        # before the questions, where it is needed (after the last table it could end up alone on a page)
        w.p(
            f"Velden met * zijn verplicht; velden met (*) alleen in de genoemde situatie. Formulier "
            f"‘{{{{ {f}.titel }}}}’, versie {{{{ {f}.versie }}}}. Schrijf nooit de naam van een leerling "
            "op: alleen een leerlingnummer of initialen.",
            style="Klein",
        )
        w.tag(f"for s in {f}.secties")
        w.h2("{{ s.titel }}")
        w.loop_table(
            ["Vraag", "Invullen", "Uitleg"],
            "v in s.velden",
            ["**{{ v.label }}**", "{{ v.invullen }}", "{{ v.uitleg }}"],
            widths=(4.4, 6.8, 5.0),
            keep_together=True,
        )
        w.tag("endfor")

    return write


def medicine(w: Writer) -> None:
    head(w, 10)
    w.p(
        "Soms heeft een leerling onder schooltijd medicijnen of medische zorg nodig. Medewerkers zijn daarvoor "
        "niet opgeleid; daarom maakt {{ school.naam }} duidelijke afspraken, met de ouders en op papier."
    )
    w.h2("Bij ziekte of een ongeval op school")
    w.bullets(
        [
            "Een leerling die ziek wordt, gaat in overleg met de ouders naar huis. Zijn de ouders niet "
            "bereikbaar, dan belt de school het noodnummer dat de ouders hebben opgegeven.",
            "Bij een ongeval verleent een BHV'er eerste hulp. Bij twijfel belt de school de huisarts of 112 "
            "en informeert de ouders. Het ongeval wordt geregistreerd (bijlage 8).",
            "De school geeft geen medicijnen, ook geen paracetamol, zonder schriftelijke toestemming van de ouders.",
        ]
    )
    w.h2("Medicijnen op verzoek van de ouders")
    w.numbered(
        [
            "De ouders vullen een toestemmingsformulier in: welk medicijn, hoeveel, wanneer en hoe.",
            "De ouders leveren het medicijn aan in de originele verpakking, met de bijsluiter en het etiket "
            "van de apotheek met de naam van de leerling.",
            "De school bewaart het medicijn veilig en volgens de bijsluiter.",
            "Wie het medicijn geeft, tekent een aftekenlijst. Vergissingen meldt de school direct aan de "
            "ouders, en bij twijfel aan de huisarts.",
        ]
    )
    w.h2("Medisch handelen")
    w.p(
        "Het geven van een injectie en het meten van de bloedsuiker met een vingerprik zijn voorbehouden "
        "handelingen uit de Wet BIG. Een medewerker mag ze alleen uitvoeren in opdracht van de arts van de "
        "leerling (artikel 35 Wet BIG), nadat hij of zij instructie heeft gekregen, en met een schriftelijke "
        "bekwaamheidsverklaring die de arts heeft ondertekend. Zonder die verklaring doet een medewerker ze "
        "niet. Het zijn nooit routinetaken: een medewerker neemt ze alleen vrijwillig op zich, en de afspraken "
        "staan in het plan van de leerling, met de bekwaamheidsverklaring erbij."
    )
    w.p(
        "In een noodgeval, zoals een epileptische aanval of een allergische reactie waarbij de ouders een "
        "adrenalinepen hebben meegegeven, verleent de school eerste hulp volgens het plan dat met de ouders is "
        "afgesproken, en belt 112."
    )
    w.h2("Afspraken vastleggen")
    w.p(
        "Voor elke leerling met een medische zorgvraag maken ouders en school samen een plan, dat jaarlijks "
        "wordt bijgewerkt. De directeur ({{ school.directeur_naam }}) ziet erop toe dat de afspraken bekend "
        "zijn bij wie ze nodig heeft, ook bij invallers."
    )


def admission(w: Writer) -> None:
    head(w, 11)
    w.p(
        "Dit protocol beschrijft hoe {{ school.naam }} leerlingen toelaat en wanneer en hoe een leerling kan "
        "worden geschorst of verwijderd. Het volgt de Wet op het primair onderwijs en het beleid van "
        "{{ bestuur }}."
    )
    w.h2("Toelating")
    w.p(
        "Ouders melden hun kind schriftelijk aan. Heeft een kind extra ondersteuning nodig, dan onderzoekt de "
        "school binnen zes weken (eenmaal te verlengen met vier weken) of zij passend onderwijs kan bieden; "
        "kan dat niet, dan zorgt de school samen met het samenwerkingsverband voor een passende plek elders "
        "(zorgplicht)."
    )
    w.h2("Time-out en interne schorsing")
    w.p(
        "Laat de directeur een leerling door ernstig ongewenst gedrag voor de rest van de dag de les verlaten "
        "(een time-out), of krijgt een leerling een of meer dagen les buiten de eigen groep (een interne "
        "schorsing), dan is dat een schorsing, en gelden de regels hieronder: een schriftelijk besluit met de "
        "redenen, de mogelijkheid van bezwaar, en een melding bij de inspectie als het langer dan één dag "
        "duurt. De ouders worden dezelfde dag geïnformeerd en uitgenodigd voor een gesprek. De maatregel wordt "
        "geregistreerd (bijlage 9)."
    )
    w.h2("Schorsing")
    w.bullets(
        [
            "Het bestuur (of namens het bestuur de directeur) kan een leerling met opgave van redenen voor "
            "ten hoogste één week schorsen. Dat geldt ook voor een time-out en een interne schorsing.",
            "Het besluit is schriftelijk en gaat naar de ouders, met de redenen, de duur en hoe zij binnen zes "
            "weken bezwaar kunnen maken bij het bestuur.",
            "Duurt de schorsing langer dan één dag, dan meldt het bestuur haar schriftelijk en met de redenen "
            "bij de Inspectie van het Onderwijs.",
            "De school zorgt dat de leerling schoolwerk krijgt en bespreekt na afloop met ouders en leerling "
            "hoe het verder gaat.",
        ]
    )
    w.h2("Verwijdering")
    w.numbered(
        [
            "Verwijdering is de uiterste maatregel, bijvoorbeeld na ernstige of herhaalde bedreiging van de "
            "veiligheid, of als de school de ondersteuning die de leerling nodig heeft niet kan bieden.",
            "Het bestuur hoort vooraf de groepsleerkracht en de ouders.",
            "De leerling wordt pas definitief verwijderd als een andere school bereid is hem of haar toe te "
            "laten. Lukt dat aantoonbaar niet binnen acht weken, dan kan het bestuur de leerling toch verwijderen.",
            "Het bestuur meldt de verwijdering aan de inspectie en de leerplichtambtenaar.",
            "Ouders kunnen bezwaar maken bij het bestuur; het besluit noemt de termijn en het adres.",
        ]
    )


def complaints(w: Writer) -> None:
    head(w, 12)
    w.p(
        "Waar gewerkt wordt, gaat weleens iets mis. Wie een klacht heeft over de school, kan die bespreken en "
        "indienen. Dit schema laat zien welke stappen er zijn; ze hoeven niet allemaal te worden doorlopen."
    )
    w.table(
        ["Stap", "Bij wie", "Wat gebeurt er"],
        [
            [
                "1",
                "De betrokkene, meestal de leerkracht",
                "Bespreek de klacht eerst met wie het aangaat. De meeste klachten worden zo opgelost.",
            ],
            [
                "2",
                "De directeur ({{ school.directeur_naam }})",
                "Komt u er samen niet uit, of gaat de klacht over iets groters, dan bespreekt u het met de directeur.",
            ],
            [
                "3",
                "De interne contactpersoon ({{ school.contactpersoon_naam }})",
                "Luistert, zoekt met u de weg en verwijst zo nodig door.",
            ],
            [
                "4",
                "De externe vertrouwenspersoon ({{ school.vertrouwenspersoon_extern_naam }})",
                "Begeleidt u onafhankelijk bij het indienen van een klacht. Bereikbaar via "
                "{{ school.vertrouwenspersoon_extern_contact }}.",
            ],
            ["5", "Het bestuur ({{ bestuur }})", "U kunt een klacht ook rechtstreeks bij het bestuur indienen."],
            [
                "6",
                "De klachtencommissie ({{ school.klachtencommissie }})",
                "Onderzoekt een formele klacht en "
                "geeft het bestuur advies. Contact: {{ school.klachtencommissie_contact }}.",
            ],
        ],
        widths=(1.6, 5.6, 9.0),  # 'Stap' whole on one line
    )
    w.h2("Bijzondere klachten")
    w.p(
        "Bij klachten over seksuele intimidatie of misbruik, discriminatie, ernstig psychisch of fysiek geweld "
        "en radicalisering kunt u ook de vertrouwensinspecteur van de Inspectie van het Onderwijs bellen: "
        "0900\u00a0-\u00a0111\u00a03\u00a0111. Bij zorgen over huiselijk geweld of kindermishandeling: Veilig Thuis, 0800\u00a0-\u00a02000."
    )
    w.h2("Afhandeling")
    w.p(
        "Een formele klacht dient u schriftelijk in. U krijgt een ontvangstbevestiging en hoort hoe de klacht "
        "wordt behandeld. Na het advies van de klachtencommissie laat het bestuur binnen vier weken weten of "
        "het het oordeel deelt en welke maatregelen het neemt. Een klacht heeft geen gevolgen voor de manier "
        "waarop de school met u of uw kind omgaat."
    )


WRITERS: dict[int, Callable[[Writer], None]] = {
    1: internet,
    2: conduct,
    3: bullying,
    4: staff_care,
    5: pupil_care,
    6: grief,
    7: form_annex("agressie", 7),
    8: form_annex("ongeval", 8),
    9: form_annex("incident", 9),
    10: medicine,
    11: admission,
    12: complaints,
}
