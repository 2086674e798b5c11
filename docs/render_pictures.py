"""Make the pictures in docs/beelden/ from the demo, as staff, the office and a director see them on paper.

    python docs/render_pictures.py

Needs LibreOffice and poppler; on Debian or Ubuntu:
`apt-get install -y libreoffice-calc libreoffice-writer poppler-utils fonts-crosextra-carlito`
(Carlito has Calibri's measures, so the pages break as they do in Excel and Word). Runs the built-in
demo in a temporary folder, makes the plans of one school, prints the files below to PDF with
LibreOffice and turns one page of each into a PNG:

    overzicht.png   the master's Overzicht sheet, the upper half of its first page (table and charts)
    register.png    the Incidenten register, the upper left of its first page (the page holds every
                    column, one page wide: too small to read whole at screen size)
    formulier.png   a blank incident form from formulieren/, its first page
    afwijzing.png   the annotated copy of a rejected form ('... - met opmerkingen.xlsx'), its first page
    plan.png        a school's veiligheidsplan: the page with the registrations and their chart
    bijlage.png     annex 12, the complaints procedure, its first page

tests/test_print_pages.py prints the same files the same way (the functions below) to count pages.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app  # noqa: E402

PICTURES = ROOT / "docs" / "beelden"
NAMES = ("overzicht.png", "register.png", "formulier.png", "afwijzing.png", "plan.png", "bijlage.png")
REGISTER = "Incidenten"
SCHOOL = "12AB"  # the demo school whose plan is shown
ANNEX = "Bijlage 12"
PLAN_PAGE = "Registraties per maand, schooljaar"  # the caption of the plan's chart of registrations
DPI = 80


@dataclass(frozen=True)
class DemoFiles:
    """The files of one demo run that are printed."""

    master: Path
    form: Path  # a blank incident form
    rejected: Path  # an annotated copy of a rejected form
    plan: Path
    annexes: list[Path]


def make_demo(folder: Path) -> DemoFiles:
    """The demo in `folder` (which must not exist), with the plans and annexes of one school."""
    result = app.demo(folder, log=lambda _: None)
    settings = result.settings
    run = app.make_plans(settings, schools=[SCHOOL])
    documents = sorted(run.generation.files)
    rejected = sorted(settings.paths.rejected.rglob("* - met opmerkingen.xlsx"))
    return DemoFiles(
        master=settings.paths.master,
        form=next((folder / "formulieren").glob("incident - *.xlsx")),
        rejected=rejected[0],
        plan=next(f for f in documents if f.name.startswith("Veiligheidsplan")),
        annexes=[f for f in documents if f.name.startswith("Bijlage")],
    )


def only_sheet(workbook: Path, sheet: str, target: Path) -> Path:
    """A copy of `workbook` in which only `sheet` is visible, so it prints alone. The workbook's parts
    are copied byte for byte (charts, tables, page set-up); only the sheets' states change."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = _show_only(data.decode("utf-8"), sheet).encode("utf-8")
            copy.writestr(item, data)
    return target


def _show_only(xml: str, sheet: str) -> str:
    names = [html.unescape(n) for n in re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', xml)]
    if sheet not in names:
        raise ValueError(f"no sheet {sheet!r} in {names}")

    def state(match: re.Match[str]) -> str:
        tag = re.sub(r'\sstate="[^"]*"', "", match.group(0))
        name = html.unescape(re.search(r'\bname="([^"]*)"', tag).group(1))  # type: ignore[union-attr]
        return tag if name == sheet else tag.replace("<sheet ", '<sheet state="hidden" ', 1)

    xml = re.sub(r"<sheet\b[^>]*/>", state, xml)
    # LibreOffice prints a hidden sheet that has a print area: the others' print areas go
    xml = re.sub(
        r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)"[^>]*>[^<]*</definedName>',
        lambda m: m.group(0) if int(m.group(1)) == names.index(sheet) else "",
        xml,
    )
    view = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", re.search(r"<workbookView\b[^>]*/>", xml).group(0))  # type: ignore[union-attr]
    return re.sub(
        r"<workbookView\b[^>]*/>",
        view.replace("<workbookView ", f'<workbookView activeTab="{names.index(sheet)}" ', 1),
        xml,
        count=1,
    )


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: Sequence[Path], folder: Path, *, profile: Path, timeout: float = 600) -> list[Path]:
    """Print `files` (workbooks, documents; their names must differ) to PDFs in `folder` with one
    LibreOffice run, in a profile of its own (so it works while another LibreOffice is open)."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is nodig")
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(f) for f in files),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    pdfs = [folder / f"{f.stem}.pdf" for f in files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice made no {', '.join(missing)}")
    return pdfs


def page_with(pdf: Path, text: str) -> int:
    """The first page (1-based) whose text holds `text`; 1 if none does."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=120)
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return next((n for n, page in enumerate(pages, start=1) if text in " ".join(page.split())), 1)


def to_png(pdf: Path, target: Path, *, page: int = 1, dpi: int = DPI, crop: tuple[float, float] | None = None) -> Path:
    """One page of `pdf` as `target`; `crop`: only the upper left part of a landscape A4 page, as
    fractions of its width and height."""
    args = ["pdftoppm", "-png", "-f", str(page), "-l", str(page), "-singlefile", "-r", str(dpi)]
    if crop is not None:
        width, height = 11.69 * dpi, 8.27 * dpi  # in pixels
        args += ["-x", "0", "-y", "0", "-W", str(int(width * crop[0])), "-H", str(int(height * crop[1]))]
    subprocess.run([*args, str(pdf), str(target.with_suffix(""))], check=True, timeout=120)
    return target


def render(target: Path, tmp: Path) -> list[Path]:
    """Make the six pictures in `target` from a demo run in `tmp`."""
    files = make_demo(tmp / "demo")
    out = tmp / "pdf"
    out.mkdir()
    register = only_sheet(files.master, REGISTER, tmp / f"{REGISTER}.xlsx")
    annex = next(a for a in files.annexes if a.name.startswith(ANNEX))
    master, register, form, rejected, plan, annex = to_pdf(
        [files.master, register, files.form, files.rejected, files.plan, annex], out, profile=tmp / "lo"
    )
    target.mkdir(parents=True, exist_ok=True)
    return [
        # the wide sheets print small (one page wide): their upper part, at a size that reads
        to_png(master, target / "overzicht.png", dpi=120, crop=(1, 0.55)),
        to_png(register, target / "register.png", dpi=240, crop=(0.42, 0.22)),
        to_png(form, target / "formulier.png"),
        to_png(rejected, target / "afwijzing.png"),
        to_png(plan, target / "plan.png", page=page_with(plan, PLAN_PAGE)),
        to_png(annex, target / "bijlage.png"),
    ]


def main() -> None:
    for tool, package in (("soffice", "libreoffice-calc libreoffice-writer"), ("pdftoppm", "poppler-utils")):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is nodig (apt-get install -y {package})")
    with tempfile.TemporaryDirectory() as tmp:
        for picture in render(PICTURES, Path(tmp)):
            print(f"{picture.relative_to(ROOT)}  {picture.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
