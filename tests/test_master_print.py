"""The master prints one page wide, keeps its Overzicht columns where they are, and its charts say
what they count (issue 13, items 5, 6 and 7): read back from the workbook the run saved."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import openpyxl
from click.testing import CliRunner
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.forms.choices import DEFAULT_CHOICES
from automation.schoolyear import schoolyear
from automation.surveys import samples
from tests.conftest import Filler
from tests.helpers import master_sheet

TODAY = dt.date.today()
YEAR = schoolyear(TODAY)
HEADER_ROW = {"Overzicht": 4, "Voortgang": 3, "Vensters": 4}  # the others: a table from row 1
FILTER_BUTTON = 3


def a_busy_board(workspace: Settings, drop: Filler) -> None:
    """Registrations of every kind, a school form and a pupil survey that does not name its instrument."""
    drop("incident", "a.xlsx", seed=1, datum=TODAY, datum_ingevuld=TODAY, categorie="discriminatie")
    drop("incident", "b.xlsx", seed=2, datum=TODAY, datum_ingevuld=TODAY, school="34CD", categorie="pesten")
    drop("agressie", "c.xlsx", seed=3, datum=TODAY, datum_ingevuld=TODAY, opvanggesprek_datum=TODAY)
    drop("ongeval", "d.xlsx", seed=4, datum=TODAY, datum_ingevuld=TODAY)
    drop("school", "school.xlsx", school="12AB", datum_ingevuld=TODAY, monitor_instrument="KanVAS")
    survey = samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TODAY, pupils=30, seed=1)
    (workspace.paths.inbox / "peiling.csv").write_bytes(survey)
    app.process(workspace)


def visible_sheets(settings: Settings) -> list[Worksheet]:
    wb = openpyxl.load_workbook(settings.paths.master)
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def sheet_values(settings: Settings, name: str) -> list[tuple[object, ...]]:
    """A sheet's rows as Excel shows them (totals as their values)."""
    wb = openpyxl.load_workbook(settings.paths.master, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def width_of(ws: Worksheet, letter: str) -> float:
    """A column's width, also when it is set for a range of columns at once."""
    index = column_index_from_string(letter)
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.max is not None and dim.min <= index <= dim.max and dim.customWidth:
            return float(dim.width)
    return 8.43  # Excel's default


def headers(ws: Worksheet) -> list[tuple[str, str]]:
    """(column letter, header text) of the sheet's header row."""
    row = HEADER_ROW.get(ws.title, 1)
    return [(cell.column_letter, str(cell.value)) for cell in ws[row] if cell.value]


def test_every_sheet_prints_one_page_wide_in_landscape_with_its_header_row_on_each_page(
    workspace: Settings, drop: Filler
) -> None:
    a_busy_board(workspace, drop)

    sheets = visible_sheets(workspace)

    assert [ws.title for ws in sheets] == [
        "Overzicht",
        "Incidenten",
        "Agressie en geweld",
        "Ongevallen",
        "Maatregelen",
        "Peilingen",
        "Monitorcheck",
        "Voortgang",
        "Scholen",
        "Vensters",
        "Logboek",
    ]
    for ws in sheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth or 1) == 1, ws.title  # left out of the file when 1 (the OOXML default)
        assert setup.fitToHeight == 0, ws.title  # as many pages high as needed
        row = HEADER_ROW.get(ws.title, 1)
        assert ws.print_title_rows == f"${row}:${row}", ws.title
        assert not ws.print_options.gridLines, ws.title


