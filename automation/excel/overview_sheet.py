"""The Overzicht and Voortgang sheets: where the board stands and what needs doing, at a glance."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Protocol

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from automation.checks.board import BoardFacts, SchoolFacts
from automation.checks.milestones import DONE, LATE
from automation.checks.monitor import ATTENTION, FAILS, MEETS
from automation.checks.signals import Signal
from automation.excel.tables import header_height, header_width, print_on_pages
from automation.forms import FORMS, figure_forms
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.maatregelen import OVERDUE
from automation.forms.school import MILESTONES
from automation.schoolyear import MONTHS, months, previous

RED, AMBER, GREEN = "#FFC7CE", "#FFEB9C", "#C6EFCE"
MAX_LISTED = 100


def _formats(wb: Workbook) -> dict[str, Any]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E79"}),
        "sub": wb.add_format({"italic": True, "font_color": "#595959"}),
        "head": wb.add_format({"bold": True, "font_color": "white", "bg_color": "#1F4E79", "text_wrap": True}),
        "head_line": wb.add_format({"bold": True, "font_color": "white", "bg_color": "#1F4E79"}),
        "cell": wb.add_format({"border": 1, "border_color": "#D9D9D9"}),
        "wrap": wb.add_format({"border": 1, "border_color": "#D9D9D9", "text_wrap": True, "valign": "top"}),
        "num": wb.add_format({"border": 1, "border_color": "#D9D9D9", "num_format": "0"}),
        "when": wb.add_format({"border": 1, "border_color": "#D9D9D9", "num_format": "dd-mm-yyyy hh:mm"}),
        "date": wb.add_format({"border": 1, "border_color": "#D9D9D9", "num_format": "dd-mm-yyyy"}),
        "total": wb.add_format({"bold": True, "top": 2, "num_format": "0"}),
        "section": wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E79"}),
        "red": wb.add_format({"bg_color": RED, "font_color": "#9C0006"}),
        "amber": wb.add_format({"bg_color": AMBER, "font_color": "#9C5700"}),
        "green": wb.add_format({"bg_color": GREEN, "font_color": "#006100"}),
    }


class Unhandled(Protocol):
    """An entry left in the inbox that the product does not take (intake.leftovers.Leftover)."""

    @property
    def name(self) -> str: ...
    @property
    def since(self) -> dt.datetime: ...
    @property
    def school(self) -> str | None: ...
    @property
    def reason(self) -> str: ...


def write_overview(
    wb: Workbook,
    facts: BoardFacts,
    *,
    generated: dt.datetime,
    unhandled: Sequence[Unhandled] = (),
    kind_columns: Sequence[str] | None = None,
    config_problem: str | None = None,
    signals: Mapping[str, Sequence[Signal]] | None = None,
) -> Worksheet:
    ws = wb.add_worksheet("Overzicht")
    chart_ws = wb.add_worksheet("Grafiekdata")
    f = _formats(wb)
    year, board, actions, schools = facts.schooljaar, facts.board, facts.actions, facts.names
    last = previous(year)
    registers = facts.registers
    first = _by_kind(registers)
    main_categories = _categories(first, facts.choices, only=kind_columns)
    listed = set(main_categories)
    # (title, width, value of a school row); numbers get a total
    columns: list[tuple[str, float, Callable[[SchoolFacts], Any]]] = [
        ("BRIN", 8, lambda r: r.brin),
        ("School", 26, lambda r: r.name),
        *(
            (f"{_short(k)} {year}", _register_width(k, first=first, registers=registers), _this_year(k))
            for k in registers
        ),
        *((f"waarvan {c}", 11, _kind(first, c)) for c in main_categories),
        (OTHER_KINDS, 10, _other_kinds(first, listed)),
        *((f"{_short(k)} {last}", 12, _last_year(k)) for k in registers),
        (MEASURES_OVERDUE, 12, _measures_overdue),
        ("Open acties", 10, lambda r: r.open_cases),
        ("Open afwijzingen", 11, lambda r: r.rejections[0]),
        ("Oudste open afwijzing", 13, lambda r: r.rejections[1] or ""),
        (DONE_TITLE, 12, lambda r: r.milestones_done),
        ("Mijlpalen te laat", 11, lambda r: r.milestones_late),
        ("Monitor (wettelijke eisen)", 40, lambda r: r.monitor.summary),
        ("Laatste formulier ontvangen", 14, lambda r: r.last_received or "nog niets"),
        ("Plan gemaakt", 14, lambda r: r.plan_made or "nog niet"),
        ("Plan actueel", 12, _plan_current),
    ]
    rows = list(facts.schools.values())
    col_of = {title: col for col, (title, _, _) in enumerate(columns)}
    ws.write_string(0, 0, f"Bestuursoverzicht sociale veiligheid — {board}", f["title"])
    ws.write_string(
        1,
        0,
        f"Schooljaar {year} · bijgewerkt {generated:%d-%m-%Y %H:%M} · de kolommen {last}: het hele vorige "
        f"schooljaar ('{NO_DATA}': van toen is niets geregistreerd)",
        f["sub"],
    )
    if config_problem:  # the watcher goes on with the last good config: say so where the office looks
        ws.write_string(
            2,
            0,
            f"Let op: de gewijzigde veiligheid.toml is fout; het programma werkt met de vorige. {config_problem}",
            f["red"],
        )
    elif found := sum(len(found) for found in (signals or {}).values()):  # the signals first, where the eye starts
        ws.write_string(
            2,
            0,
            f"{SIGNALS_TITLE}: {found} — onder de tabel, boven de open acties (drempels van het bestuur)",
            f["sub"],
        )
    top = 3
    ws.set_row(top, header_height([(title, width) for title, width, _ in columns]))
    for col, (title, width, _) in enumerate(columns):
        ws.write_string(top, col, title, f["head"])
        ws.set_column(col, col, header_width(title, width))
    for i, row in enumerate(rows, start=top + 1):
        if len(row.monitor.summary) > 45:  # the verdict with what is missing wraps onto a second line
            ws.set_row(i, 30)
        for col, (_, _, value_of) in enumerate(columns):
            value = value_of(row)
            if value is None:  # no data for that period (not 0)
                ws.write_string(i, col, NO_DATA, f["cell"])
            elif isinstance(value, int):
                ws.write_number(i, col, value, f["num"])
            elif isinstance(value, dt.datetime):
                ws.write_datetime(i, col, value, f["date"])
            else:
                ws.write_string(
                    i, col, str(value), f["wrap"] if col == col_of["Monitor (wettelijke eisen)"] else f["cell"]
                )
    first_row, last_row = top + 1, top + len(rows)
    total_row = last_row + 1
    ws.write_string(total_row, 1, "Totaal", f["total"])
    for col, (title, _, value_of) in enumerate(columns):
        values = [value_of(r) for r in rows]
        if title not in NOT_SUMMED and col > 1 and values and all(isinstance(v, int) for v in values):
            cells = f"{xl_rowcol_to_cell(first_row, col)}:{xl_rowcol_to_cell(last_row, col)}"
            ws.write_formula(total_row, col, f"=SUM({cells})", f["total"], sum(values))
    # traffic lights
    actions_col = col_of["Open acties"]
    done_col, late_col = col_of[DONE_TITLE], col_of["Mijlpalen te laat"]
    light = {"type": "cell"}
    ws.conditional_format(
        first_row, actions_col, last_row, actions_col, light | {"criteria": ">", "value": 0, "format": f["red"]}
    )
    ws.conditional_format(
        first_row, actions_col, last_row, actions_col, light | {"criteria": "==", "value": 0, "format": f["green"]}
    )
    ws.conditional_format(
        first_row, late_col, last_row, late_col, light | {"criteria": ">", "value": 0, "format": f["red"]}
    )
    ws.conditional_format(
        first_row,
        done_col,
        last_row,
        done_col,
        light | {"criteria": "==", "value": len(MILESTONES), "format": f["green"]},
    )
    monitor = col_of["Monitor (wettelijke eisen)"]
    for verdict, colour in ((FAILS, "red"), (ATTENTION, "amber"), (MEETS, "green")):
        ws.conditional_format(  # 'voldoet niet' first: it also begins with 'voldoet'
            first_row,
            monitor,
            last_row,
            monitor,
            {"type": "text", "criteria": "begins with", "value": verdict, "format": f[colour]},
        )
    ws.freeze_panes(top + 1, 2)

    # the early warnings first (checks.signals: the board's own thresholds), then what needs doing
    at = _write_signals(ws, f, signals or {}, schools=schools, at=total_row + 3) + 1
    ws.write_string(at, 0, f"Open acties ({len(actions)})", f["section"])
    for col, title in enumerate(("BRIN", "School", "Registratienummer", "Datum", "Wat moet er gebeuren")):
        ws.write_string(at + 1, col, title, f["head_line"])
    for col in range(5, 11):  # the blue header runs on over the text column
        ws.write_blank(at + 1, col, None, f["head_line"])
    if not actions:
        ws.write_string(at + 2, 0, "Geen open acties.", f["cell"])
    shown = list(actions)[:MAX_LISTED]  # most urgent first: legal duties, then the oldest
    for i, action in enumerate(shown, start=at + 2):
        ws.write_string(i, 0, action.school, f["cell"])
        ws.write_string(i, 1, schools.get(action.school, ""), f["cell"])
        ws.write_string(i, 2, action.regnr, f["cell"])
        if action.date:
            ws.write_datetime(i, 3, action.date, f["date"])
        else:
            ws.write_blank(i, 3, None, f["cell"])
        ws.write_string(i, 4, action.text)  # runs on over the empty cells to its right
    end = at + 2 + max(1, len(shown))
    if len(actions) > len(shown):
        ws.write_string(
            end, 0, f"… en nog {len(actions) - len(shown)}: filter in de registers op de kolom 'Open actie'.", f["sub"]
        )
        end += 1
    if unhandled:
        end = _write_unhandled(ws, f, unhandled, schools=schools, at=end + 1)

    widths = [header_width(title, width) for title, width, _ in columns]
    _charts(wb, ws, chart_ws, facts, anchor_row=end + 2, beside=_column_at(widths, pixels=PER_MONTH_WIDTH + 20))
    print_on_pages(ws, header_rows=(top, top))
    ws.set_header(f'&L&"Calibri,Bold"Bestuursoverzicht {board}&R&D')
    ws.set_footer("&RPagina &P van &N")
    ws.activate()
    return ws


SIGNALS_TITLE = "Signalen"


def _write_signals(
    ws: Worksheet, f: Mapping[str, Any], signals: Mapping[str, Sequence[Signal]], *, schools: Mapping[str, str], at: int
) -> int:
    """Each school's early warnings, one row each (the sentence says why and names the registrations);
    returns the row after them."""
    found = [s for brin in sorted(signals) for s in signals[brin]]
    ws.write_string(at, 0, f"{SIGNALS_TITLE} ({len(found)}) — volgens de drempels van het bestuur", f["section"])
    for col, title in enumerate(("BRIN", "School", "Signaal")):
        ws.write_string(at + 1, col, title, f["head_line"])
    for col in range(3, 11):
        ws.write_blank(at + 1, col, None, f["head_line"])
    if not found:
        ws.write_string(at + 2, 0, "Geen signalen.", f["cell"])
    for i, signal in enumerate(found, start=at + 2):
        ws.write_string(i, 0, signal.school, f["cell"])
        ws.write_string(i, 1, schools.get(signal.school, ""), f["cell"])
        ws.write_string(i, 2, signal.text)  # runs on over the empty cells to its right
    return at + 2 + max(1, len(found))


UNHANDLED_TITLE = "Niet verwerkt in de inbox"


def _write_unhandled(
    ws: Worksheet, f: Mapping[str, Any], unhandled: Sequence[Unhandled], *, schools: Mapping[str, str], at: int
) -> int:
    """What has stayed in the inbox without being taken, and why; returns the first row below it."""
    ws.write_string(at, 0, f"{UNHANDLED_TITLE} ({len(unhandled)})", f["section"])
    for col, title in enumerate(("BRIN", "School", "Bestand", "Sinds", "Waarom niet")):
        ws.write_string(at + 1, col, title, f["head_line"])
    for col in range(5, 11):
        ws.write_blank(at + 1, col, None, f["head_line"])
    shown = list(unhandled)[:MAX_LISTED]
    for i, item in enumerate(shown, start=at + 2):
        ws.write_string(i, 0, item.school or "", f["cell"])
        ws.write_string(i, 1, schools.get(item.school, "") if item.school else "", f["cell"])
        ws.write_string(i, 2, item.name, f["cell"])
        ws.write_datetime(i, 3, item.since, f["when"])
        ws.write_string(i, 4, item.reason)  # runs on over the empty cells to its right
    end = at + 2 + len(shown)
    if len(unhandled) > len(shown):
        ws.write_string(end, 0, f"… en nog {len(unhandled) - len(shown)}: zie 'veiligheid status'.", f["sub"])
        end += 1
    return end


NO_DATA = "geen gegevens"
DONE_TITLE = f"Mijlpalen gereed (van {len(MILESTONES)})"
NOT_SUMMED = frozenset({DONE_TITLE})  # milestones done per school, added up across schools, mean nothing
OTHER_KINDS = "waarvan overig"  # kinds outside the board's list: an answer left empty, a choice since removed


def _categories(form_id: str, choices: Mapping[str, Sequence[str]], *, only: Sequence[str] | None = None) -> list[str]:
    """The kinds the Overzicht gives a column each: the highlighted ones (bullying), then every other
    choice of the counted field's list, in the board's order ([keuzelijsten]), never in order of
    frequency: the columns stay where they are, so the office's filters and formulas keep working."""
    if not form_id:
        return []
    form = FORMS[form_id]
    counted = form.counts.counted if form.counts else None
    list_name = form.field(counted).choices if counted else None
    listed = tuple(choices.get(list_name, DEFAULT_CHOICES.get(list_name, ()))) if list_name else ()
    highlighted = _highlighted(form_id)
    ordered = [*highlighted, *(c for c in listed if c not in highlighted)]
    if only is not None:  # the board's own choice ([overzicht] soorten_apart), still in the list's order
        return [c for c in ordered if c in set(only)]
    return ordered


