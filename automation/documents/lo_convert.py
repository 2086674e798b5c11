"""Convert .docx files to PDF with LibreOffice, updating the table of contents first.

Run by `automation.documents.pdf` with a Python that has LibreOffice's `uno` module (LibreOffice's
own Python, or the system's with python3-uno); it uses nothing of this product, only the standard
library and `uno`:

    python lo_convert.py SOFFICE PROFILE_DIR SOURCE.docx TARGET.pdf [SOURCE.docx TARGET.pdf ...]

A plain `soffice --convert-to pdf` keeps the table of contents as Word left it (a placeholder
until Word updates it); this script asks LibreOffice to rebuild every index before exporting.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _prop(name: str, value: Any) -> Any:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _connect(pipe: str, proc: subprocess.Popen[bytes]) -> Any:
    import uno  # type: ignore[import-not-found]
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("LibreOffice startte niet") from None
            time.sleep(0.3)


def main(argv: list[str]) -> int:
    import uno

    soffice, profile, *files = argv
    pairs = list(zip(files[0::2], files[1::2], strict=True))
    pipe = f"veiligheid_{os.getpid()}"
    proc = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    failed = 0
    try:
        ctx = _connect(pipe, proc)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for source, target in pairs:
            try:
                doc = desktop.loadComponentFromURL(
                    uno.systemPathToFileUrl(str(Path(source).resolve())), "_blank", 0, (_prop("Hidden", True),)
                )
                try:
                    indexes = doc.getDocumentIndexes()
                    for n in range(indexes.getCount()):
                        indexes.getByIndex(n).update()
                    doc.storeToURL(
                        uno.systemPathToFileUrl(str(Path(target).resolve())),
                        (_prop("FilterName", "writer_pdf_Export"),),
                    )
                    print(target, flush=True)
                finally:
                    doc.close(True)
            except Exception as exc:  # one bad file must not stop the others
                failed += 1
                print(f"FOUT {source}: {exc}", file=sys.stderr, flush=True)
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
