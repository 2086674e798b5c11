"""The text of the yearly report's template (Dutch; the data it gets: `documents.jaarverslag`)."""

from __future__ import annotations

from automation.documents.writer import Writer

COMPARE = ["{{ kop_dit_jaar }}", "{{ kop_vorig_jaar }}", "Verschil"]
COMPARE_WIDTHS = (6.2, 3.4, 3.4, 3.2)


def write_yearly(w: Writer) -> None:
    _title_page(w)
    w.page_break()
    w.toc()
    w.page_break()
    _introduction(w)
    _registrations(w)
    _monitor(w)
    _duties(w)
    _measures(w)
    _schools(w)


def _title_page(w: Writer) -> None:
    w.title_page(
        kicker="{{ bestuur }}",
        title="Jaarverslag sociale veiligheid",
        subtitle="Voor het bestuursverslag en de GMR",
        year="Schooljaar {{ schooljaar }}",
    )
    w.p()
    w.label_table(
        [
            ("Bestuur", "{{ bestuur }}"),
            ("Schooljaar", "{{ schooljaar }}{% if periode.lopend %} (loopt nog){% endif %}"),
            ("Stand van de gegevens", "{{ peildatum|datum }}"),
            ("Scholen", "{{ aantal_scholen }}"),
        ]
    )


def _period(w: Writer) -> None:
    w.p(
        "{% if periode.lopend %}Het schooljaar {{ schooljaar }} loopt nog: dit verslag telt tot en met "
        "{{ periode.tot|datum }}.{% if vergelijking.bekend %} De vergelijking is met dezelfde periode van "
        "{{ vorig_schooljaar }}: {{ vergelijking.vorig_begin|datum }} tot en met {{ vergelijking.vorig_tot|datum }}."
        "{% endif %}{% else %}Dit verslag gaat over het hele schooljaar {{ schooljaar }} ({{ periode.begin|datum }} "
        "tot en met {{ periode.einde|datum }}){% if vergelijking.bekend %}, vergeleken met het hele schooljaar "
        "{{ vorig_schooljaar }}{% endif %}.{% endif %}{% if not vergelijking.bekend %} Over "
        "{% if periode.lopend %}dezelfde periode van {% endif %}{{ vorig_schooljaar }} zijn geen gegevens"
        "{% if vergelijking.gegevens_vanaf %} (de eerste registratie is van {{ vergelijking.gegevens_vanaf|datum }})"
        "{% endif %}, dus vergelijken met vorig jaar kan niet.{% elif vergelijking.deels %} Van "
        "{{ vorig_schooljaar }} zijn er gegevens vanaf {{ vergelijking.gegevens_vanaf|datum }}.{% endif %}"
    )


def _introduction(w: Writer) -> None:
    w.h1("1 Over dit verslag")
    w.p(
        "Elke school van {{ bestuur }} zorgt voor een sociaal veilige school en laat zien dat ze dat doet "
        "(artikel 4c van de Wet op het primair onderwijs). Dit verslag legt daar over het schooljaar "
        "{{ schooljaar }} verantwoording over af, voor het bestuursverslag en voor de gemeenschappelijke "
        "medezeggenschapsraad (GMR): wat de scholen registreerden, wat de monitor van de sociale veiligheid "
        "liet zien, welke meldplichten er waren en wat de scholen aan maatregelen namen."
    )
    _period(w)
    w.h2("1.1 Anoniem")
    w.p("Het verslag is anoniem. Daarom:")
    w.bullets(
        [
            "staat een aantal van 1 tot en met 4 er als ‘minder dan 5’ (0 blijft 0), en staat er dan geen "
            "verschil met vorig jaar;",
            "staat er ‘niet getoond’ bij elk totaal waarin zo’n klein aantal meetelt: elk getal dat er staat, is "
            "opgeteld uit getallen die er ook staan, zodat niets terug te rekenen is;",
            "tonen de grafieken alleen wat de tabellen precies tonen; onder elke grafiek staat wat eruit is "
            "weggelaten;",
            "tellen vertrouwelijke meldingen (seksueel grensoverschrijdend gedrag, agressie tegen personeel, een "
            "medewerker als pleger) niet mee, ook niet bij de meldplichten: bij een genoemde school zou de "
            "betrokkene te herkennen zijn. Het bestuur legt daarover apart verantwoording af;",
            "staan er geen leerlingen en geen omschrijvingen van voorvallen in, en van personen alleen de "
            "coördinatoren sociale veiligheid. De teksten van de maatregelen zijn die van de directeuren; het "
            "bestuurskantoor leest ze na voordat het verslag wordt gedeeld.",
        ]
    )
    w.p(
        "Een oordeel over de monitor zegt waar het op rust: de **wet** (artikel 4c WPO), de **inspectie** of een "
        "**bestuursnorm** (een afspraak van het bestuur zelf, geen wettelijke eis)."
    )


