"""A copy of a rejected workbook with the wrong cells highlighted and commented.

Uses openpyxl (the one place that loads a user's workbook in full): rejections are rare, and
openpyxl keeps the form's protection, validation lists and defined names intact.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

from automation.validation import Problem

log = logging.getLogger(__name__)

ERROR_COLOUR = "FFC7CE"
WARNING_COLOUR = "FFEB9C"


def annotate(
    data: bytes,
    target: Path,
    *,
    sheet: str,
    problems: Sequence[Problem],
    warnings: Sequence[Problem] = (),
) -> bool:
    """Write the annotated copy to `target`; False (and a log line) if the workbook cannot be loaded."""
    # openpyxl (with numpy) is loaded here, when a form is rejected, not when the intake is imported:
    # `status` and `process` start without it (issue 14, item 3; tests/test_quick_cli.py)
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        ws = wb[sheet]
        for items, colour in ((warnings, WARNING_COLOUR), (problems, ERROR_COLOUR)):
            fill = PatternFill("solid", start_color=colour, end_color=colour)
            for problem in items:
                if problem.cell == "?":
                    continue
                cell = ws[problem.cell]
                cell.fill = fill
                text = f"{problem.label}: {problem.message}"
                comment = Comment(text, "Veiligheid")
                comment.width, comment.height = 320, 140
                cell.comment = comment
        banner = ws["C1"]
        if problems and banner.value is None and not isinstance(banner, MergedCell):
            banner.value = "AFGEWEZEN: verbeter de rode velden (zie de opmerkingen) en lever opnieuw in."
            # in the cell's own font (the form's Calibri), not openpyxl's nameless default: LibreOffice
            # prints that in a serif font
            banner.font = Font(name=banner.font.name, size=banner.font.size, bold=True, color="C00000")
            # the cell beside it is filled: wrap inside the cell instead of being cut at its edge
            banner.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[1].height = max(ws.row_dimensions[1].height or 15, 48)
        wb.active = wb.sheetnames.index(sheet)
        target.parent.mkdir(parents=True, exist_ok=True)
        wb.save(target)
        return True
    except Exception:  # openpyxl raises many types for odd workbooks; the .txt still explains
        log.warning("Kon geen kopie met opmerkingen maken voor %s", target.name, exc_info=True)
        return False
