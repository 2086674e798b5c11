"""The master's Peilingen, Monitorcheck and Vensters sheets (issue 4, DOMAIN.md §6).

Peilingen: the aggregates per school, year, respondent group and theme, with a native chart per theme
comparing the schools' pupils this school year with last year. Monitorcheck: every legal requirement
per school with its verdict and reason. Vensters: a ready text per school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from automation.checks.monitor import ATTENTION, FAILS, MEETS, MonitorCheck
from automation.excel.overview_sheet import AMBER, GREEN, RED
from automation.excel.tables import (
    LINE_HEIGHT,
    Column,
    Formats,
    header_lines,
    print_on_pages,
    start_table,
    write_value,
)
from automation.schoolyear import previous
from automation.store import ThemeScore

SURVEY_COLUMNS = (
    Column("BRIN", "text", 8),
    Column("School", "text", 24),
    Column("Schooljaar", "text", 11),
    Column("Respondenten", "text", 13),
    Column("Thema", "text", 30),
    Column("% positief", "percent", 11),
    Column("Gemiddelde", "number", 11),
    Column("Schaal", "text", 8),
    Column("Aantal (thema)", "int", 10),
    Column("Aantal (peiling)", "int", 10),
    Column("Instrument", "text", 24),
    Column("Afgenomen", "date", 11),
    Column("Groepen", "text", 10),
    Column("Registratienummer", "text", 17),
    Column("Bron", "text", 48),
)
MONITOR_COLUMNS = (
    Column("BRIN", "text", 8),
    Column("School", "text", 24),
    Column("Schooljaar", "text", 11),
    Column("Eis", "text", 30),
    Column("Oordeel", "text", 13),
    Column("Toelichting", "text", 90),
    Column("Oordeel school", "text", 14),
)
CHART_DATA = "Grafiekdata peilingen"
VENSTERS_TEXT_WIDTH, VENSTERS_WARNING_WIDTH = 120, 40


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column of `width` characters, each of its own lines
    wrapped at word boundaries (on the safe side: a character per unit of width). A wrapped text's row
    is given this height: LibreOffice keeps a streamed row at one line and prints the text over the
    rows below."""
    return sum(header_lines(line, width + 1) if line.strip() else 1 for line in text.split("\n"))


def _lights(ws: Worksheet, first: int, last: int, col: int, wb: Workbook) -> None:
    """Green, amber, red by verdict ('voldoet niet' first: it also begins with 'voldoet')."""
    for verdict, colour, font in ((FAILS, RED, "#9C0006"), (ATTENTION, AMBER, "#9C5700"), (MEETS, GREEN, "#006100")):
        ws.conditional_format(
            first,
            col,
            last,
            col,
            {
                "type": "text",
                "criteria": "begins with",
                "value": verdict,
                "format": wb.add_format({"bg_color": colour, "font_color": font}),
            },
        )


def write_surveys(
    wb: Workbook,
    scores: Sequence[ThemeScore],
    *,
    schools: Mapping[str, str],
    year: str,
    fmt: Formats,
    declared: Mapping[str, str] | None = None,
) -> Worksheet:
    """`declared`: per school the monitor instrument its school form names, shown (as the Monitorcheck
    names it) where a survey does not say which instrument it was."""
    ws = wb.add_worksheet("Peilingen")
    data = wb.add_worksheet(CHART_DATA)
    start_table(ws, "tbl_Peilingen", SURVEY_COLUMNS, len(scores), fmt)
    for row, s in enumerate(scores, start=1):
        values = [
            s.school,
            schools.get(s.school, ""),
            s.schooljaar,
            s.groep,
            s.theme_label,
            s.positive,
            s.mean,
            f"{s.scale_min:g}-{s.scale_max:g}",
            s.respondents,
            s.survey_respondents,
            instrument_of(s, (declared or {}).get(s.school, "")),
            s.afname.isoformat() if s.afname else None,
            ", ".join(str(g) for g in s.groepen),
            s.regnr,
            s.source,
        ]
        for col, (column, value) in enumerate(zip(SURVEY_COLUMNS, values, strict=True)):
            write_value(ws, row, col, column.kind, value, fmt)
    _theme_charts(wb, ws, data, scores, schools=schools, year=year)
    return ws


CHART_ROWS = 16  # rows a theme chart takes, with a row to spare
CHART_COLUMNS = (0, 5)  # two charts side by side below the table, inside the printed width


def instrument_of(score: ThemeScore, declared: str) -> str:
    """The survey's own instrument; else the one the school form names, said as such (never credited)."""
    if score.instrument or not declared:
        return score.instrument
    return f"niet genoemd in de peiling; schoolformulier: {declared}"


