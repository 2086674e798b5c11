"""Builds the Word templates in doc_templates/ (`veiligheid templates build`, or
`python -m automation.documents.build_templates [MAP]`).

The templates are ordinary .docx files with Jinja tags (docxtpl); the office may edit them in Word.
This builder is how the product's own versions are made, so they can be regenerated after a change
to the text; a test checks that the committed files match what it makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from automation.documents.catalog import CHECKLIST, DOCUMENTS, PLAN, DocSpec
from automation.documents.texts.annexes import WRITERS
from automation.documents.texts.checklist import write_checklist
from automation.documents.texts.jaarverslag import write_yearly
from automation.documents.texts.plan import write_plan
from automation.documents.writer import Writer

HEADER = "{{ school.naam }} · Veiligheidsplan {{ schooljaar }}"
FOOTER = "{{ bestuur }}"
# The board's yearly report (documents.jaarverslag): one for the board, not one per school.
YEARLY_TEMPLATE = "Jaarverslag.docx"
YEARLY_TITLE = "Jaarverslag sociale veiligheid"
TEMPLATE_NAMES = (*(spec.template_name for spec in DOCUMENTS), YEARLY_TEMPLATE)  # every template `build` writes


def build(spec: DocSpec) -> bytes:
    w = Writer(
        title=spec.heading,
        header=HEADER if spec.number == 0 else f"{HEADER} · Bijlage {spec.number}",
        footer=FOOTER,
        footer_on_first_page=spec is not PLAN,  # the plan's title page has neither header nor footer
    )
    if spec is PLAN:
        write_plan(w)
    elif spec is CHECKLIST:
        write_checklist(w)
    else:
        WRITERS[spec.number](w)
    return w.save()


def build_yearly() -> bytes:
    """The yearly report's template; its title page has neither header nor footer, as the plan's."""
    w = Writer(
        title=YEARLY_TITLE,
        header=f"{YEARLY_TITLE} {{{{ schooljaar }}}}",
        footer=FOOTER,
        footer_on_first_page=False,
    )
    write_yearly(w)
    return w.save()


def build_all() -> dict[str, bytes]:
    """Template file name -> .docx bytes: the school's documents in document order, then the yearly report."""
    return {spec.template_name: build(spec) for spec in DOCUMENTS} | {YEARLY_TEMPLATE: build_yearly()}


def write_templates(folder: Path, *, overwrite: bool = True) -> list[Path]:
    """Write the templates into `folder`; with `overwrite` False an existing file is kept (the
    office's own edits) and not listed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in build_all().items():
        target = folder / name
        if target.exists() and not overwrite:
            continue
        target.write_bytes(data)
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - a convenience for developers
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "doc_templates"
    for path in write_templates(out):
        print(path)
