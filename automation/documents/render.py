"""Rendering a Word template with docxtpl: compiled once per run, rendered per school.

The Jinja environment is strict (a missing variable stops with the template, the tag and what is
missing: no silent blanks), escapes everything (`&`, `<`, quotes in the data stay text) and has the
Dutch filters of `formatting`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from markupsafe import escape

from automation.documents.charts import Chart
from automation.documents.formatting import FILTERS
from automation.documents.package import PristinePackage
from automation.documents.places import (
    all_keys,
    has_unclosed_blocks,
    heading_above,
    short,
    suggestion,
    unclosed_blocks,
    under_heading,
)
from automation.errors import TemplateProblem

TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
XML_TAG_RE = re.compile(r"<[^>]+>")

# How often each template (by file name) was compiled in this process: what the tests of the
# template cache count.
compilations: Counter[str] = Counter()


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
    """One .docx template, read and compiled once; `render` makes a document from it.

    The Word package is parsed once too (`PristinePackage`): each rendering works on a copy of it
    and writes the parts it did not change without compressing them again."""

    def __init__(self, name: str, data: bytes, parts: list[Part], package: PristinePackage) -> None:
        self.name = name
        self.data = data
        self.parts = parts
        self.package = package

    @classmethod
    def load(cls, path: Path, env: jinja2.Environment) -> CompiledTemplate:
        return cls.from_bytes(path.name, path.read_bytes(), env)

    @classmethod
    def from_bytes(cls, name: str, data: bytes, env: jinja2.Environment) -> CompiledTemplate:
        package = _read(data, name=name)
        unclosed = unclosed_blocks(data) if has_unclosed_blocks(package.document) else []
        if unclosed:  # said here, with the tag and its place; Jinja would point at the end of the template
            raise TemplateProblem(f"Sjabloon ‘{name}’: {unclosed[0]}", template=name)
        parts = []
        for key, source in _sources(package.document):
            try:
                parts.append(Part(key, source, env.from_string(source)))
            except jinja2.TemplateSyntaxError as exc:
                raise _syntax_problem(name, source, exc) from exc
        package.freeze()
        compilations[name] += 1
        return cls(name, data, parts, package)

    def render(
        self,
        context: Mapping[str, Any],
        target: Path,
        *,
        title: str,
        subject: str = "",
        author: str = "",
        at: dt.datetime | None = None,
    ) -> None:
        """Render into `target` (written beside it first, then moved into place). The document's
        properties (File > Info in Word) get `title`, `subject`, `author` (also as the company) and
        `at` as the time it was made; the template's own description is cleared."""
        tpl = DocxTemplate(io.BytesIO(self.data))
        tpl.docx = self.package.fork()  # docxtpl renders into this copy instead of reading the file again
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
        _set_properties(tpl, title=title, subject=subject, author=author, at=at)
        tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.docx")
        try:
            self.package.save(tpl.docx, tmp, when=at or dt.datetime.now())
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)

    def _run(self, part: Part, context: Mapping[str, Any], tpl: DocxTemplate) -> str:
        try:
            xml = part.template.render(context)
        except jinja2.UndefinedError as exc:
            raise _undefined_problem(self.name, part, exc, context) from exc
        except jinja2.TemplateError as exc:
            raise TemplateProblem(
                f"Sjabloon ‘{self.name}’: {exc.message or exc}{_where(part, exc.__traceback__)}",
                template=self.name,
            ) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise TemplateProblem(
                f"Sjabloon ‘{self.name}’: een tag kan niet worden uitgevoerd ({exc}){_where(part, exc.__traceback__)}",
                template=self.name,
            ) from exc
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return str(tpl.resolve_listing(xml))


def _set_properties(tpl: DocxTemplate, *, title: str, subject: str, author: str, at: dt.datetime | None) -> None:
    props = tpl.docx.core_properties
    props.title = title
    props.subject = subject
    props.author = props.last_modified_by = author
    props.comments = ""
    props.keywords = ""
    props.revision = 1
    if at is not None:  # Word reads these as UTC
        utc = at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        props.created = props.modified = utc
    app = next((p for p in tpl.docx.part.package.iter_parts() if str(p.partname) == "/docProps/app.xml"), None)
    if app is not None:  # the extended properties: the company
        app._blob = _with_company(app.blob.decode("utf-8"), author).encode("utf-8")


