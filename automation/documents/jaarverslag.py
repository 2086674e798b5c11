"""The board's yearly report on social safety (issue 15, part 3): `veiligheid jaarverslag`.

One Word document for the board's annual report and the participation council (GMR), from the same
board's facts as the master and the plans (`checks.board`), rendered from an editable template
(doc_templates/Jaarverslag.docx, or the office's own in sjablonen/) like the plans.

It is published, so it is anonymous (DOMAIN.md §9), and the data it is rendered with holds nothing
else: counts of registrations come as text, never as numbers a template could print;

- a count of 1 to 4 is "minder dan 5" (0 stays 0), and a difference with last year is shown only when
  both counts are shown exactly;
- a sum (the board's count of a kind over its schools, a register's total over its kinds, the total
  over the registers, a school's cases with a reporting duty) is "niet getoond" when it would give a
  small count away by subtraction: exactly one of its parts is hidden, or all hidden parts must be 1
  (or all 4);
- the charts draw only what the tables show exactly, and say under them what they leave out;
- no pupil reference, pseudonym or description of a registration; of people only each school's
  coordinator for social safety (by name); of a measure its goal, the measure, the kind of reason
  (never the reason's free text), its dates, its stand and its evaluation, never its owner; a text of
  a measure that holds what the forms use for a pupil (a number, initials, a code) is withheld whole.

`yearly_context` is pure; `write_report` reads the store, renders and writes the file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.checks.board import FINISHED, RUNNING, BoardFacts, Counted, SchoolFacts, board_facts
from automation.checks.measures import Measure, measures_of
from automation.checks.monitor import SURVEY_ONLY, MonitorCheck, Source, short
from automation.checks.signals import Confidential, DirectorView
from automation.checks.vensters import GROUPS, SMALL, public_name, respondents
from automation.config import Settings
from automation.documents import charts
from automation.documents.build_templates import YEARLY_TEMPLATE, YEARLY_TITLE
from automation.documents.context import THEME_LABELS, column_heading, kinds_in_order, register_label
from automation.documents.formatting import getal
from automation.errors import DocumentsError, OptionProblem
from automation.forms import FORMS, figure_forms
from automation.forms.maatregelen import FORM as MEASURES_FORM
from automation.schoolyear import first_day, previous
from automation.store import Store

if TYPE_CHECKING:
    from automation.documents.lint import Finding
    from automation.documents.render import CompiledTemplate

log = logging.getLogger(__name__)

TITLE = YEARLY_TITLE
TEMPLATE_NAME = YEARLY_TEMPLATE

SMALL_TEXT = f"minder dan {SMALL}"
HIDDEN_TEXT = "niet getoond"
NONE = "–"  # no figure: no data for that period, or no difference shown
NOT_JUDGED = "nog niet te beoordelen"
SOURCES = {Source.LAW: "wet", Source.INSPECTORATE: "inspectie", Source.BOARD: "bestuursnorm"}


def output_name(schooljaar: str) -> str:
    return f"{TITLE} {schooljaar}.docx"


# --- counts as the report may show them -----------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count in the report: `n` None when there are no data for its period; `hidden` when it is a
    sum that would give a small count away."""

    n: int | None
    hidden: bool = False

    @property
    def small(self) -> bool:
        return self.n is not None and 0 < self.n < SMALL

    @property
    def concealed(self) -> bool:
        """Not shown as its number (small, or hidden)."""
        return self.small or self.hidden

    @property
    def exact(self) -> int | None:
        """The number, when the report shows it as such."""
        return None if self.n is None or self.concealed else self.n

    @property
    def text(self) -> str:
        if self.n is None:
            return NONE
        if self.small:
            return SMALL_TEXT
        if self.hidden:
            return HIDDEN_TEXT
        return str(getal(self.n))


def summed(parts: Sequence[Cell]) -> Cell:
    """A sum of parts, hidden whenever any part is not shown as its number: every number the report
    shows is then built from shown numbers only, so no subtraction, within a table or across tables and
    the charts, gives a concealed count away. (A rule that hid only sums that give a part away by
    themselves let a reader combine several of them: a code review found small counts recovered
    exactly on about half of randomly made boards.)"""
    known = [p for p in parts if p.n is not None]
    if not known:
        return Cell(None)
    total = sum(p.n for p in known if p.n is not None)
    return Cell(total, hidden=any(p.concealed for p in known) and total >= SMALL)


