"""The text of the checklist template: the internal to-do list beside the veiligheidsplan (Dutch).

The plan is a policy document for the director, the MR and parents (DOMAIN.md §8); what is missing,
what must still be reported and which actions are open stand here, for the director and the office.
"""

from __future__ import annotations

from automation.documents.writer import Writer

MISSING_NOTE = (
    "Wat het plan nog mist of wat nog niet in orde is, wie daarvoor zorgt en hoe; daarna wordt het plan opnieuw "
    "gemaakt."
)


def write_checklist(w: Writer) -> None:
    w.p("Bij het veiligheidsplan · {{ school.naam }} · {{ schooljaar }}", style="Subtitle")
    w.p("Checklist", style="Title")
    w.p(
        "Deze checklist is voor intern gebruik door de directeur, de coördinator sociale veiligheid en het "
        "bestuurskantoor; ze hoort niet bij het plan dat de school publiceert. Ze zegt wat er nog moet gebeuren, "
        "met de stand op {{ peildatum|datum }}."
    )
    _missing(w)
    _reporting(w)
    _open_actions(w)


def _missing(w: Writer) -> None:
    w.h2("1 Nog aan te vullen")
    w.tag("if ontbreekt")
    w.p(MISSING_NOTE)
    w.loop_table(
        ["Wie", "Hoe", "Wat ontbreekt of moet beter"],
        "m in ontbreekt",
        ["{{ m.wie }}", "{{ m.hoe }}", "{{ m.wat }}"],
        widths=(3.6, 5.2, 7.4),
    )
    w.tag("else")
    w.p("Alle gegevens die het plan gebruikt, zijn aangeleverd.")
    w.tag("endif")


def _reporting(w: Writer) -> None:
    w.h2("2 Meldplichten")
    w.tag("if periode.toekomstig or not registraties.meldplichtig")
    w.p("Er is geen geval dat gemeld moet worden bij de Arbeidsinspectie of de vertrouwensinspecteur.")
    w.tag("elif not registraties.niet_gemeld")
    w.p(
        "{% if registraties.meldplichtig == 1 %}Het geval dat gemeld moest worden, staat{% else %}Alle "
        "{{ registraties.meldplichtig|getal }} gevallen die gemeld moesten worden, staan{% endif %} als gemeld "
        "geregistreerd."
    )
    w.tag("else")
    w.p(
        "Nog niet gemeld: {% if registraties.meldplichtig == 1 %}het geval dat gemeld moet worden bij de "
        "Arbeidsinspectie of de vertrouwensinspecteur. Meld het{% else %}{{ registraties.niet_gemeld|getal }} van "
        "de {{ registraties.meldplichtig|getal }} gevallen die gemeld moeten worden bij de Arbeidsinspectie of de "
        "vertrouwensinspecteur. Meld {{ 'het' if registraties.niet_gemeld == 1 else 'ze' }}{% endif %} direct en "
        "zet de datum van de melding op het formulier."
    )
    w.tag("endif")


def _open_actions(w: Writer) -> None:
    w.h2("3 Openstaande acties")
    w.tag("if registraties.open_acties")
    w.p("Op {{ peildatum|datum }} staan voor deze school nog deze acties open:")
    w.loop_table(
        ["Actie", "Aantal"],
        "a in registraties.open_acties",
        ["{{ a.actie }}", "{{ a.aantal|getal }}"],
        widths=(13.0, 3.2),
        keep_together=True,
    )
    w.p(
        "Het bestuurskantoor volgt deze acties in het bestuursoverzicht; de directeur zorgt dat ze worden afgehandeld.",
        style="Klein",
    )
    w.tag("else")
    w.p("Op {{ peildatum|datum }} staan er voor deze school geen acties open.")
    w.tag("endif")
