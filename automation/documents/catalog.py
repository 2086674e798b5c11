"""The documents per school (DOMAIN.md §8): the plan, its twelve annexes and the internal checklist,
in order. Pure data."""

from __future__ import annotations

from dataclasses import dataclass

from automation.filenames import safe_name

PLAN_TITLE = "Veiligheidsplan"
CHECKLIST_TITLE = "Checklist"


@dataclass(frozen=True)
class DocSpec:
    number: int  # 0 for the plan itself, 1..12 for the annexes
    title: str
    form_id: str | None = None  # annexes 7-9: the printable form
    checklist: bool = False  # the internal to-do list beside the plan (number 0, like the plan)

    @property
    def key(self) -> str:
        if self.checklist:
            return "checklist"
        return "plan" if self.number == 0 else f"bijlage_{self.number:02d}"

    @property
    def template_name(self) -> str:
        """The file in doc_templates/ (or the working folder's sjablonen/)."""
        if self.number == 0:
            return f"{self.title}.docx"
        return f"Bijlage {self.number:02d} - {self.title}.docx"

    def output_name(self, *, school_name: str, schooljaar: str) -> str:
        if self.number == 0:
            return f"{self.title} {safe_name(school_name, fallback='school')} {schooljaar}.docx"
        return f"Bijlage {self.number:02d} - {self.title}.docx"

    @property
    def heading(self) -> str:
        return self.title if self.number == 0 else f"Bijlage {self.number}: {self.title}"


ANNEXES: tuple[DocSpec, ...] = (
    DocSpec(1, "Internetgebruik"),
    DocSpec(2, "Protocol gedragscode"),
    DocSpec(3, "Pestprotocol"),
    DocSpec(4, "Protocol opvang personeel bij ernstige incidenten"),
    DocSpec(5, "Opvang leerlingen na een ernstige situatie"),
    DocSpec(6, "Protocol rouwverwerking"),
    DocSpec(7, "Registratieformulier agressie en geweld", form_id="agressie"),
    DocSpec(8, "Ongevallenmeldingsformulier", form_id="ongeval"),
    DocSpec(9, "Incidentenregistratieformulier", form_id="incident"),
    DocSpec(10, "Medicijnverstrekking en medisch handelen"),
    DocSpec(11, "Protocol toelating, schorsing en verwijdering"),
    DocSpec(12, "Schema klachtenprocedure"),
)
PLAN = DocSpec(0, PLAN_TITLE)
# Internal: what is missing, reporting duties not yet met, open actions; the plan itself is policy text.
CHECKLIST = DocSpec(0, CHECKLIST_TITLE, checklist=True)
DOCUMENTS: tuple[DocSpec, ...] = (PLAN, *ANNEXES, CHECKLIST)