def joint(*sums: Cell) -> Cell:
    """One count that the report shows as the sum of more than one set of parts (the board's total: of the
    registers, and of the schools in the chart): hidden when any of those sums would give a part away."""
    assert len({c.n for c in sums}) == 1, sums
    return Cell(sums[0].n, hidden=any(c.hidden for c in sums))


def difference(this: Cell, last: Cell) -> str:
    """This year against last, only when both are shown as their number."""
    now, before = this.exact, last.exact
    if now is None or before is None:
        return NONE
    if now == before:
        return "gelijk"
    return f"+{getal(now - before)}" if now > before else f"−{getal(before - now)}"


def _row(register: str, kind: str, this: Cell, last: Cell) -> dict[str, str]:
    return {
        "register": register,
        "soort": kind,
        "dit_jaar": this.text,
        "vorig_jaar": last.text,
        "verschil": difference(this, last),
    }


# --- the registrations -----------------------------------------------------------------------------

Kinds = dict[str, dict[str, tuple[Cell, Cell]]]  # register -> kind -> (this year, last year)
ALL = "alle"  # the one 'kind' of a register that counts no kinds


def _school_kinds(facts: BoardFacts, sf: SchoolFacts, forms: Sequence[str]) -> Kinds:
    this, last = sf.registrations.this_year, sf.registrations.last_to_date

    def cell(counted: Counted | None, form_id: str, kind: str) -> Cell:
        if counted is None:
            return Cell(None)
        return Cell(counted.of(form_id) if kind == ALL else counted.kind(form_id, kind))

    found: Kinds = {}
    for form_id in forms:
        register = FORMS[form_id].counts
        if register is not None and register.counted:
            seen = set(this.kinds_of(form_id)) | set(last.kinds_of(form_id) if last is not None else ())
            kinds = kinds_in_order(form_id, seen, choices=facts.choices)
        else:  # a register without kinds: its count as one row
            kinds = [ALL] if this.of(form_id) or (last is not None and last.of(form_id)) else []
        found[form_id] = {k: (cell(this, form_id, k), cell(last, form_id, k)) for k in kinds}
    return found


def _board_kinds(facts: BoardFacts, per_school: Mapping[str, Kinds], forms: Sequence[str]) -> Kinds:
    """Each kind over the schools (a school without it counts 0)."""
    known = facts.comparison.last_known
    board: Kinds = {}
    for form_id in forms:
        seen = {k for kinds in per_school.values() for k in kinds.get(form_id, {})}
        order = [ALL] if ALL in seen else kinds_in_order(form_id, seen, choices=facts.choices)
        zero = (Cell(0), Cell(0 if known else None))
        board[form_id] = {
            k: (
                summed([kinds.get(form_id, {}).get(k, zero)[0] for kinds in per_school.values()]),
                summed([kinds.get(form_id, {}).get(k, zero)[1] for kinds in per_school.values()]),
            )
            for k in order
        }
    return board


def _totals(kinds: Kinds, *, known: bool) -> dict[str, tuple[Cell, Cell]]:
    """Each register's total over its kinds (a sum like any other)."""
    return {
        form_id: (
            summed([t for t, _ in by_kind.values()]) if by_kind else Cell(0),
            summed([last for _, last in by_kind.values()]) if by_kind else Cell(0 if known else None),
        )
        for form_id, by_kind in kinds.items()
    }


def _rows(kinds: Kinds) -> list[dict[str, str]]:
    return [
        _row(register_label(form_id), kind, this, last)
        for form_id, by_kind in kinds.items()
        for kind, (this, last) in by_kind.items()
    ]


def _per_register(kinds: Kinds) -> list[dict[str, Any]]:
    return [
        {
            "titel": register_label(form_id),
            "kolom": FORMS[form_id].kinds_heading or "Soort",
            "rijen": [_row(register_label(form_id), kind, this, last) for kind, (this, last) in by_kind.items()],
        }
        for form_id, by_kind in kinds.items()
    ]


# --- the monitor -----------------------------------------------------------------------------------