def _with_company(xml: str, company: str) -> str:
    element = f"<Company>{escape(company)}</Company>"
    xml, found = re.subn(r"<Company\s*/>|<Company>.*?</Company>", lambda _: element, xml, count=1, flags=re.S)
    return xml if found else xml.replace("</Properties>", element + "</Properties>", 1)


def _read(data: bytes, *, name: str) -> PristinePackage:
    try:
        return PristinePackage(data)
    except Exception as exc:  # not a Word document, or damaged
        raise TemplateProblem(  # a broken template, as `templates check` says it (exit code 6)
            f"Sjabloon ‘{name}’ is geen leesbaar Word-document ({exc}). Sla het in Word op als .docx.", template=name
        ) from exc


def patched_sources(data: bytes, *, name: str) -> Iterator[tuple[str, str]]:
    """The body and each header and footer as Jinja source (docxtpl's clean-up of Word's XML,
    one paragraph per line)."""
    return _sources(_read(data, name=name).document)


def _sources(document: Any) -> Iterator[tuple[str, str]]:
    tpl = DocxTemplate(io.BytesIO(b""))
    tpl.docx = document
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


def _where(part: Part, tb: TracebackType | None) -> str:
    line = _template_line(tb)
    text = paragraph_text(_line_text(part.source, line))
    return f". In de alinea ‘{short(text, 120)}’, {_place(part, line)}" if text else ""


def _place(part: Part, line: int | None) -> str:
    """Under which heading a line of the body is; or that it is in a header or footer."""
    return under_heading(heading_above(part.source, line)) if part.key == "body" else "in de kop- of voettekst"


MISSING_ATTR = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined|no element '?([^']+?)'?$")
CHECK_AGAIN = "controleer het sjabloon daarna met 'veiligheid templates check'"


def _undefined_problem(
    name: str, part: Part, exc: jinja2.UndefinedError, context: Mapping[str, Any]
) -> TemplateProblem:
    match = MISSING_ATTR.search(str(exc.message))
    missing = next((g for g in match.groups() if g), "") if match else str(exc.message)
    line = _template_line(exc.__traceback__)
    paragraph = _line_text(part.source, line)
    tags = [paragraph_text(t) for t in TAG_RE.findall(paragraph)]
    tag = next((t for t in tags if re.search(rf"\b{re.escape(missing)}\b", t)), tags[0] if tags else None)
    where = f"de tag {tag}" if tag else "een tag"
    meant = suggestion(missing, _known_names(tag or "", missing, context))
    advice = (
        f"Bedoelt u ‘{meant}’? Verbeter de tag in Word en {CHECK_AGAIN}."
        if meant
        else f"Verbeter de tag in Word of haal hem weg, en {CHECK_AGAIN}."
    )
    return TemplateProblem(
        f"Sjabloon ‘{name}’: {where} ({_place(part, line)}) gebruikt ‘{missing}’, maar dat gegeven bestaat "
        f"niet. {advice}",
        template=name,
        tag=tag,
    )


def _known_names(tag: str, missing: str, context: Mapping[str, Any]) -> list[str]:
    """The names the tag could have meant: those of the data it looks in (`school.…`), else every name."""
    path = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(missing)}\b", tag)
    if path:
        value: Any = context
        for part in path.group(1).split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, Mapping):
            return [str(k) for k in value]
    return list(all_keys(context))


def _syntax_problem(name: str, source: str, exc: jinja2.TemplateSyntaxError) -> TemplateProblem:
    paragraph = _line_text(source, exc.lineno)
    tags = [paragraph_text(t) for t in TAG_RE.findall(paragraph)]
    text = paragraph_text(paragraph)
    place = f" in de alinea ‘{short(text, 120)}’, {under_heading(heading_above(source, exc.lineno))}" if text else ""
    return TemplateProblem(
        f"Sjabloon ‘{name}’: een tag is onvolledig of fout{place}. Elke {{{{ hoort een }}}} te hebben en elke "
        f"{{% een %}}, in dezelfde alinea; verbeter de tag in Word en {CHECK_AGAIN}. (Technische melding: "
        f"{exc.message})",
        template=name,
        tag=tags[0] if tags else None,
    )
