"""PDF copies of the generated documents through LibreOffice, when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HELPER = Path(__file__).with_name("lo_convert.py")
KNOWN_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)
NOT_INSTALLED = (
    "LibreOffice is niet gevonden, dus er zijn geen PDF's gemaakt (de Word-bestanden wel). Installeer "
    "LibreOffice (libreoffice.org; op Linux het pakket libreoffice-writer) of sla de documenten in Word "
    "op als PDF."
)


@dataclass(frozen=True)
class PdfResult:
    made: list[Path]
    problems: list[str]
    note: str | None = None  # e.g. that the table of contents could not be updated


def find_soffice() -> Path | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(p) for p in KNOWN_PLACES if Path(p).is_file()), None)


def _uno_python(soffice: Path) -> str | None:
    """A Python that can `import uno`: LibreOffice's own (Windows, macOS) or the system's (Linux)."""
    program = soffice.resolve().parent
    candidates = [
        program / "python.exe",
        program / "python",
        program.parent / "Resources" / "python",
    ]
    others = [shutil.which("python3"), "/usr/bin/python3", sys.executable]
    for candidate in [*(str(c) for c in candidates if c.is_file()), *(o for o in others if o)]:
        try:
            done = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return candidate
    return None


def convert(files: Sequence[Path], *, soffice: Path | None = None, timeout: float = 900) -> PdfResult:
    """Write `name.pdf` beside each `name.docx`. Returns what was made and what went wrong."""
    soffice = soffice or find_soffice()
    if soffice is None:
        return PdfResult([], [NOT_INSTALLED])
    targets = [f.with_suffix(".pdf") for f in files]
    for target in targets:
        target.unlink(missing_ok=True)
    python = _uno_python(soffice)
    note = None
    with tempfile.TemporaryDirectory(prefix="veiligheid-lo-") as profile:
        if python is not None:
            args = [python, str(HELPER), str(soffice), profile]
            for source, target in zip(files, targets, strict=True):
                args += [str(source), str(target)]
            runs = [args]
        else:
            note = (
                "LibreOffice heeft geen Python-koppeling (uno); de inhoudsopgave in de PDF's is niet bijgewerkt. "
                "Op Linux: installeer python3-uno."
            )
            runs = [
                [
                    str(soffice),
                    f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    *(str(f) for f in files if f.parent == folder),
                ]
                for folder in dict.fromkeys(f.parent for f in files)
            ]
        problems = []
        for args in runs:
            try:
                done = subprocess.run(
                    args,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                    env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return PdfResult([], [f"LibreOffice kon de PDF's niet maken: {exc}"], note)
            text = done.stderr.decode("utf-8", "replace")
            problems += [line for line in text.splitlines() if line.startswith("FOUT")]
    made = [t for t in targets if t.exists()]
    if len(made) < len(targets) and not problems:
        problems.append(f"LibreOffice maakte {len(made)} van de {len(targets)} PDF's.")
    return PdfResult(made, problems, note)
