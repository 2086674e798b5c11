"""Rendering a Word template with docxtpl: compiled once per run, rendered per school.

The Jinja environment is strict (a missing variable stops with the template, the tag and what is
missing: no silent blanks), escapes everything (`&`, `<`, quotes in the data stay text) and has the
Dutch filters of `formatting`.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from automation.documents.charts import Chart
from automation.documents.errors import TemplateProblem
from automation.documents.formatting import FILTERS

TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
XML_TAG_RE = re.compile(r"<[^>]+>")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=lambda value: "" if value is None else value,
    )
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True)
class Part:
    """The body, a header or a footer: its source as Jinja sees it and the compiled template."""

    key: str  # "body" or the relationship id of a header/footer
    source: str
    template: jinja2.Template


def paragraph_text(xml: str) -> str:
    return XML_TAG_RE.sub("", xml).strip()


class CompiledTemplate:
    """One .docx template, read and compiled once; `render` makes a document from it."""

    def __init__(self, name: str, data: bytes, parts: list[Part]) -> None:
        self.name = name
        self.data = data
        self.parts = parts

    @classmethod
    def load(cls, path: Path, env: jinja2.Environment) -> CompiledTemplate:
        return cls.from_bytes(path.name, path.read_bytes(), env)

    @classmethod
    def from_bytes(cls, name: str, data: bytes, env: jinja2.Environment) -> CompiledTemplate:
        parts = []
        for key, source in patched_sources(data, name=name):
            try:
                parts.append(Part(key, source, env.from_string(source)))
            except jinja2.TemplateSyntaxError as exc:
                raise _syntax_problem(name, source, exc) from exc
        return cls(name, data, parts)

    def render(self, context: Mapping[str, Any], target: Path, *, title: str) -> None:
        """Render into `target` (written beside it first, then moved into place)."""
        tpl = DocxTemplate(io.BytesIO(self.data))
        tpl.render_init()
        bound = _bind_images(context, tpl)
        for part in self.parts:
            if part.key == "body":
                tpl.current_rendering_part = tpl.docx._part
                tree = tpl.fix_tables(self._run(part, bound, tpl))
                tpl.fix_docpr_ids(tree)
                tpl.map_tree(tree)
            else:
                tpl.current_rendering_part = tpl.docx._part.rels[part.key].target_part
                tpl.map_headers_footers_xml(part.key, self._run(part, bound, tpl).encode("utf-8"))
        tpl.is_rendered = True
        tpl.docx.core_properties.title = title
        tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.docx")
        try:
            tpl.save(str(tmp))
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)

    def _run(self, part: Part, context: Mapping[str, Any], tpl: DocxTemplate) -> str:
        try:
            xml = part.template.render(context)
        except jinja2.UndefinedError as exc:
            raise _undefined_problem(self.name, part.source, exc) from exc
        except jinja2.TemplateError as exc:
            raise TemplateProblem(
                f"Sjabloon ‘{self.name}’: {exc.message or exc}{_where(part.source, exc.__traceback__)}",
                template=self.name,
            ) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise TemplateProblem(
                f"Sjabloon ‘{self.name}’: een tag kan niet worden uitgevoerd ({exc})"
                f"{_where(part.source, exc.__traceback__)}",
                template=self.name,
            ) from exc
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return str(tpl.resolve_listing(xml))


def patched_sources(data: bytes, *, name: str) -> Iterator[tuple[str, str]]:
    """The body and each header and footer as Jinja source (docxtpl's clean-up of Word's XML,
    one paragraph per line)."""
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.init_docx()
    except Exception as exc:  # not a Word document, or damaged
        from automation.documents.errors import DocumentsError

        raise DocumentsError(
            f"Sjabloon ‘{name}’ is geen leesbaar Word-document ({exc}). Sla het in Word op als .docx."
        ) from exc
    yield "body", _lines(tpl.patch_xml(tpl.get_xml()))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for key, part in tpl.get_headers_footers(uri):
            yield key, _lines(tpl.patch_xml(tpl.get_part_xml(part)))


def _lines(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _bind_images(context: Mapping[str, Any], tpl: DocxTemplate) -> dict[str, Any]:
    """Charts become docxtpl inline images of this rendering."""

    def bind(value: Any) -> Any:
        if isinstance(value, Chart):
            return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
        if isinstance(value, dict):
            return {k: bind(v) for k, v in value.items()}
        return value

    return {key: bind(value) if isinstance(value, dict | Chart) else value for key, value in context.items()}


def _template_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _line_text(source: str, line: int | None) -> str:
    if line is None:
        return ""
    lines = source.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _where(source: str, tb: TracebackType | None) -> str:
    text = paragraph_text(_line_text(source, _template_line(tb)))
    return f". In de alinea: ‘{_short(text)}’" if text else ""


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


MISSING_ATTR = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined|no element '?([^']+?)'?$")


def _undefined_problem(name: str, source: str, exc: jinja2.UndefinedError) -> TemplateProblem:
    match = MISSING_ATTR.search(str(exc.message))
    missing = next((g for g in match.groups() if g), "") if match else str(exc.message)
    paragraph = _line_text(source, _template_line(exc.__traceback__))
    tags = [paragraph_text(t) for t in TAG_RE.findall(paragraph)]
    tag = next((t for t in tags if re.search(rf"\b{re.escape(missing)}\b", t)), tags[0] if tags else None)
    where = f"de tag {tag}" if tag else "een tag"
    return TemplateProblem(
        f"Sjabloon ‘{name}’: {where} gebruikt ‘{missing}’, maar dat gegeven bestaat niet. "
        "Controleer de spelling met 'veiligheid templates check' (de README noemt alle gegevens).",
        template=name,
        tag=tag,
    )


def _syntax_problem(name: str, source: str, exc: jinja2.TemplateSyntaxError) -> TemplateProblem:
    paragraph = _line_text(source, exc.lineno)
    tags = [paragraph_text(t) for t in TAG_RE.findall(paragraph)]
    text = paragraph_text(paragraph)
    return TemplateProblem(
        f"Sjabloon ‘{name}’: een tag is onvolledig of fout ({exc.message})"
        + (f". In de alinea: ‘{_short(text)}’" if text else ""),
        template=name,
        tag=tags[0] if tags else None,
    )