def _theme_charts(
    wb: Workbook,
    ws: Worksheet,
    data: Worksheet,
    scores: Sequence[ThemeScore],
    *,
    schools: Mapping[str, str],
    year: str,
) -> None:
    """Per theme, a column chart of % positive among pupils per school: this year beside last year."""
    last = previous(year)
    pupils = [s for s in scores if s.groep == "leerlingen" and s.schooljaar in (year, last)]
    themes: dict[str, str] = {}
    for s in sorted(pupils, key=lambda s: s.theme):
        themes.setdefault(s.theme, s.theme_label)
    names = [schools[b] for b in sorted(schools)]
    at = 0
    below = len(scores) + 2  # the charts stand below the table, so they print on its pages
    for index, (theme, label) in enumerate(themes.items()):
        share: dict[tuple[str, str], float] = {}
        for s in pupils:
            if s.theme == theme and s.positive is not None:
                share[(s.school, s.schooljaar)] = s.positive  # the latest survey of a year wins (ordered)
        data.write_row(at, 0, ["School", year, last])
        for i, brin in enumerate(sorted(schools), start=1):
            data.write_string(at + i, 0, names[i - 1])
            for j, which in enumerate((year, last), start=1):
                if (brin, which) in share:
                    data.write_number(at + i, j, share[(brin, which)])
        chart = wb.add_chart({"type": "column"})
        for j, which in enumerate((year, last), start=1):
            chart.add_series(
                {
                    "name": which,
                    "categories": [CHART_DATA, at + 1, 0, at + len(schools), 0],
                    "values": [CHART_DATA, at + 1, j, at + len(schools), j],
                    "fill": {"color": "#1F4E79" if j == 1 else "#9DC3E6"},
                }
            )
        chart.set_title({"name": f"{label}: % positief (leerlingen)"})
        chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        row, col = below + (index // 2) * CHART_ROWS, CHART_COLUMNS[index % 2]
        ws.insert_chart(row, col, chart, {"x_scale": 1.1, "y_scale": 1.0})
        at += len(schools) + 2
    if not themes:
        ws.write_string(below, 0, "Nog geen peilingen onder leerlingen: de grafieken per thema verschijnen hier.")
    end = below + max(1, -(-len(themes) // 2) * CHART_ROWS)
    ws.print_area(0, 0, end, len(SURVEY_COLUMNS) - 1)
    data.hide()


def write_monitor(
    wb: Workbook, checks: Sequence[MonitorCheck], *, schools: Mapping[str, str], fmt: Formats
) -> Worksheet:
    ws = wb.add_worksheet("Monitorcheck")
    rows = [(c, r) for c in checks for r in c.requirements]
    start_table(ws, "tbl_Monitorcheck", MONITOR_COLUMNS, len(rows), fmt)
    top = wb.add_format({"num_format": "@", "valign": "top"})
    wrap = wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
    requirement, reason = MONITOR_COLUMNS[3], MONITOR_COLUMNS[5]
    for row, (check, req) in enumerate(rows, start=1):
        lines = max(text_lines(req.title, requirement.width), text_lines(req.reason, reason.width))
        ws.set_row(row, LINE_HEIGHT * lines)
        values = [check.school, schools.get(check.school, ""), check.schooljaar, req.title, req.verdict]
        for col, value in enumerate(values):
            ws.write_string(row, col, value, wrap if col == 3 else top)
        ws.write_string(row, 5, req.reason, wrap)
        ws.write_string(row, 6, check.overall, top)
    if rows:
        _lights(ws, 1, len(rows), 4, wb)
        _lights(ws, 1, len(rows), 6, wb)
    return ws


def write_vensters(
    wb: Workbook,
    texts: Mapping[str, str],
    *,
    schools: Mapping[str, str],
    year: str,
    generated: dt.datetime,
    warnings: Mapping[str, str] | None = None,
) -> Worksheet:
    ws = wb.add_worksheet("Vensters")
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
    sub = wb.add_format({"italic": True, "font_color": "#595959"})
    head = wb.add_format({"bold": True, "font_color": "white", "bg_color": "#1F4E79"})
    text = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write_string(0, 0, f"Teksten voor Vensters / Scholen op de kaart — {year}", title)
    ws.write_string(
        1,
        0,
        f"Bijgewerkt {generated:%d-%m-%Y %H:%M}. Kopieer de tekst van een school naar het onderdeel 'Veiligheid op "
        "school'. Tekst tussen [ ] ontbreekt nog: vraag die eerst aan de school.",
        sub,
    )
    ws.write_row(3, 0, ["BRIN", "School", "Tekst", "Let op (voor het bestuurskantoor)"], head)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, VENSTERS_TEXT_WIDTH)
    ws.set_column(3, 3, VENSTERS_WARNING_WIDTH)
    caution = wb.add_format({"text_wrap": True, "valign": "top", "font_color": "#9C0006", "bold": True})
    top = wb.add_format({"valign": "top"})  # the school beside the first line of its text
    for i, brin in enumerate(sorted(schools), start=4):
        ws.write_string(i, 0, brin, top)
        ws.write_string(i, 1, schools[brin], top)
        body = texts.get(brin, "")
        ws.write_string(i, 2, body, text)
        warning = (warnings or {}).get(brin, "")
        if warning:
            ws.write_string(i, 3, warning, caution)
        lines = max(text_lines(body, VENSTERS_TEXT_WIDTH), text_lines(warning, VENSTERS_WARNING_WIDTH))
        ws.set_row(i, min(409, LINE_HEIGHT * (lines + 1)))
    ws.freeze_panes(4, 0)
    print_on_pages(ws, header_rows=(3, 3))
    return ws