def _monitor(sf: SchoolFacts) -> dict[str, Any]:
    check = sf.monitor
    judged = check.judged if check.measured else None  # the declared monitor's survey, the law's check judged
    board_norm = [r for r in check.requirements if r.source is Source.BOARD]
    awaited = next((short(r) for r in check.requirements if r.key == "gemeten" and not check.measured), "")
    return {
        "gemeten": judged is not None,
        "oordeel_wet": check.legal_overall,
        "bestuursnorm": board_norm[0].verdict if board_norm and judged else NOT_JUDGED,
        "respondenten": Cell(judged.respondents).text if judged else NONE,
        "instrument": (judged.instrument or NONE) if judged else NONE,
        "nog_niet": awaited,
        "eisen": _requirements(check),
        "peilingen": _surveys(sf),
    }


def _requirements(check: MonitorCheck) -> list[dict[str, str]]:
    return [
        {
            "titel": r.title,
            "bron": SOURCES[r.source],
            "oordeel": r.verdict if check.measured or r.key not in SURVEY_ONLY else NOT_JUDGED,
            "toelichting": short(r) if check.measured or r.key not in SURVEY_ONLY else "nog geen peiling",
        }
        for r in check.requirements
    ]


def _surveys(sf: SchoolFacts) -> list[dict[str, Any]]:
    """The one survey per group the outputs report (`reported_surveys`): its themes' shares; of a survey
    fewer than 5 answered only that, as the Vensters text says it (one person's answers are not shown)."""
    found: list[dict[str, Any]] = []
    for group in GROUPS:
        rows = sf.reported.get(group, ())
        if rows and respondents(rows) < SMALL:
            found.append({"groep": group, "thema": FEW_ANSWERED, "positief": "", "respondenten": SMALL_TEXT})
            continue
        found += [
            {
                "groep": group,
                "thema": THEME_LABELS.get(r.theme, r.theme_label),
                "positief": r.positive if r.positive is not None else "",
                "respondenten": respondents(rows),
            }
            for r in rows
        ]
    return found


FEW_ANSWERED = "te weinig deelnemers om uitkomsten te tonen"


# --- measures and reporting duties -------------------------------------------------------------------


def _measures(measures: Sequence[Measure]) -> list[dict[str, Any]]:
    return [
        {
            "doel": m.goal,
            "maatregel": m.measure,
            "aanleiding": m.reason,  # its kind or the monitor's theme, never its free text
            "start": m.start,
            "eind": m.end,
            "stand": m.status,
            "geevalueerd": m.evaluated is not None,
            "evaluatie_datum": m.evaluated or "",
            "evaluatie": m.result,
        }
        for m in measures
    ]


def _duties(sf: SchoolFacts) -> tuple[Cell, Cell, Cell]:
    """Cases with a reporting duty, reported and still open; the first is the sum of the other two."""
    reported, still_open = Cell(sf.duties.reported), Cell(sf.duties.open)
    return summed([reported, still_open]), reported, still_open


def _all_reported(reportable: int, still_open: int) -> str:
    return NONE if not reportable else ("ja" if not still_open else "nee")


# --- the whole report --------------------------------------------------------------------------------


