"""Make docs/overzicht.png: the demo's Overzicht sheet as an office manager sees it.

    python docs/render_overview.py

Needs LibreOffice (soffice) and poppler (pdftoppm), e.g. on Debian:
`apt-get install -y libreoffice-calc poppler-utils`. Runs the built-in demo in a temporary folder,
converts the master to PDF (its first page is the Overzicht sheet) and that page to PNG.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app  # noqa: E402


def main() -> None:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is nodig (apt-get install -y libreoffice-calc poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        result = app.demo(Path(tmp) / "demo", log=lambda _: None)
        master = result.settings.paths.master
        subprocess.run(
            # its own LibreOffice profile: works while another LibreOffice is open
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(master),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = Path(tmp) / f"{master.stem}.pdf"
        target = ROOT / "docs" / "overzicht"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)], check=True
        )
    print(f"{target}.png")


if __name__ == "__main__":
    main()
