"""The Dutch handleiding (docs/handleiding/) works as written, the way tests/test_readme.py checks the
README's snippet.

- Every line that starts with `veiligheid ` in a ```console (or ```sh) block is run through the
  command line on one fresh demo working folder (built once for this module), from inside that
  folder and with `--config` pointing at it, and must end with the code the block names in its info
  string (```console code=1), else 0. The blocks marked `registratie` (```console registratie) are
  the office's actions on a registration: they run in a test of their own, in order.
- Every `veiligheid …` named inline is a real command with real options (its `--help` works and
  lists them).
- Every relative link and picture points at a file that is there (and a heading that is there); the
  pictures are the six rendered from the demo into docs/beelden/.
- The sheet and column names the office's page lists in its tables are the demo master's, the
  plan's chapters are the plan's, the exit codes are the README's, and the staff page stays one page.

The handleiding's registration numbers and school years are those of the demo made in 2026; the demo
numbers what it receives by the year it runs in, so they are read as the demo's own.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner, Result

from automation import app
from automation.cli import main
from automation.config import Settings
from automation.schoolyear import previous, schoolyear
from tests.test_exit_codes import readme_exit_codes

ROOT = Path(__file__).resolve().parent.parent
HANDLEIDING = ROOT / "docs" / "handleiding"
BEELDEN = ROOT / "docs" / "beelden"
PAGES = ("README.md", "medewerkers.md", "bestuurskantoor.md", "directeur.md")
PICTURES = {"overzicht.png", "register.png", "formulier.png", "afwijzing.png", "plan.png", "bijlage.png"}

FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)
INLINE = re.compile(r"(?<!`)`(veiligheid [^`]+)`(?!`)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img\s[^>]*src=\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)
NUMBER = re.compile(r"\b(INC|AG|ONG|SCH|PEIL)-2026-(\d{4})\b")
SHOWN_YEAR, SHOWN_PREVIOUS = "2026-2027", "2025-2026"  # the demo's school years as the handleiding shows them


@dataclass(frozen=True)
class Command:
    page: str
    line: str
    expected: int
    registratie: bool  # an office action on a registration (issue 13, item 1)


def page_text(page: str) -> str:
    return (HANDLEIDING / page).read_text(encoding="utf-8")


def handleiding_commands() -> list[Command]:
    """The `veiligheid …` lines of the console blocks, page by page in reading order."""
    found: list[Command] = []
    for page in PAGES:
        for info, body in FENCE.findall(page_text(page)):
            language, *marks = info.split() or [""]
            if language not in ("console", "sh"):
                continue
            code = next((int(mark.removeprefix("code=")) for mark in marks if mark.startswith("code=")), 0)
            found += [
                Command(page, line.strip(), code, "registratie" in marks)
                for line in body.splitlines()
                if line.strip().startswith("veiligheid ")
            ]
    return found


def without_code_blocks(text: str) -> str:
    return FENCE.sub("", text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo working folder every command of the handleiding runs on, as the office would."""
    return app.demo(tmp_path_factory.mktemp("handleiding") / "demo", log=lambda _: None).settings


def demo_year(settings: Settings) -> str:
    """The year in the demo's registration numbers (the year it was made)."""
    (year,) = {p.name.split("-")[1] for p in settings.paths.outbox.glob("bevestigingen/*/INC-*.txt")}
    return year


def localised(text: str, settings: Settings) -> str:
    return NUMBER.sub(lambda m: f"{m.group(1)}-{demo_year(settings)}-{m.group(2)}", text)


def run(settings: Settings, command: Command, monkeypatch: pytest.MonkeyPatch) -> Result:
    """The line as the office types it in the working folder (relative paths are the folder's)."""
    monkeypatch.chdir(settings.paths.root)
    args = shlex.split(localised(command.line, settings))
    return CliRunner().invoke(main, ["--config", str(settings.paths.config), *args[1:]], catch_exceptions=False)