def _registrations(w: Writer) -> None:
    w.h1("2 Registraties")
    w.p(
        "Incidenten met leerlingen, agressie en geweld tegen personeel en ongevallen, zoals de scholen ze "
        "registreerden, van alle scholen samen."
    )
    w.loop_table(
        ["Registraties", *COMPARE],
        "t in registraties.totalen",
        ["{{ t.register }}", "{{ t.dit_jaar }}", "{{ t.vorig_jaar }}", "{{ t.verschil }}"],
        widths=COMPARE_WIDTHS,
        keep_together=True,
    )
    _table_note(w)
    w.tag("if grafieken.registers")
    w.figure("{{ grafieken.registers }}", "Registraties per soort formulier, alle scholen samen.")
    w.tag("endif")
    w.tag("if grafiek_toelichting.registers")
    w.p("{{ grafiek_toelichting.registers }}", style="Klein", align="center")
    w.tag("endif")
    w.tag("for s in registraties.per_soort")
    w.h2("{{ s.titel }} per soort")
    _kinds(w, "s", "In de vergeleken periodes is hiervan niets geregistreerd.")
    w.tag("endfor")
    w.tag("if grafieken.scholen")
    w.figure("{{ grafieken.scholen }}", "Registraties per school, schooljaar {{ schooljaar }}.")
    w.tag("endif")
    w.tag("if grafiek_toelichting.scholen")
    w.p("{{ grafiek_toelichting.scholen }}", style="Klein", align="center")
    w.tag("endif")


def _table_note(w: Writer) -> None:
    w.p(
        "–: geen gegevens, of geen verschil getoond omdat een van beide aantallen kleiner is dan 5 of niet "
        "getoond wordt.",
        style="Klein",
    )


def _kinds(w: Writer, item: str, none: str) -> None:
    """The kinds of one register against last year, or a sentence when there are none."""
    w.tag(f"if {item}.rijen")
    w.loop_table(
        ["{{ " + item + ".kolom }}", *COMPARE],
        f"c in {item}.rijen",
        ["{{ c.soort }}", "{{ c.dit_jaar }}", "{{ c.vorig_jaar }}", "{{ c.verschil }}"],
        widths=COMPARE_WIDTHS,
        keep_together=True,
    )
    w.tag("else")
    w.p(none)
    w.tag("endif")


def _monitor(w: Writer) -> None:
    w.h1("3 Monitor van de sociale veiligheid")
    w.p(
        "Elke school meet minstens één keer per schooljaar de veiligheid van haar leerlingen, bij een "
        "representatief deel van de leerlingen en met een gestandaardiseerd, valide en betrouwbaar instrument "
        "dat veiligheidsbeleving, aantasting van de veiligheid en welbevinden laat zien (artikel 4c WPO). "
        "De toets per school staat in hoofdstuk 6."
    )
    w.p(
        "In {{ schooljaar }} zijn bij {{ monitor.gemeten }} van de "
        "{{ aantal_scholen }} scholen de leerlingen gepeild. Oordeel volgens de wet: {{ monitor.voldoet }} "
        "{{ 'school voldoet' if monitor.voldoet == 1 else 'scholen voldoen' }}, {{ monitor.aandacht }} "
        "{{ 'vraagt' if monitor.aandacht == 1 else 'vragen' }} aandacht en {{ monitor.voldoet_niet }} "
        "{{ 'voldoet' if monitor.voldoet_niet == 1 else 'voldoen' }} (nog) niet."
    )
    w.loop_table(
        ["School", "Oordeel (wet)", "Respons (bestuursnorm)", "Leerlingen in de monitor", "Instrument"],
        "m in monitor.scholen",
        ["{{ m.school }}", "{{ m.oordeel_wet }}", "{{ m.bestuursnorm }}", "{{ m.respondenten }}", "{{ m.instrument }}"],
        widths=(4.6, 2.6, 3.0, 2.4, 3.6),
    )
    w.p(
        "De minimale respons is een bestuursnorm, geen eis van de wet: een lagere respons vraagt aandacht, het "
        "is geen wettelijk gebrek. ‘Nog niet te beoordelen’: de monitor van de leerlingen is (nog) niet ontvangen.",
        style="Klein",
    )


def _duties(w: Writer) -> None:
    w.h1("4 Meldplichten")
    w.p(
        "Een ongeval of agressie met ernstig letsel bij een medewerker meldt de school direct aan de Nederlandse "
        "Arbeidsinspectie; seksueel grensoverschrijdend gedrag door een medewerker meldt het bestuur aan de "
        "vertrouwensinspecteur."
    )
    w.tag("if meldplichten.geen")
    w.p("In {{ schooljaar }} was er op geen van de scholen een geval dat gemeld moest worden.")
    w.tag("else")
    w.label_table(
        [
            ("Gevallen met een meldplicht", "{{ meldplichten.meldplichtig }}"),
            ("Gemeld", "{{ meldplichten.gemeld }}"),
            ("Nog niet gemeld", "{{ meldplichten.open }}"),
        ]
    )
    w.p(
        "{% if meldplichten.alles_gemeld %}Alle gevallen met een meldplicht zijn gemeld.{% else %}Op "
        "{{ meldplichten.scholen_open }} {{ 'school' if meldplichten.scholen_open == 1 else 'scholen' }} is "
        "nog niet elk geval gemeld; het bestuurskantoor ziet erop toe dat dat gebeurt.{% endif %}"
    )
    w.tag("endif")