def yearly_context(
    facts: BoardFacts, *, measures: Mapping[str, Sequence[Measure]], with_charts: bool = True
) -> dict[str, Any]:
    """The data the yearly report is rendered with; `measures`: per school those that run in its year."""
    cmp = facts.comparison
    known = cmp.last_known
    # a register whose every report is confidential (aggression against staff) is left out whole: its
    # counts would be 0 without them, and 0 says something that is not so
    forms = [
        f for f in facts.registers if f in figure_forms() and not any(not c.when_all for c in FORMS[f].confidential)
    ]
    kinds = {brin: _school_kinds(facts, sf, forms) for brin, sf in facts.schools.items()}
    board = _board_kinds(facts, kinds, forms)
    totals = _totals(board, known=known)
    grand = (
        joint(summed([t for t, _ in totals.values()]), summed([_school_total(k) for k in kinds.values()])),
        summed([last for _, last in totals.values()]),
    )  # this year's total is also the sum of the chart's schools: one left out must not be given away
    duties = {brin: _duties(sf) for brin, sf in facts.schools.items()}
    schools = [_school(sf, kinds[sf.brin], duties[sf.brin], measures.get(sf.brin, ())) for sf in facts.schools.values()]
    all_measures = [m for brin in facts.schools for m in measures.get(brin, ())]
    context: dict[str, Any] = {
        "bestuur": facts.board,
        "schooljaar": facts.schooljaar,
        "vorig_schooljaar": previous(facts.schooljaar),
        "peildatum": facts.today,
        "periode": {
            "lopend": cmp.this.status == RUNNING,
            "afgelopen": cmp.this.status == FINISHED,
            "begin": cmp.this.start,
            "einde": cmp.this.end,
            "tot": cmp.this.until or "",
        },
        "vergelijking": {
            "bekend": known,
            "vorig_tot": cmp.last_until or "",
            "vorig_begin": first_day(cmp.last.year),
            "deels": known and cmp.last_partly,
            "gegevens_vanaf": cmp.first_event or "",
        },
        "kop_dit_jaar": column_heading(cmp.this, cmp.this.until),
        "kop_vorig_jaar": column_heading(cmp.last, cmp.last_until),
        "aantal_scholen": len(facts.schools),
        "registraties": {
            "totalen": [_row(register_label(f), "", *totals[f]) for f in forms] + [_row("Totaal", "", *grand)],
            "per_soort": _per_register(board),
            "niet_getoond": any(c.hidden for by_kind in board.values() for pair in by_kind.values() for c in pair)
            or any(c.hidden for pair in [*totals.values(), grand] for c in pair),
        },
        "monitor": _board_monitor(schools),
        "meldplichten": _board_duties(facts, duties),
        "maatregelen": _board_measures(all_measures) | {"scholen": sum(bool(m) for m in measures.values())},
        "scholen": schools,
        "grafieken": {"registers": None, "scholen": None},
    }
    context["grafiek_toelichting"] = _chart_notes(facts, totals, kinds, forms)
    if with_charts:
        context["grafieken"] = _charts(facts, totals, kinds, forms)
    return context


def _school(
    sf: SchoolFacts, kinds: Kinds, duties: tuple[Cell, Cell, Cell], measures: Sequence[Measure]
) -> dict[str, Any]:
    form = sf.school_form.data if sf.school_form else {}
    reportable, reported, still_open = duties
    return {
        "brin": sf.brin,
        "naam": sf.name,
        "coordinator": public_name(form.get("coordinator_naam") or "") or "[niet bekend]",
        "registraties": _rows(kinds),
        "per_soort": _per_register(kinds),
        "geen_registraties": not any(kinds.values()),
        "monitor": _monitor(sf),
        "maatregelen": _measures(measures),
        "meldplicht": {
            "meldplichtig": reportable.text,
            "gemeld": reported.text,
            "open": still_open.text,
            "alles_gemeld": _all_reported(sf.duties.reportable, sf.duties.open),
            "geen": not sf.duties.reportable,
        },
    }