REGNR_WIDTH = 18  # 'Registratienummer' in bold, the header of the third column of the lists below the table


def _register_width(form_id: str, *, first: str, registers: Sequence[str]) -> float:
    """The register shown per kind a little wider; the third column (the first register's) also wide
    enough for the lists' 'Registratienummer', which would otherwise print over 'Datum' beside it."""
    width = 15 if form_id == first else 12
    return max(width, REGNR_WIDTH) if form_id == registers[0] else width


def _plan_current(r: SchoolFacts) -> str:
    """Whether the plan shows today's facts: 'nee' once a registration, a survey or the office's
    status changed after it was made (the watcher makes it again; `veiligheid plan` does at once)."""
    if r.plan_made is None:
        return ""
    return "nee, verouderd" if r.plan_stale else "ja"


MEASURES_OVERDUE = "Maatregelen over datum"


def _measures_overdue(r: SchoolFacts) -> int:
    """The school's measures past their end date without an evaluation (the board's own norm)."""
    return len({a.regnr for a in r.actions if a.text == OVERDUE})


def _other_kinds(form_id: str, listed: Collection[str]) -> Callable[[SchoolFacts], int]:
    return lambda r: sum(n for k, n in r.registrations.this_year.kinds_of(form_id).items() if k not in listed)