def _measures(w: Writer) -> None:
    w.h1("5 Maatregelen")
    w.tag("if maatregelen.totaal")
    w.p(
        "De scholen legden voor {{ schooljaar }} {{ maatregelen.totaal|telling('maatregel', 'maatregelen') }} "
        "vast (op {{ maatregelen.scholen|telling('school', 'scholen') }}); "
        "{{ maatregelen.geevalueerd|telling('maatregel is', 'maatregelen zijn') }} geëvalueerd. Per school staan "
        "ze in hoofdstuk 6."
    )
    w.loop_table(
        ["Stand", "Maatregelen"],
        "m in maatregelen.per_stand",
        ["{{ m.stand }}", "{{ m.aantal }}"],
        widths=(8.0, 8.2),
    )
    w.tag("else")
    w.p("Voor {{ schooljaar }} legde geen school een maatregel vast op het formulier Doelen en maatregelen.")
    w.tag("endif")


def _schools(w: Writer) -> None:
    w.h1("6 Per school")
    w.tag("for s in scholen")
    w.h2("{{ s.brin }} {{ s.naam }}")
    w.p("Coördinator sociale veiligheid en aanspreekpunt pesten: {{ s.coordinator }}.")
    w.h3("Registraties")
    w.tag("if s.geen_registraties")
    w.p("In de vergeleken periodes heeft de school niets geregistreerd.")
    w.tag("else")
    w.loop_table(
        ["Soort", *COMPARE],
        "r in s.registraties",
        ["{{ r.register }}: {{ r.soort }}", "{{ r.dit_jaar }}", "{{ r.vorig_jaar }}", "{{ r.verschil }}"],
        widths=COMPARE_WIDTHS,
    )
    w.tag("endif")
    w.h3("Monitor")
    w.p(
        "{% if s.monitor.gemeten %}De monitor: {{ s.monitor.instrument }}, {{ s.monitor.respondenten }} "
        "leerlingen.{% else %}De monitor van {{ schooljaar }}: {{ s.monitor.nog_niet }}.{% endif %} "
        "Oordeel volgens de wet: {{ s.monitor.oordeel_wet }}."
    )
    w.loop_table(
        ["Eis", "Grond", "Oordeel", "Toelichting"],
        "e in s.monitor.eisen",
        ["{{ e.titel }}", "{{ e.bron }}", "{{ e.oordeel }}", "{{ e.toelichting }}"],
        widths=(5.4, 2.4, 2.8, 5.6),
    )
    w.tag("if s.monitor.peilingen")
    w.loop_table(
        ["Peiling: groep", "Thema", "% gunstige antwoorden", "Respondenten"],
        "p in s.monitor.peilingen",
        ["{{ p.groep }}", "{{ p.thema }}", "{{ p.positief|procent }}", "{{ p.respondenten }}"],
        widths=(2.6, 7.4, 3.4, 2.8),
    )
    w.tag("endif")
    w.h3("Maatregelen")
    w.tag("if s.maatregelen")
    w.loop_table(
        ["Doel en maatregel", "Aanleiding", "Looptijd", "Stand en evaluatie"],
        "m in s.maatregelen",
        [
            "**{{ m.doel }}** {{ m.maatregel }}",
            "{{ m.aanleiding }}",
            "{{ m.start|datum_kort }} tot {{ m.eind|datum_kort }}",
            "{{ m.stand }}{% if m.geevalueerd %}; geëvalueerd op {{ m.evaluatie_datum|datum_kort }}: "
            "{{ m.evaluatie }}{% else %}; nog niet geëvalueerd{% endif %}",
        ],
        widths=(6.2, 2.8, 2.6, 4.6),
    )
    w.tag("else")
    w.p("De school legde voor {{ schooljaar }} geen maatregel vast.")
    w.tag("endif")
    w.h3("Meldplichten")
    w.p(
        "{% if s.meldplicht.geen %}Geen geval met een meldplicht.{% else %}Gevallen met een meldplicht: "
        "{{ s.meldplicht.meldplichtig }}; gemeld: {{ s.meldplicht.gemeld }}; nog niet gemeld: "
        "{{ s.meldplicht.open }}. Alles gemeld: {{ s.meldplicht.alles_gemeld }}.{% endif %}"
    )
    w.tag("endfor")
