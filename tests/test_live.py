"""Putting the new data into the master while it is open in Excel (`[overzicht] bijwerken_in_excel`).

There is no Excel here: the decision is a pure function, and the xlwings side runs against a small
fake `xlwings` module that keeps cells in a dict and records what was asked of it.
"""

from __future__ import annotations

import logging
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import python_calamine
import xlsxwriter

from automation import app
from automation.config import Settings, load_settings
from automation.excel import live
from automation.excel.live import NEEDS_EXCEL, NEEDS_XLWINGS, Route, decide
from automation.excel.publish import MasterPublisher
from automation.intake.runner import Runner
from tests.conftest import Filler

# --- the decision --------------------------------------------------------------------------------

LOCKED_ELSEWHERE = (
    "Het bestuursoverzicht is vergrendeld, maar niet geopend in Excel op deze computer "
    "(misschien op een andere computer, of in een ander programma)."
)
REPLACED = "Het bestuursoverzicht is vervangen door de nieuwe versie."
SWITCHED_OFF = "Het bestuursoverzicht is geopend; bijwerken in Excel staat uit."
PUSHED = "Het bestuursoverzicht is geopend in Excel; de nieuwe gegevens gaan erin."


@pytest.mark.parametrize(
    ("enabled", "platform", "xlwings", "open_in_excel", "locked", "route", "reason"),
    [
        (True, "win32", True, True, False, Route.REPLACE, REPLACED),  # not locked: just replace
        (False, "linux", False, False, False, Route.REPLACE, REPLACED),
        (False, "win32", True, True, True, Route.COPY, SWITCHED_OFF),
        (True, "linux", True, True, True, Route.COPY, NEEDS_EXCEL),
        (True, "win32", False, True, True, Route.COPY, NEEDS_XLWINGS),
        (True, "darwin", False, True, True, Route.COPY, NEEDS_XLWINGS),
        (True, "win32", True, False, True, Route.COPY, LOCKED_ELSEWHERE),
        (True, "win32", True, True, True, Route.PUSH, PUSHED),
        (True, "darwin", True, True, True, Route.PUSH, PUSHED),
    ],
)
def test_the_decision_table(
    enabled: bool, platform: str, xlwings: bool, open_in_excel: bool, locked: bool, route: Route, reason: str
) -> None:
    decision = decide(
        enabled=enabled, platform=platform, xlwings_installed=xlwings, open_in_excel=open_in_excel, locked=locked
    )
    assert (decision.route, decision.reason) == (route, reason)


def test_the_messages_say_plainly_what_is_needed() -> None:
    assert "werkt alleen op Windows of macOS met Excel geïnstalleerd" in NEEDS_EXCEL
    assert "installeer met pip install 'veiligheid[excel]'" in NEEDS_XLWINGS


def test_the_startup_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    assert live.startup_warning(enabled=False) is None
    monkeypatch.setattr(live, "PLATFORM", "linux")
    assert live.startup_warning(enabled=True) == NEEDS_EXCEL
    monkeypatch.setattr(live, "PLATFORM", "win32")
    monkeypatch.setitem(sys.modules, "xlwings", None)  # not installed: importing it fails
    assert live.startup_warning(enabled=True) == NEEDS_XLWINGS
    monkeypatch.setitem(sys.modules, "xlwings", FakeXlwings([]))
    assert live.startup_warning(enabled=True) is None


# --- a fake xlwings ------------------------------------------------------------------------------

Cell = tuple[int, int]