def _by_kind(registers: tuple[str, ...]) -> str:
    """The register the Overzicht shows per kind: the first with highlighted kinds, else the first counted per kind."""
    counted = [f for f in registers if (r := FORMS[f].counts) is not None and r.counted]
    return next((f for f in counted if _highlighted(f)), counted[0] if counted else "")


def _highlighted(form_id: str) -> tuple[str, ...]:
    register = FORMS[form_id].counts if form_id else None
    return register.highlighted if register else ()


def _short(form_id: str) -> str:
    register = FORMS[form_id].counts
    return register.short if register else FORMS[form_id].register


def _this_year(form_id: str) -> Callable[[SchoolFacts], int]:
    return lambda r: r.registrations.this_year.of(form_id)


def _last_year(form_id: str) -> Callable[[SchoolFacts], int | None]:
    """Last school year whole; None when the board has no data for it."""
    return lambda r: None if r.registrations.last_whole is None else r.registrations.last_whole.of(form_id)


def _kind(form_id: str, kind: str) -> Callable[[SchoolFacts], int]:
    return lambda r: r.registrations.this_year.kind(form_id, kind)


PER_MONTH_WIDTH = 720  # pixels: the monthly chart at x_scale 1.5


def _column_at(widths: Sequence[float], *, pixels: int) -> int:
    """The first column that begins at least `pixels` from the left (Excel: 7 pixels a character, plus 5)."""
    x = 0
    for col, width in enumerate(widths):
        if x >= pixels:
            return col
        x += int(width * 7 + 5)
    return len(widths)