def test_every_header_is_shown_whole_wrapped_between_words(workspace: Settings, drop: Filler) -> None:
    a_busy_board(workspace, drop)

    for ws in visible_sheets(workspace):
        row = HEADER_ROW.get(ws.title, 1)
        button = FILTER_BUTTON if ws.title not in ("Overzicht", "Vensters") else 0
        lines = 1
        for letter, title in headers(ws):
            width = width_of(ws, letter)
            longest = max(len(word) for word in title.split())
            assert width >= longest + button + 1, (ws.title, title, width)
            lines = max(lines, -(-len(title) // int(width - button - 1)))
        assert (ws.row_dimensions[row].height or 15) >= 15 * min(lines, 2), ws.title
    incidents = openpyxl.load_workbook(workspace.paths.master)["Incidenten"]
    status = next(cell for cell in incidents[1] if cell.value == "Status afhandeling")
    assert width_of(incidents, status.column_letter) >= len("afhandeling") + FILTER_BUTTON + 1
    assert incidents.row_dimensions[1].height == 30  # 'Status' above 'afhandeling'


def test_the_charts_on_peilingen_stand_below_the_table_inside_the_printed_width(
    workspace: Settings, drop: Filler
) -> None:
    a_busy_board(workspace, drop)

    ws = openpyxl.load_workbook(workspace.paths.master)["Peilingen"]

    assert ws._charts, "a chart per theme"
    table_end = ws.max_row
    area = ws.print_area
    assert area is not None
    first, last = re.fullmatch(r"'Peilingen'!\$A\$1:\$([A-Z]+)\$(\d+)", area).groups()  # type: ignore[union-attr]
    assert first == "O"  # the table's columns, no more
    widths = [width_of(ws, get_column_letter(i)) for i in range(1, 16)]
    printed = sum(int(w * 7 + 5) for w in widths)
    for chart in ws._charts:
        anchor = chart.anchor._from
        left = sum(int(w * 7 + 5) for w in widths[: anchor.col])
        assert left + 528 <= printed  # 528 pixels: a chart at x_scale 1.1
        assert anchor.row >= table_end  # below the table (0-based row: after its last row)
        assert int(last) >= anchor.row + 15  # the whole chart inside the print area


def test_the_overzicht_columns_follow_the_boards_list_not_the_counts(workspace: Settings, drop: Filler) -> None:
    a_busy_board(workspace, drop)
    rows = master_sheet(workspace, "Overzicht")
    header = [h for h in rows[3] if h]
    per_kind = [h for h in header if str(h).startswith("waarvan ")]
    assert per_kind == [*(f"waarvan {kind}" for kind in DEFAULT_CHOICES["incident_categorie"]), "waarvan overig"]

    for seed in range(5, 9):  # many more of one kind do not move a column
        drop(
            "incident",
            f"v{seed}.xlsx",
            seed=seed,
            datum=TODAY,
            datum_ingevuld=TODAY,
            categorie="vernieling of diefstal",
            evaluatie_datum=None,
        )
    app.process(workspace)

    again = master_sheet(workspace, "Overzicht")
    assert [h for h in again[3] if h] == header
    by_school = {r[0]: dict(zip(header, r, strict=False)) for r in again[4:7]}
    assert by_school["12AB"]["waarvan vernieling of diefstal"] == 4
    assert by_school["12AB"]["waarvan discriminatie"] == 1


def test_the_board_orders_the_overzicht_columns_by_its_own_list(workspace: Settings, drop: Filler) -> None:
    config = workspace.paths.config
    text = config.read_text(encoding="utf-8")
    own = [*reversed(DEFAULT_CHOICES["incident_categorie"]), "sexting"]  # all kept (rules name some), one added
    config.write_text(
        text.replace("\n[keuzelijsten]\n", f"\n[keuzelijsten]\nincident_categorie = {json.dumps(own)}\n"),
        encoding="utf-8",
    )
    workspace = load_settings(config)
    drop("incident", "a.xlsx", seed=1, datum=TODAY, datum_ingevuld=TODAY, categorie="pesten")
    app.process(workspace)

    header = master_sheet(workspace, "Overzicht")[3]

    # the highlighted kinds (bullying) first, then the board's list in its own order
    assert [h for h in header if str(h).startswith("waarvan ")] == [
        "waarvan pesten",
        "waarvan digitaal pesten",
        *(f"waarvan {kind}" for kind in own if kind not in ("pesten", "digitaal pesten")),
        "waarvan overig",
    ]


def test_a_board_chooses_which_kinds_get_a_column(workspace: Settings, drop: Filler) -> None:
    config = workspace.paths.config
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("\n[overzicht]\n", '\n[overzicht]\nsoorten_apart = ["fysiek geweld", "pesten"]\n'),
        encoding="utf-8",
    )
    workspace = load_settings(config)
    drop("incident", "a.xlsx", seed=1, datum=TODAY, datum_ingevuld=TODAY, categorie="pesten")
    drop("incident", "b.xlsx", seed=2, datum=TODAY, datum_ingevuld=TODAY, categorie="bedreiging")
    app.process(workspace)

    rows = master_sheet(workspace, "Overzicht")
    header = list(rows[3])
    per_kind = [h for h in header if str(h).startswith("waarvan ")]
    assert per_kind == ["waarvan pesten", "waarvan fysiek geweld", "waarvan overig"]  # in the list's order
    school = next(r for r in rows[4:] if r[0] == "12AB")
    assert school[header.index("waarvan overig")] == 1  # the threat

    # a type that is not in the list is refused when the config is read
    config.write_text(
        text.replace("\n[overzicht]\n", '\n[overzicht]\nsoorten_apart = ["fysiek gewelt"]\n'), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["--config", str(config), "status"])
    assert result.exit_code == 2 and "fysiek gewelt" in result.stderr and "incident_categorie" in result.stderr


def test_the_totals_row_adds_up_only_what_can_be_added(workspace: Settings, drop: Filler) -> None:
    a_busy_board(workspace, drop)

    rows = sheet_values(workspace, "Overzicht")

    header, total = rows[3], rows[7]
    assert total[1] == "Totaal"
    assert total[header.index(f"Incidenten {YEAR}")] == 2
    assert total[header.index("Open acties")] is not None
    assert total[header.index("Mijlpalen te laat")] is not None
    assert total[header.index("Mijlpalen gereed (van 5)")] is None  # milestones done per school: no sum


def chart_xml(settings: Settings) -> dict[str, str]:
    """Each chart's XML by its title."""
    charts: dict[str, str] = {}
    with zipfile.ZipFile(settings.paths.master) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                xml = z.read(name).decode("utf-8")
                title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))
                charts[title] = xml
    return charts


