"""Create a working folder: a commented starter config, the folders and the pseudonym secret."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from automation.config import CONFIG_NAME, Settings, load_settings
from automation.errors import ConfigError
from automation.forms.choices import DEFAULT_CHOICES
from automation.privacy import create_secret

EXAMPLE_SCHOOLS: Mapping[str, str] = {
    "12AB": "OBS De Regenboog",
    "34CD": "CBS Het Anker",
    "56EF": "IKC De Vlinder",
}


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


EMAIL_COMMENTED = """# E-mailberichten. Zonder [email] (of zonder server) komen de berichten als .eml-bestand in outbox/berichten/.
# Het wachtwoord staat NOOIT in dit bestand: geef een omgevingsvariabele of een bestand dat alleen de dienst
# kan lezen (chmod 600). Controleer de instellingen met 'veiligheid mail test'.
# [email]
# server = "smtp.bestuur.nl"
# beveiliging = "starttls"      # starttls (poort 587) of tls (poort 465)
# gebruiker = "meldingen@bestuur.nl"
# wachtwoord_omgeving = "VEILIGHEID_SMTP_WACHTWOORD"
# afzender = "meldingen@bestuur.nl"
# bestuur = ["veiligheid@bestuur.nl"]   # krijgt binnen een minuut bericht van wat niet kan wachten
# overzicht_dag = "maandag"     # weekoverzicht aan elke directeur (e-mailadres op het schoolformulier)
"""


def starter_config(
    *,
    board: str,
    schools: Mapping[str, str],
    stable_seconds: float = 2,
    damaged_after: float = 30,
    board_mail: Sequence[str] = (),
) -> str:
    email = (
        f"[email]                       # zonder server: de berichten als .eml-bestand in outbox/berichten/\n"
        f"bestuur = [{', '.join(_toml_string(a) for a in board_mail)}]\n"
        if board_mail
        else EMAIL_COMMENTED
    )
    school_tables = "\n".join(
        f"[[scholen]]\nbrin = {_toml_string(brin)}\nnaam = {_toml_string(name)}\n" for brin, name in schools.items()
    )
    locaties = ", ".join(_toml_string(v) for v in DEFAULT_CHOICES["locatie"])
    return f"""# veiligheid.toml — instellingen voor de registratie van sociale veiligheid.
# Paden zijn relatief ten opzichte van de map waarin dit bestand staat.
# Na een wijziging: 'veiligheid forms' maakt de formulieren opnieuw (met de nieuwe keuzelijsten).

# De naam van het bestuur, zoals op formulieren en in het bestuursoverzicht.
bestuur = {_toml_string(board)}

# De scholen van het bestuur: BRIN-code (4 tekens, zoals 12AB) en naam.
# Ze verschijnen in de keuzelijst 'School' van elk formulier.
{school_tables}
[mappen]
inbox = "inbox"        # hier zetten medewerkers hun ingevulde formulieren (gedeelde map)
outbox = "outbox"      # bestuursoverzicht.xlsx en de mappen afgewezen/ en bevestigingen/
archief = "archief"    # elk ontvangen bestand, byte voor byte bewaard
data = "data"          # de database (veiligheid.sqlite)
logs = "logs"          # logbestanden
profielen = "profielen" # eigen profielen voor exports van peilingen (zie 'veiligheid profielen')
# Hoe medewerkers de inbox kennen; zo staat het in de uitleg bij een afgewezen bestand.
# inbox_voor_medewerkers = 'S:\\Veiligheid\\Meldingen'

[intake]
stabiel_seconden = {stable_seconds:g}          # een bestand wordt pas gelezen als het zo lang niet veranderde
beschadigd_na_seconden = {damaged_after:g}   # een onleesbaar bestand geldt na zo lang als beschadigd
herscan_seconden = 60         # de watcher kijkt zo vaak de hele inbox na (ook zonder meldingen)
max_bestandsgrootte_mb = 25   # grotere bestanden zijn geen formulier
fsync = true                  # schrijf veilig naar schijf (elk bestand direct vastgelegd)
bevestigingen = true          # een bevestiging met registratienummer in outbox/bevestigingen/
# Wat langer dan dit aantal minuten onverwerkt in de inbox staat (een vergrendelbestand ~$…, een verborgen
# of tijdelijk bestand, een snelkoppeling, een map, of een bestand dat open blijft staan), wordt gemeld:
# in 'veiligheid status', op het Overzicht en in "Niet verwerkt in de inbox.txt" in outbox/afgewezen/.
onbehandeld_melden_na_minuten = 60

[overzicht]
open_dagen = 14               # een melding die langer 'open' staat, is een open actie
# true: staat het bestuursoverzicht open in Excel op deze computer (en kan het daardoor niet worden
# vervangen), zet dan de nieuwe gegevens in het geopende bestand en sla het op, in plaats van een
# kopie ernaast te maken. Werkt alleen met Excel (Windows of macOS) en pip install 'veiligheid[excel]'.
bijwerken_in_excel = false
# Alleen deze soorten incident krijgen op het Overzicht een eigen kolom 'waarvan …' (de rest telt onder
# 'waarvan overig'); zonder deze regel krijgt elke soort uit de keuzelijst er een.
# soorten_apart = ["pesten", "digitaal pesten", "fysiek geweld"]

[voortgang]                   # in welke maand elke mijlpaal klaar moet zijn (binnen het schooljaar)
mijlpaal_1 = "oktober"        # kaders en afspraken vastgesteld
mijlpaal_2 = "december"       # visie, account Digitaal Veiligheidsplan, coördinator benoemd
mijlpaal_3 = "februari"       # monitorinstrument, frequentie en verwerking bepaald
mijlpaal_4 = "mei"            # veiligheidsbeleid vastgesteld en gepubliceerd
mijlpaal_5 = "juni"           # evaluatie en eindbesluiten