def count_axis(largest: int) -> dict[str, Any]:
    """A value axis of counts: whole numbers only (never a tick at 0.5), at most about ten ticks."""
    step, factors = 1, itertools.cycle((2, 2.5, 2))  # 1, 2, 5, 10, 20, 50, ...
    while largest > 10 * step:
        step = round(step * next(factors))
    return {"min": 0, "major_unit": step, "num_format": "0", "major_gridlines": {"visible": True}}


def _charts(wb: Workbook, ws: Worksheet, data: Worksheet, facts: BoardFacts, *, anchor_row: int, beside: int) -> None:
    """Native Excel charts, fed from a small hidden data sheet; `beside`: the column of the second chart."""
    year, rows = facts.schooljaar, list(facts.schools.values())
    registers = tuple(f for f in facts.registers if f in figure_forms())  # events only: not the measures
    first = _by_kind(registers)
    title = _short(first) if first else "Registraties"
    # registrations per month this school year
    per_months = facts.per_month
    data.write_row(0, 0, ["Maand", *(_short(k) for k in registers)])
    for i, (calendar_year, month) in enumerate(months(year), start=1):
        counts: Mapping[str, int] = per_months.get(f"{calendar_year}-{month:02d}", {})
        data.write_string(i, 0, f"{MONTHS[month - 1][:3]} {calendar_year}")
        for j, k in enumerate(registers, start=1):
            data.write_number(i, j, counts.get(k, 0))
    per_month = wb.add_chart({"type": "column"})
    for j in range(1, len(registers) + 1):
        per_month.add_series(
            {
                "name": ["Grafiekdata", 0, j],
                "categories": ["Grafiekdata", 1, 0, 12, 0],
                "values": ["Grafiekdata", 1, j, 12, j],
            }
        )
    per_month.set_title({"name": f"Registraties per maand, schooljaar {year}"})
    most = max((n for counts in per_months.values() for n in counts.values()), default=0)
    per_month.set_y_axis({"name": "aantal"} | count_axis(most))
    per_month.set_legend({"position": "bottom"})  # said outright: LibreOffice shows no legend otherwise
    ws.insert_chart(anchor_row, 0, per_month, {"x_scale": 1.5, "y_scale": 1.1})

    # the register shown per kind (incidents)
    kinds = facts.this_year.kinds_of(first) if first else {}
    categories = sorted(kinds.items(), key=lambda kv: -kv[1]) or [(f"(nog geen {title.lower()})", 0)]
    data.write_row(14, 0, [(FORMS[first].kinds_heading if first else "") or "Soort", "Aantal"])
    for i, (category, n) in enumerate(categories, start=15):
        data.write_string(i, 0, category)
        data.write_number(i, 1, n)
    by_category = wb.add_chart({"type": "bar"})
    by_category.add_series(
        {
            "name": title,
            "categories": ["Grafiekdata", 15, 0, 14 + len(categories), 0],
            "values": ["Grafiekdata", 15, 1, 14 + len(categories), 1],
        }
    )
    by_category.set_title({"name": f"{title} per soort, {year}"})
    by_category.set_legend({"none": True})
    by_category.set_x_axis(count_axis(max((n for _, n in categories), default=0)))
    ws.insert_chart(anchor_row, beside, by_category, {"x_scale": 1.2, "y_scale": 1.1})

    # per school side by side
    base = 16 + len(categories) + 1
    data.write_row(base, 0, ["School", *(_short(k) for k in registers)])
    for i, row in enumerate(rows, start=base + 1):
        data.write_string(i, 0, row.name)
        for j, k in enumerate(registers, start=1):
            data.write_number(i, j, row.registrations.this_year.of(k))
    per_school = wb.add_chart({"type": "column"})
    for j in range(1, len(registers) + 1):
        per_school.add_series(
            {
                "name": ["Grafiekdata", base, j],
                "categories": ["Grafiekdata", base + 1, 0, base + len(rows), 0],
                "values": ["Grafiekdata", base + 1, j, base + len(rows), j],
            }
        )
    per_school.set_title({"name": f"Registraties per school, {year}"})
    per_school.set_y_axis(
        {"name": "aantal"}
        | count_axis(max((sum(r.registrations.this_year.of(k) for k in registers) for r in rows), default=0))
    )
    per_school.set_legend({"position": "bottom"})
    ws.insert_chart(anchor_row + 17, 0, per_school, {"x_scale": 1.5, "y_scale": 1.1})
    data.hide()