def test_the_handleidings_commands_run_on_the_demo(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = [c for c in handleiding_commands() if not c.registratie]
    assert len(commands) >= 6 and {c.line.split()[1] for c in commands} >= {"status", "process", "plan", "profielen"}
    for command in commands:
        result = run(demo, command, monkeypatch)
        assert result.exit_code == command.expected, (
            f"{command.page}: `{command.line}` ended with {result.exit_code}, not {command.expected}:\n"
            f"{result.stdout}\n{result.stderr}"
        )


def test_the_office_actions_of_the_handleiding_run_on_the_demo(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = [c for c in handleiding_commands() if c.registratie]
    assert {c.line.split()[2] for c in commands} == {"intrekken", "verplaatsen", "samenvoegen", "herstellen", "toon"}
    for command in commands:
        result = run(demo, command, monkeypatch)
        assert result.exit_code == command.expected, (
            f"{command.page}: `{command.line}` ended with {result.exit_code}, not {command.expected}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    # what the page promises: the school is told, in its confirmations folder
    notice = localised("INC-2026-0007 - gewijzigd door het bestuurskantoor.txt", demo)
    assert list((demo.paths.outbox / "bevestigingen").rglob(notice)), notice


def test_every_command_named_in_the_text_exists_with_the_options_it_is_given() -> None:
    named = {m for page in PAGES for m in INLINE.findall(without_code_blocks(page_text(page)))}
    assert "veiligheid status" in named
    for mention in sorted(named):
        words = mention.split()[1:]
        if "--config" in words:  # a global option, with its path
            at = words.index("--config")
            del words[at : at + 2]
        path = []
        for word in words:
            if not re.fullmatch(r"[a-z]+", word):
                break
            path.append(word)
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, f"`{mention}`: {result.stdout}{result.stderr}"
        for option in (w for w in words if w.startswith("--") and w != "--help"):
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.stdout), f"`{mention}`: no {option}"


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_and_picture_points_at_something_that_is_there() -> None:
    pictures: set[str] = set()
    for page in PAGES:
        for link, src in LINK.findall(page_text(page)):
            target = link or src
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path, _, anchor = target.partition("#")
            file = (HANDLEIDING / page).parent / path if path else HANDLEIDING / page
            if file.resolve().parent == BEELDEN:
                assert file.name in PICTURES, f"{page}: {target} is not one of the pictures rendered from the demo"
                pictures.add(file.name)
                continue
            assert file.exists(), f"{page}: {target} is not there"
            if anchor:
                headings = {slug(h) for h in HEADING.findall(file.read_text(encoding="utf-8"))}
                assert anchor in headings, f"{page}: {target}: no such heading"
    assert pictures == PICTURES  # every picture rendered for the handleiding is shown somewhere


def test_the_pictures_are_there() -> None:
    missing = sorted(name for name in PICTURES if not (BEELDEN / name).is_file())
    assert missing == []


def bold_names(page: str, header: str) -> set[str]:
    """The bold names in the first column of the page's tables whose first heading is `header`."""
    names: set[str] = set()
    in_table = False
    for line in page_text(page).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells:
            in_table = False
        elif cells[0] == header:
            in_table = True
        elif in_table:
            names |= set(re.findall(r"\*\*(.+?)\*\*", cells[0]))
    return names


def test_the_sheets_and_columns_the_office_page_names_are_the_masters(demo: Settings) -> None:
    book = openpyxl.load_workbook(demo.paths.master, read_only=True)
    headers = {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(max_row=5, values_only=True)
        for value in row
        if value is not None
    }
    sheets = bold_names("bestuurskantoor.md", "Blad")
    assert sheets and sheets <= set(book.sheetnames), sheets - set(book.sheetnames)
    this_year = schoolyear(dt.date.today())
    columns = {
        name.replace(SHOWN_PREVIOUS, previous(this_year)).replace(SHOWN_YEAR, this_year)
        for name in bold_names("bestuurskantoor.md", "Kolom")
    }
    assert len(columns) >= 15 and columns <= headers, columns - headers


def test_the_chapters_the_directors_page_lists_are_the_plans(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    plans = sorted((demo.paths.outbox / "plannen").glob("12AB */Veiligheidsplan *.docx"))
    if not plans:
        assert run(demo, Command("", "veiligheid plan --school 12AB", 0, False), monkeypatch).exit_code == 0
        plans = sorted((demo.paths.outbox / "plannen").glob("12AB */Veiligheidsplan *.docx"))
    chapters = [
        p.text for p in docx.Document(str(plans[0])).paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    listed = re.findall(r"^(\d+)\. ([^(:\n]+?)(?: \(|:|$)", page_text("directeur.md"), re.M)
    assert len(listed) == 11
    assert [f"{n} {title}" for n, title in listed] == [c for c in chapters if c[:1].isdigit()]


def test_the_office_page_explains_every_exit_code_of_the_readme() -> None:
    table = re.findall(r"^\| (\d+) \|", page_text("bestuurskantoor.md"), re.M)
    assert {int(code) for code in table} == set(readme_exit_codes((ROOT / "README.md").read_text("utf-8"))) - {0}


def test_the_staff_page_fits_on_one_printed_page() -> None:
    text = page_text("medewerkers.md")
    assert len(text.splitlines()) <= 50 and len(text.split()) <= 620