class FakeRange:
    def __init__(self, sheet: FakeSheet, first: Cell, last: Cell | None = None) -> None:
        self.sheet, self.first, self.last = sheet, first, last or first

    def options(self, **_: Any) -> FakeRange:
        return self  # the product always asks for ndim=2, which is what `value` gives here

    @property
    def last_cell(self) -> types.SimpleNamespace:
        return types.SimpleNamespace(row=self.last[0], column=self.last[1])

    @property
    def value(self) -> list[list[Any]]:
        (r1, c1), (r2, c2) = self.first, self.last
        return [[self.sheet.cells.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @value.setter
    def value(self, rows: list[list[Any]]) -> None:
        if self.sheet.refuse:
            raise RuntimeError("De aanroep is geweigerd door de aangeroepen functie.")
        if self.sheet.api.ProtectContents:
            raise RuntimeError("De cel staat op een beveiligd blad.")
        self.sheet.writes.append((self.first, rows))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                self.sheet.cells[(self.first[0] + i, self.first[1] + j)] = value

    def copy(self, destination: FakeRange) -> None:
        self.sheet.copies.append((self.first, destination.first, destination.last))

    def clear(self) -> None:
        (r1, c1), (r2, c2) = self.first, self.last
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.sheet.cells.pop((r, c), None)


class FakeTable:
    def __init__(self) -> None:
        self.resized: list[tuple[Cell, Cell]] = []

    def resize(self, range: FakeRange) -> None:  # xlwings' own argument name
        self.resized.append((range.first, range.last))


class FakeApi:
    """The Windows object model's sheet protection, as far as the product uses it."""

    def __init__(self, protected: bool) -> None:
        self.ProtectContents = protected
        self.Protection = types.SimpleNamespace(
            AllowFormattingColumns=True, AllowFormattingRows=True, AllowSorting=True, AllowFiltering=True
        )
        self.protect_calls: list[dict[str, bool]] = []

    def Unprotect(self) -> None:  # noqa: N802 (Excel's name)
        self.ProtectContents = False

    def Protect(self, **options: bool) -> None:  # noqa: N802
        self.ProtectContents = True
        self.protect_calls.append(options)


class FakeSheet:
    def __init__(self, name: str, rows: list[list[Any]], *, table: bool, protected: bool) -> None:
        self.name = name
        self.cells = {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v not in ("", None)}
        self.tables = [FakeTable()] if table else []
        self.api = FakeApi(protected)
        self.writes: list[tuple[Cell, list[list[Any]]]] = []
        self.copies: list[tuple[Cell, Cell, Cell]] = []
        self.refuse = False

    @property
    def used_range(self) -> FakeRange:
        if not self.cells:
            return FakeRange(self, (1, 1))
        return FakeRange(self, (1, 1), (max(r for r, _ in self.cells), max(c for _, c in self.cells)))

    def range(self, first: Cell, last: Cell | None = None) -> FakeRange:
        return FakeRange(self, first, last)

    def _col(self, title: str) -> int:
        header = [_shown(self.cells.get((1, c))) for c in range(1, self.used_range.last[1] + 1)]
        return header.index(title) + 1

    def column(self, title: str) -> list[Any]:
        """The values under a header, as the user sees them (without the text prefix ')."""
        col = self._col(title)
        return [_shown(self.cells.get((r, col))) for r in range(2, self.used_range.last[0] + 1)]

    def type_in(self, number: str, title: str, value: str) -> None:
        """What a user does: type in the row of a registration, without saving."""
        row = self.column("Registratienummer").index(number) + 2
        self.cells[(row, self._col(title))] = value


def _shown(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


class FakeBook:
    def __init__(self, fullname: str, sheets: list[FakeSheet], app: FakeApp) -> None:
        self.fullname, self.sheets, self.app = fullname, sheets, app
        self.saved = 0

    def save(self) -> None:
        self.saved += 1


class FakeApp:
    def __init__(self) -> None:
        self.books: list[FakeBook] = []
        self.screen_updating = True


class FakeXlwings(types.ModuleType):
    def __init__(self, apps: list[FakeApp]) -> None:
        super().__init__("xlwings")
        self.apps = apps


def excel_with_open(path: Path, *, as_name: Path | None = None) -> tuple[FakeXlwings, FakeBook]:
    """A running Excel with the workbook `path` open (as the user opened it), plus another book."""
    app = FakeApp()
    other = FakeBook(str(path.with_name("begroting.xlsx")), [], app)
    book = FakeBook(str(as_name or path), [], app)
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        register = bool(rows) and "Status afhandeling" in rows[0]
        book.sheets.append(FakeSheet(name, rows, table=name not in NO_TABLE, protected=register))
    wb.close()
    app.books = [other, book]
    return FakeXlwings([app]), book


NO_TABLE = {"Overzicht", "Grafiekdata", "Voortgang"}


def registrations(path: Path, sheet: str = "Incidenten") -> list[str]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return [str(r[0]) for r in wb.get_sheet_by_name(sheet).to_python()[1:] if r[0]]
    finally:
        wb.close()


# --- working folder with the option on -----------------------------------------------------------


class ExcelLock:
    """Replacing the master fails, as on Windows while Excel has it open."""

    def __init__(self, master: Path) -> None:
        self.master = master

    def __call__(self, source: Path, target: Path) -> None:
        if target == self.master:
            raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(target))
        os.replace(source, target)


@pytest.fixture
def live_workspace(workspace: Settings) -> Settings:
    config = workspace.paths.config
    text = config.read_text(encoding="utf-8")
    assert "bijwerken_in_excel = false" in text  # the starter config documents the option
    config.write_text(text.replace("bijwerken_in_excel = false", "bijwerken_in_excel = true"), encoding="utf-8")
    settings = load_settings(config)
    assert settings.board.overzicht.bijwerken_in_excel
    return settings


@pytest.fixture
def runner(live_workspace: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runner]:
    monkeypatch.setattr(live, "PLATFORM", "win32")
    monkeypatch.setitem(sys.modules, "xlwings", FakeXlwings([]))  # installed; no Excel running yet
    runner = Runner.open(live_workspace)
    yield runner
    runner.close()


@pytest.fixture
def publisher(live_workspace: Settings, runner: Runner) -> MasterPublisher:
    publisher = app.master_publisher(live_workspace, runner.store, now=runner.now)
    publisher.attempts, publisher.pause = 2, 0.0
    return publisher


def dated_copies(master: Path) -> list[Path]:
    return list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx"))


def log_events(runner: Runner) -> list[tuple[str, str, str]]:
    return [(e["outcome"], e["name"], e["reasons"]) for e in runner.store.iter_log() if e["form_id"] is None]


# --- the push ------------------------------------------------------------------------------------


def test_the_new_data_goes_into_the_open_workbook_and_what_the_office_typed_stays(
    live_workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = live_workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    (first,) = registrations(master)
    xw, book = excel_with_open(master)
    incidents = next(s for s in book.sheets if s.name == "Incidenten")
    incidents.type_in(first, "Status afhandeling", "in behandeling")  # typed a moment ago, not saved
    incidents.type_in(first, "Notitie", "Ouders gebeld")
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)  # not locked here: `new` is the master with both registrations
    new = master

    names = live.push(book, new)

    assert names == [s.name for s in book.sheets]  # every sheet, in the master's order
    assert book.saved == 1 and book.app.screen_updating is True
    assert incidents.column("Registratienummer") == registrations(new)  # newest first, two rows
    assert len(incidents.writes) == 1  # one call for the whole sheet
    (origin, rows) = incidents.writes[0]
    assert origin == (1, 1) and [_shown(v) for v in rows[0][:5]] == [
        "Registratienummer",
        "BRIN",
        "School",
        "Status afhandeling",
        "Notitie",
    ]
    at = incidents.column("Registratienummer").index(first)
    assert incidents.column("Status afhandeling")[at] == "in behandeling"
    assert incidents.column("Notitie")[at] == "Ouders gebeld"
    assert incidents.column("Status afhandeling")[1 - at] == "open"
    assert all(isinstance(v, str) and v.startswith("'") for v in rows[1][:3])  # text stays text
    # the new row takes the look of the row above (formats, unlocked office cells, dropdown)
    assert incidents.copies == [((2, 1), (3, 1), (3, len(rows[0])))]
    assert incidents.tables[0].resized == [((1, 1), (3, len(rows[0])))]
    # protection lifted for the write and put back as it was
    assert incidents.api.ProtectContents
    assert incidents.api.protect_calls == [
        {
            "DrawingObjects": True,
            "Contents": True,
            "AllowFormattingColumns": True,
            "AllowFormattingRows": True,
            "AllowSorting": True,
            "AllowFiltering": True,
        }
    ]
    logboek = next(s for s in book.sheets if s.name == "Logboek")
    assert len(logboek.column("Bestand")) == len(registrations(new, "Logboek"))
    assert xw.apps[0].books[0].saved == 0  # the other workbook is left alone


def test_a_shorter_sheet_clears_what_was_below_it(tmp_path: Path) -> None:
    app = FakeApp()
    sheet = FakeSheet("Overzicht", [["a", 1], ["b", 2], ["c", 3], ["oud", None, "weg"]], table=False, protected=False)
    book = FakeBook(str(tmp_path / "x.xlsx"), [sheet], app)
    source = tmp_path / "nieuw.xlsx"
    wb = xlsxwriter.Workbook(str(source))
    ws = wb.add_worksheet("Overzicht")
    ws.write_string(0, 0, "a")
    ws.write_number(0, 1, 10)
    ws.write_string(1, 0, "=niet uitrekenen")  # text from a form, never a formula
    ws.write_number(1, 1, 20)
    wb.close()

    live.push(book, source)

    assert sheet.cells == {(1, 1): "'a", (1, 2): 10, (2, 1): "'=niet uitrekenen", (2, 2): 20}
    assert book.saved == 1


def test_a_workbook_open_under_another_path_is_not_touched(
    live_workspace: Settings, publisher: MasterPublisher
) -> None:
    publisher.rebuild(run_id=None)
    master = live_workspace.paths.master
    xw, book = excel_with_open(master, as_name=master.with_name("kopie van bestuursoverzicht.xlsx"))
    assert live.find_open_book(xw, master) is None
    xw, book = excel_with_open(master)
    assert live.find_open_book(xw, master) is book


# --- the runner: replace refused, then push or dated copy ---------------------------------------


def test_a_locked_master_open_in_excel_is_updated_in_place(
    live_workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    master = live_workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    xw, book = excel_with_open(master)
    monkeypatch.setitem(sys.modules, "xlwings", xw)
    publisher.replace = ExcelLock(master)

    drop("incident", "tweede.xlsx", seed=2)
    counts = runner.process_once(master=publisher)

    assert counts.accepted == 1 and not counts.master_failed
    assert dated_copies(master) == [] and publisher.pending is None
    incidents = next(s for s in book.sheets if s.name == "Incidenten")
    assert len(incidents.column("Registratienummer")) == 2 and book.saved == 1
    assert (
        "overzicht in Excel",
        "bestuursoverzicht.xlsx",
        "bestuursoverzicht.xlsx was geopend in Excel; de nieuwe gegevens staan in het geopende bestand (opgeslagen).",
    ) in log_events(runner)
    assert not publisher.out_of_date()  # the saved workbook is current: no rebuild every rescan


def test_when_the_push_fails_the_dated_copy_is_written_as_before(
    live_workspace: Settings,
    runner: Runner,
    publisher: MasterPublisher,
    drop: Filler,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    master = live_workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    xw, book = excel_with_open(master)
    incidents = next(s for s in book.sheets if s.name == "Incidenten")
    incidents.refuse = True  # e.g. the user is typing in a cell: Excel refuses the call
    monkeypatch.setitem(sys.modules, "xlwings", xw)
    publisher.replace = ExcelLock(master)

    drop("incident", "tweede.xlsx", seed=2)
    with caplog.at_level(logging.WARNING):
        counts = runner.process_once(master=publisher)

    assert counts.accepted == 1 and not counts.master_failed
    (copy,) = dated_copies(master)
    assert publisher.pending == copy and len(registrations(copy)) == 2
    assert incidents.api.ProtectContents  # protection put back after the failure
    assert book.saved == 0
    ((_, name, message),) = [e for e in log_events(runner) if e[0] == "overzicht in kopie"]
    assert name == copy.name and message.endswith(
        "Bijwerken in het geopende Excel-bestand lukte niet (De aanroep is geweigerd door de aangeroepen functie.)."
    )
    assert "Bijwerken van het geopende bestuursoverzicht.xlsx in Excel mislukte." in caplog.text


def test_a_master_locked_but_not_open_in_excel_here_gets_the_dated_copy(
    live_workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = live_workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    publisher.replace = ExcelLock(master)  # open on another computer: no Excel here has it
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)
    assert len(dated_copies(master)) == 1
    ((_, _, message),) = [e for e in log_events(runner) if e[0] == "overzicht in kopie"]
    assert message.endswith(LOCKED_ELSEWHERE)


def test_the_option_on_where_it_cannot_work_says_so_once_at_start(
    live_workspace: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(live, "PLATFORM", "linux")
    with caplog.at_level(logging.WARNING):
        app.process(live_workspace)
    assert [r.getMessage() for r in caplog.records if r.name == "automation.excel.publish"] == [NEEDS_EXCEL]


def test_the_option_off_never_asks_excel(workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(live, "update_open_master", lambda *a: asked.append("ja"))
    runner = Runner.open(workspace)
    try:
        publisher = app.master_publisher(workspace, runner.store, now=runner.now)
        publisher.attempts, publisher.pause = 2, 0.0
        drop("incident", "eerste.xlsx", seed=1)
        runner.process_once(master=publisher)
        publisher.replace = ExcelLock(workspace.paths.master)
        drop("incident", "tweede.xlsx", seed=2)
        runner.process_once(master=publisher)
    finally:
        runner.close()
    assert asked == [] and len(dated_copies(workspace.paths.master)) == 1