def test_the_count_charts_have_a_legend_and_whole_number_ticks(workspace: Settings, drop: Filler) -> None:
    a_busy_board(workspace, drop)

    charts = chart_xml(workspace)

    monthly = charts[f"Registraties per maand, schooljaar {YEAR}"]
    assert "<c:legend>" in monthly and '<c:legendPos val="b"/>' in monthly
    counts = [monthly, charts[f"Incidenten per soort, {YEAR}"], charts[f"Registraties per school, {YEAR}"]]
    for xml in counts:
        units = re.findall(r'<c:majorUnit val="([^"]+)"/>', xml)
        assert units and all(float(u) == int(float(u)) >= 1 for u in units)
        assert '<c:numFmt formatCode="0"' in xml


def test_peilingen_names_the_instrument_the_monitorcheck_names(workspace: Settings, drop: Filler) -> None:
    a_busy_board(workspace, drop)

    surveys = master_sheet(workspace, "Peilingen")
    checks = master_sheet(workspace, "Monitorcheck")

    instrument = surveys[0].index("Instrument")
    assert {r[instrument] for r in surveys[1:] if r[0] == "12AB"} == {
        "niet genoemd in de peiling; schoolformulier: KanVAS"
    }
    named = [r for r in checks if r[0] == "12AB" and r[3] == "Gestandaardiseerd, valide en betrouwbaar instrument"]
    assert "KanVAS" in named[0][5]