def _board_monitor(schools: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(s["monitor"]["oordeel_wet"] for s in schools)
    return {
        "scholen": [
            {
                "school": f"{s['brin']} {s['naam']}",
                "oordeel_wet": s["monitor"]["oordeel_wet"],
                "bestuursnorm": s["monitor"]["bestuursnorm"],
                "respondenten": s["monitor"]["respondenten"],
                "instrument": s["monitor"]["instrument"],
            }
            for s in schools
        ],
        "voldoet": verdicts["voldoet"],
        "aandacht": verdicts["aandacht"],
        "voldoet_niet": verdicts["voldoet niet"],
        "gemeten": sum(bool(s["monitor"]["gemeten"]) for s in schools),
    }


def _board_duties(facts: BoardFacts, duties: Mapping[str, tuple[Cell, Cell, Cell]]) -> dict[str, Any]:
    reported = summed([d[1] for d in duties.values()])
    still_open = summed([d[2] for d in duties.values()])
    reportable = joint(summed([d[0] for d in duties.values()]), summed([reported, still_open]))
    return {
        "meldplichtig": reportable.text,
        "gemeld": reported.text,
        "open": still_open.text,
        "geen": not any(sf.duties.reportable for sf in facts.schools.values()),
        "alles_gemeld": all(not sf.duties.open for sf in facts.schools.values()),
        "scholen_open": sum(bool(sf.duties.open) for sf in facts.schools.values()),
    }


def _board_measures(measures: Sequence[Measure]) -> dict[str, Any]:
    stands = Counter(m.status for m in measures)
    order = MEASURES_FORM.field("status").choices
    choices = dict(MEASURES_FORM.choice_lists).get(order or "", ())
    return {
        "totaal": len(measures),
        "per_stand": [{"stand": s, "aantal": stands[s]} for s in choices if stands[s]],
        "geevalueerd": sum(m.evaluated is not None for m in measures),
    }


def _shown_totals(
    totals: Mapping[str, tuple[Cell, Cell]], forms: Sequence[str]
) -> list[tuple[str, int | None, int | None]]:
    def bar(cell: Cell) -> int | None:
        return cell.exact or None  # a small or hidden count is no bar; 0 draws nothing either

    return [(_short(f), bar(totals[f][0]), bar(totals[f][1])) for f in forms]


def _school_total(kinds: Kinds) -> Cell:
    """A school's registrations this year, over its kinds (0 without any)."""
    return summed([Cell(0), *(this for by_kind in kinds.values() for this, _ in by_kind.values())])


def _chart_notes(
    facts: BoardFacts, totals: Mapping[str, tuple[Cell, Cell]], kinds: Mapping[str, Kinds], forms: Sequence[str]
) -> dict[str, str]:
    left_out = [c for f in forms for c in totals[f] if c.concealed]
    unshown = [brin for brin, k in kinds.items() if _school_total(k).concealed]
    registers = (
        "Aantallen kleiner dan 5, en aantallen die niet getoond worden omdat ze een klein aantal zouden verraden, "
        "staan niet in de grafiek."
        if left_out
        else ""
    )
    n = len(unshown)
    schools = (
        f"{n} {'school staat' if n == 1 else 'scholen staan'} niet in de grafiek: met minder dan 5 registraties, of "
        "met een aantal dat niet getoond wordt omdat het een klein aantal zou verraden."
        if unshown
        else ""
    )
    return {"registers": registers, "scholen": schools}


def _charts(
    facts: BoardFacts, totals: Mapping[str, tuple[Cell, Cell]], kinds: Mapping[str, Kinds], forms: Sequence[str]
) -> dict[str, charts.Chart | None]:
    cmp = facts.comparison
    shown = [(brin, _school_total(k)) for brin, k in kinds.items()]
    return {
        "registers": charts.compared_per_register(
            _shown_totals(totals, forms),
            this=column_heading(cmp.this, cmp.this.until).replace("\n", " "),
            last=column_heading(cmp.last, cmp.last_until).replace("\n", " "),
        )
        if cmp.last_known or any(totals[f][0].exact for f in forms)
        else None,
        "scholen": charts.per_school(
            [(brin, cell.exact) for brin, cell in shown if cell.exact is not None], year=facts.schooljaar
        ),
    }


def _short(form_id: str) -> str:
    register = FORMS[form_id].counts
    return register.short if register else FORMS[form_id].title


# --- writing it ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    path: Path
    schooljaar: str
    origin: str  # where the template came from: a file, or "ingebouwd"


def report_folder(settings: Settings) -> Path:
    """Beside the master and the plans' folder."""
    return settings.paths.outbox


def load_template(folders: Sequence[Path]) -> tuple[CompiledTemplate, str]:
    """The first folder's Jaarverslag.docx (the office's own before the product's), else the built-in one."""
    from automation.documents.render import CompiledTemplate, environment

    env = environment()
    path = next((f / TEMPLATE_NAME for f in folders if (f / TEMPLATE_NAME).is_file()), None)
    if path is not None:
        return CompiledTemplate.load(path, env), str(path)
    from automation.documents.build_templates import build_yearly

    return CompiledTemplate.from_bytes(TEMPLATE_NAME, build_yearly(), env), "ingebouwd"


def public_facts(store: Store, settings: Settings, *, schooljaar: str, today: dt.date) -> BoardFacts:
    """The board's facts without its confidential registrations (sexual misconduct, aggression against
    staff, a staff member as perpetrator: `FormDef.confidential`), in the counts and the reporting
    duties of every school, and so of the board: per named school a colleague the readers know could be
    recognised. The report says they are left out; the office accounts for them apart."""
    facts = board_facts(store, settings.board, choices=settings.choices, schooljaar=schooljaar, today=today)
    view, secret = DirectorView(store, today=today, schooljaar=schooljaar), Confidential(store, settings.choices)
    return replace(facts, schools={brin: view.of(sf, secret) for brin, sf in facts.schools.items()})


def school_measures(store: Store, facts: BoardFacts) -> dict[str, list[Measure]]:
    records = store.filled_forms(MEASURES_FORM.id)
    return {brin: measures_of(records, school=brin, schooljaar=facts.schooljaar) for brin in facts.schools}


def refuse_coming(schooljaar: str, today: dt.date) -> None:
    if first_day(schooljaar) > today:
        raise OptionProblem(
            f"Het schooljaar {schooljaar} is nog niet begonnen; een jaarverslag erover kan pas als het loopt."
        )


def write_report(
    settings: Settings,
    store: Store,
    *,
    schooljaar: str,
    today: dt.date,
    folders: Sequence[Path],
    at: dt.datetime | None = None,
) -> Written:
    """Read the board's facts and measures in one view of the store, render the report and write it
    (beside it first, then moved into place) into outbox/."""
    refuse_coming(schooljaar, today)
    template, origin = load_template(folders)
    with store.reading():
        facts = public_facts(store, settings, schooljaar=schooljaar, today=today)
        measures = school_measures(store, facts)
    context = yearly_context(facts, measures=measures)
    folder = report_folder(settings)
    target = folder / output_name(schooljaar)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        template.render(
            context,
            target,
            title=f"{TITLE} {schooljaar}",
            subject=f"{facts.board}, schooljaar {schooljaar}",
            author=facts.board,
            at=at or dt.datetime.now(),
        )
    except PermissionError as exc:
        raise DocumentsError(
            f"Kan {target} niet schrijven: is het geopend in Word, of mag het programma niet schrijven in "
            f"{folder}? Sluit het, of laat ICT de rechten van de map nakijken, en probeer het opnieuw."
        ) from exc
    except OSError as exc:  # the outbox a file, the name taken by a folder, a full disk, a share gone
        raise DocumentsError(f"Kan {target} niet schrijven: {exc.strerror or exc}.") from exc
    try:
        target.with_suffix(".pdf").unlink(missing_ok=True)  # an old PDF would show the old text
    except OSError as exc:  # open in a viewer on Windows: the Word file is new, say that the PDF is not
        log.warning("De oude PDF van het jaarverslag kon niet worden weggehaald (%s).", exc.strerror)
    return Written(target, schooljaar, origin)


# --- the template check (`veiligheid templates check`) ---------------------------------------------------


def sample_context() -> dict[str, Any]:
    """The report of the example school (documents.sample), its measures included: what the template
    check renders the template with (every table filled)."""
    from automation.documents.sample import BRIN, sample_facts, sample_measures

    return yearly_context(sample_facts(), measures={BRIN: sample_measures()}, with_charts=False)


def real_context(settings: Settings, store: Store, *, schooljaar: str, today: dt.date) -> dict[str, Any]:
    """The board's own report, without charts: what the template check also renders it with."""
    with store.reading():
        facts = public_facts(store, settings, schooljaar=schooljaar, today=today)
        measures = school_measures(store, facts)
    return yearly_context(facts, measures=measures, with_charts=False)


def check_template(
    folders: Sequence[Path], *, builtin: bool, contexts: Sequence[Mapping[str, Any]] = ()
) -> tuple[str | None, list[Finding]]:
    """The yearly report's template as `templates check` checks the plan's: the first of `folders` that has
    it (else, with `builtin`, the built-in one; else it is missing). Returns where it came from and what is
    wrong with it."""
    from automation.documents.build_templates import build_yearly
    from automation.documents.lint import ERROR, Finding, check_template

    path = next((f / TEMPLATE_NAME for f in folders if (f / TEMPLATE_NAME).is_file()), None)
    if path is None and not builtin:
        return None, [Finding(TEMPLATE_NAME, ERROR, "ontbreekt")]
    data, origin = (path.read_bytes(), str(path)) if path is not None else (build_yearly(), "ingebouwd")
    return origin, check_template(TEMPLATE_NAME, data, sample=sample_context(), contexts=contexts)
