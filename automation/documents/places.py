"""Where something is in a template, said so the office can find it in Word: the heading above it, the
table it is in; and the check that every block tag ({%p if %}, {%tr for %}, …) is closed, done on
the Word document itself before Jinja sees it (Jinja would point at the end of the template, in English).
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.oxml.ns import qn

# Word's built-in heading and title styles, by style id (English Word, Dutch Word, python-docx).
HEADING_STYLE_RE = re.compile(r"^(?:Heading|Kop)\d$|^(?:Title|Titel)$", re.IGNORECASE)
PSTYLE_RE = re.compile(r'<w:pStyle w:val="([^"]+)"')
XML_TAG_RE = re.compile(r"<[^>]+>")
BLOCK_TAG_RE = re.compile(r"\{%-?(?:(p|tr|tc|r)\s)?\s*(\w+)(.*?)-?%\}", re.DOTALL)
OPENERS = frozenset({"for", "if", "with", "macro", "call", "filter", "block"})
MIDDLES = {"elif": ("if",), "else": ("if", "for")}


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def heading_above(source: str, line: int | None) -> str:
    """The text of the nearest heading at or above `line` of a patched source (one paragraph a line)."""
    if not line:
        return ""
    lines = source.split("\n")
    for text in reversed(lines[: min(line, len(lines))]):
        match = PSTYLE_RE.search(text)
        if match and HEADING_STYLE_RE.match(match.group(1)):
            found = XML_TAG_RE.sub("", text).strip()
            if found:
                return found
    return ""


def under_heading(heading: str) -> str:
    return f"onder de kop ‘{short(heading, 70)}’" if heading else "boven de eerste kop"


def suggestion(wrong: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one, if one is close enough to be meant."""
    found = difflib.get_close_matches(wrong, sorted(set(known)), n=1, cutoff=0.7)
    return found[0] if found else None


def all_keys(value: Any, *, depth: int = 4) -> Iterator[str]:
    """Every key in nested data (dicts, and the first item of lists): the names a tag could mean."""
    if depth == 0:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from all_keys(item, depth=depth - 1)
    elif isinstance(value, list | tuple) and value:
        yield from all_keys(value[0], depth=depth - 1)


# --- block tags that are not closed -----------------------------------------------------------


@dataclass(frozen=True)
class BlockTag:
    text: str  # as written, e.g. "{%tr for r in rollen %}"
    kind: str  # "" (within a paragraph), "p", "tr", "tc" or "r"
    word: str  # for, endfor, if, elif, else, endif, …
    where: str  # "onder de kop ‘3 Organisatie en rollen’, in de tabel die begint met ‘Rol’"

    def closing(self) -> str:
        prefix = self.kind + " " if self.kind else " "
        return f"{{%{prefix}end{self.word} %}}"


HINTS = {
    "tr": "in een eigen rij van die tabel, onder de rij(en) die ervan afhangen",
    "tc": "in een eigen cel, na de cellen die ervan afhangen",
    "p": "in een eigen alinea, na de tekst die ervan afhangt",
    "": "in dezelfde alinea, na de tekst die ervan afhangt",
    "r": "in dezelfde alinea, na de tekst die ervan afhangt",
}


def unclosed_blocks(data: bytes) -> list[str]:
    """Block tags that are not closed, closed by the wrong tag, or close nothing, in document order,
    as Dutch sentences that say which tag and where. Empty when every block is closed (or the file
    is not a Word document: that is reported elsewhere)."""
    try:
        doc = Document(io.BytesIO(data))
    except Exception:
        return []
    problems: list[str] = []
    problems += _check_part(_body_tags(doc))
    for label, element in _headers_footers(doc):
        problems += _check_part(_tags_in(element, fixed=label))
    return problems


def has_unclosed_blocks(doc: Any) -> bool:
    """Whether `unclosed_blocks` finds anything, quickly: without the places (so without reading
    the styles), on a python-docx Document already read."""
    parts = [doc.element.body, *(element for _, element in _headers_footers(doc))]
    return any(_check_part(_tags_in(element, fixed="")) for element in parts)


def _check_part(tags: Iterable[BlockTag]) -> list[str]:
    problems: list[str] = []
    stack: list[BlockTag] = []
    for tag in tags:
        if tag.word in OPENERS:
            stack.append(tag)
        elif tag.word in MIDDLES:
            if not stack or stack[-1].word not in MIDDLES[tag.word]:
                problems.append(
                    f"de tag {tag.text} ({tag.where}) hoort bij een {{% if … %}} die nog open is, maar die is er "
                    "niet. Zet de {% if … %} ervoor terug, of verwijder deze tag."
                )
        elif tag.word.startswith("end") and tag.word[3:] in OPENERS:
            opened = tag.word[3:]
            if not any(t.word == opened for t in stack):
                problems.append(
                    f"de tag {tag.text} ({tag.where}) sluit niets af: er staat geen {opened} ervoor die nog open "
                    f"is. Verwijder deze tag, of zet de tag terug die hij afsluit."
                )
                continue
            while stack[-1].word != opened:
                left = stack.pop()
                problems.append(
                    f"de tag {left.text} ({left.where}) wordt niet afgesloten vóór {tag.text} ({tag.where}). "
                    f"Zet {left.closing()} terug, {HINTS.get(left.kind, HINTS[''])}."
                )
            stack.pop()
    for left in stack:
        problems.append(
            f"de tag {left.text} ({left.where}) wordt nergens afgesloten. Zet {left.closing()} terug, "
            f"{HINTS.get(left.kind, HINTS[''])}."
        )
    return problems


def _body_tags(doc: Any) -> Iterator[BlockTag]:
    heading = ""
    styles = {s.style_id: s.name for s in doc.styles}
    for p in doc.element.body.iter(qn("w:p")):
        text = _text(p)
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else ""
        name = str(styles.get(style_id) or "")
        if text.strip() and (HEADING_STYLE_RE.match(style_id or "") or name.lower().startswith("heading")):
            heading = text.strip()
        table = next(p.iterancestors(qn("w:tbl")), None)
        where = under_heading(heading)
        if table is not None:
            first = next(table.iter(qn("w:tc")), None)
            first_text = _text(first).strip() if first is not None else ""
            where += f", in de tabel die begint met ‘{short(first_text, 40)}’"
        yield from _tags(text, where)


def _headers_footers(doc: Any) -> Iterator[tuple[str, Any]]:
    seen: set[int] = set()
    for section in doc.sections:
        for label, hf in (
            ("in de koptekst", section.header),
            ("in de voettekst", section.footer),
            ("in de koptekst van de eerste pagina", section.first_page_header),
            ("in de voettekst van de eerste pagina", section.first_page_footer),
        ):
            if hf.is_linked_to_previous or id(hf._element) in seen:
                continue
            seen.add(id(hf._element))
            yield label, hf._element


def _tags_in(element: Any, *, fixed: str) -> Iterator[BlockTag]:
    for p in element.iter(qn("w:p")):
        yield from _tags(_text(p), fixed)


def _tags(text: str, where: str) -> Iterator[BlockTag]:
    for match in BLOCK_TAG_RE.finditer(text):
        kind, word, rest = match.group(1) or "", match.group(2), match.group(3)
        if word == "set" and "=" not in rest:
            word = "set_block"  # {% set x %}…{% endset %} is rare; never reported
        yield BlockTag(match.group(0), kind, word, where)


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))