[monitor]                     # de toets van de peilingen aan de wettelijke monitor (art. 4c WPO)
uiterlijk_maand = "april"     # zonder peiling onder leerlingen vóór deze maand: 'aandacht', daarna 'voldoet niet'
respons_minimaal = 0.7        # bestuursnorm (geen eis van de wet): respons als deel van de leerlingen hieronder
groepen = [5, 6, 7, 8]        # deze groepen moeten meedoen (representatief)
# Leveranciers met een leveringsafspraak met de inspectie (geen keurmerk: de school blijft verantwoordelijk
# voor een valide en betrouwbaar instrument). Een instrument van een andere leverancier krijgt 'aandacht'.
# Per leverancier de namen van de instrumenten; ingebouwd: ZIEN!, KiVa, Kanjertraining/KanVAS, WMK, Vensters,
# Scholen met Succes, Viseon, Cito (sociaal-emotioneel), ResearchNed, Kwaliteitscholen, SCOL, Hart & Ziel,
# Looqin, Wat Werkt Tegen Pesten. Een eigen lijst vervangt de ingebouwde:
# [monitor.leveranciers]
# "ZIEN!" = ["ZIEN!"]

[privacy]
bewaartermijn_schooljaren = 5 # voor het verwijderen van persoonsgegevens (gebruikt door 'veiligheid purge')

[signalen]                    # vroege signalen in het overzicht, 'status' en het weekoverzicht: afspraken van het
                              # bestuur, geen eisen van de wet
stijging_minimaal = 5         # meer meldingen van een soort dan vorig jaar: pas vanaf zoveel dit jaar,
stijging_verschil = 3         # minstens zoveel meer dan vorig jaar in dezelfde periode,
stijging_factor = 1.5         # en minstens zoveel keer zoveel (dus 1 → 2 is geen signaal)
herhaling_aantal = 3          # dezelfde leerling zo vaak (als slachtoffer en als dader apart geteld),
herhaling_weken = 8           # binnen zoveel weken
stil_weken = 6                # een school die zoveel weken (buiten de zomervakantie) geen formulier stuurde
meldplicht_dagen = 14         # een wettelijke meldplicht die na zoveel dagen nog openstaat
acties_dagen = 30             # een andere open actie bij een registratie van meer dan zoveel dagen geleden
thema_minimaal = 0.8          # een thema van de peiling met minder gunstige antwoorden dan dit deel,
thema_daling = 0.05           # of zoveel lager dan vorig jaar (0.05: 5 procentpunt; zelfde instrument),
thema_respondenten = 10       # alleen bij een peiling die zoveel mensen invulden

{email}
# Keuzelijsten die het bestuur zelf mag aanpassen. Haal het #-teken weg om te wijzigen.
# Lijsten: locatie, incident_categorie, melder_rol, slachtoffer_rol, dader_rol,
# medewerker_functie, agressie_dader_rol, agressie_vorm, slachtoffer_type, oorzaak,
# letsel_aard, eerste_hulp_door, behandeling, klachtencommissie, programma,
# monitor_frequentie, respondent.
[keuzelijsten]
# locatie = [{locaties}]
"""


def init_workspace(
    folder: Path,
    *,
    board: str = "Stichting Voorbeeld Primair Onderwijs",
    schools: Mapping[str, str] = EXAMPLE_SCHOOLS,
    stable_seconds: float = 2,
    damaged_after: float = 30,
    board_mail: Sequence[str] = (),
) -> tuple[Settings, bool]:
    """Create (or complete) a working folder. Never overwrites an existing config."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / CONFIG_NAME
    created = False
    if not config.exists():
        text = starter_config(
            board=board,
            schools=schools,
            stable_seconds=stable_seconds,
            damaged_after=damaged_after,
            board_mail=board_mail,
        )
        config.write_text(text, encoding="utf-8")
        created = True
    settings = load_settings(config)
    p = settings.paths
    for path in (p.inbox, p.outbox, p.rejected, p.archive, p.data, p.logs, p.state, p.profiles):
        path.mkdir(parents=True, exist_ok=True)
    for private in (p.archive, p.data, p.state):
        _owner_only(private)
    if not p.secret.exists() and p.database.exists():
        raise ConfigError(
            f"Het geheim voor pseudoniemen ({p.secret}) ontbreekt, maar er zijn al meldingen opgeslagen. "
            "Zet de reservekopie van het geheim terug; een nieuw geheim zou dezelfde leerling een andere code geven."
        )
    create_secret(p.secret)
    return settings, created


def _owner_only(path: Path) -> None:
    if os.name == "posix":
        try:
            path.chmod(0o700)
        except OSError as exc:
            raise ConfigError(f"Kan de rechten van {path} niet beperken: {exc.strerror}") from exc


def setup_logging(settings: Settings | None, *, verbose: bool = False, console_info: bool = False) -> None:
    """Log to logs/veiligheid.log; on stderr only warnings, or every file's outcome for the
    watcher (`console_info`), so a service manager's journal shows what happens."""
    root = logging.getLogger("automation")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else (logging.INFO if console_info else logging.WARNING))
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%d-%m-%Y %H:%M:%S"))
    root.addHandler(console)
    if settings is not None:
        settings.paths.logs.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            settings.paths.logs / "veiligheid.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file_handler)