def write_progress(wb: Workbook, facts: BoardFacts) -> Worksheet:
    ws = wb.add_worksheet("Voortgang")
    year = facts.schooljaar
    f = _formats(wb)
    ws.write_string(0, 0, f"Voortgang per school, schooljaar {year}", f["title"])
    headers = list(
        zip(["BRIN", "School", "Mijlpaal", "Uiterlijk", "Status", "Gereed op"], [8, 26, 70, 12, 12, 12], strict=True)
    )
    ws.set_row(2, header_height(headers, button=True))
    for col, (title, width) in enumerate(headers):
        ws.write_string(2, col, title, f["head"])
        ws.set_column(col, col, header_width(title, width, button=True))
    row = 3
    for brin, school in facts.schools.items():
        name = school.name
        for m in school.milestones:
            ws.write_string(row, 0, brin, f["cell"])
            ws.write_string(row, 1, name, f["cell"])
            ws.write_string(row, 2, f"{m.key[-1]}. {m.title}", f["cell"])
            ws.write_datetime(row, 3, m.deadline, f["date"])
            ws.write_string(row, 4, m.status, f["cell"])
            if m.done_on:
                ws.write_datetime(row, 5, m.done_on, f["date"])
            else:
                ws.write_blank(row, 5, None, f["cell"])
            row += 1
    if row > 3:
        for status, colour in ((DONE, "green"), (LATE, "red")):
            ws.conditional_format(
                3, 4, row - 1, 4, {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": f[colour]}
            )
        ws.conditional_format(
            3, 4, row - 1, 4, {"type": "cell", "criteria": "==", "value": '"op schema"', "format": f["amber"]}
        )
    ws.autofilter(2, 0, max(row - 1, 3), 5)
    ws.freeze_panes(3, 0)
    print_on_pages(ws, header_rows=(2, 2))
    return ws
