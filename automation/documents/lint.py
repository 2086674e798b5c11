"""`veiligheid templates check`: what an office edit in Word broke, said at once.

Per template: is it a readable Word document; does every tag parse; does every variable and field
exist in the data the template gets (checked on the whole template, also in branches the example
does not take); are tags split over paragraphs or over pieces of text with different formatting;
and does it render with a complete example school (and with every school's real data, if given).
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.oxml.ns import qn
from jinja2 import nodes
from lxml import etree

from automation.documents.catalog import DOCUMENTS
from automation.documents.places import heading_above, short, suggestion, unclosed_blocks, under_heading
from automation.documents.render import CompiledTemplate, environment, paragraph_text, patched_sources
from automation.errors import DocumentsError, TemplateProblem

ERROR, WARNING = "fout", "waarschuwing"
OPEN_CLOSE = (("{{", "}}"), ("{%", "%}"))
TAG_TEXT_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


@dataclass(frozen=True)
class Finding:
    template: str
    level: str  # fout | waarschuwing
    message: str

    def __str__(self) -> str:
        return f"{self.template}: {self.level}: {self.message}"


class _Unknown:
    """A value the checker cannot look into (a loop over an empty list, a `set` variable)."""


UNKNOWN = _Unknown()


def check_template(
    name: str, data: bytes, *, sample: Mapping[str, Any], contexts: Iterable[Mapping[str, Any]] = ()
) -> list[Finding]:
    """What is wrong with one template, each problem once (a footer repeated on the first page is
    checked twice, but said once)."""
    return list(dict.fromkeys(_check_template(name, data, sample=sample, contexts=contexts)))


def _check_template(
    name: str, data: bytes, *, sample: Mapping[str, Any], contexts: Iterable[Mapping[str, Any]]
) -> list[Finding]:
    env = environment()
    findings = split_tags(name, data)
    try:
        sources = list(patched_sources(data, name=name))
    except (DocumentsError, TemplateProblem) as exc:
        return [*findings, Finding(name, ERROR, exc.message)]
    unclosed = unclosed_blocks(data)
    if unclosed:  # said with the tag and its place; Jinja would only name the end of the template
        return [*findings, *(Finding(name, ERROR, m) for m in unclosed)]
    compiled_ok = True
    for key, source in sources:
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            compiled_ok = False
            text = paragraph_text(source.split("\n")[exc.lineno - 1]) if exc.lineno else ""
            findings.append(
                Finding(
                    name,
                    ERROR,
                    f"een tag is onvolledig of fout in de alinea ‘{short(text)}’, "
                    f"{_place(key, source, exc.lineno)}. Elke {{{{ hoort een }}}} te hebben en elke "
                    f"{{% een %}}, in dezelfde alinea. (Technische melding: {exc.message})",
                )
            )
            continue
        findings += [Finding(name, ERROR, m) for m in unknown_names(tree, sample, env=env, source=source, part=key)]
    if not compiled_ok or any(f.level == ERROR for f in findings):
        return findings
    try:
        template = CompiledTemplate.from_bytes(name, data, env)
        with tempfile.TemporaryDirectory() as tmp:
            for context in [sample, *contexts]:
                template.render(context, Path(tmp) / "proef.docx", title="proef")
    except TemplateProblem as exc:
        findings.append(Finding(name, ERROR, exc.message.removeprefix(f"Sjabloon ‘{name}’: ")))
    return findings


def check_folder(
    templates: Mapping[str, bytes], *, sample: Mapping[str, Any], contexts: Iterable[Mapping[str, Any]] = ()
) -> list[Finding]:
    """Check the templates by file name; a template the product expects but is missing is an error."""
    contexts = list(contexts)
    findings = []
    for spec in DOCUMENTS:
        data = templates.get(spec.template_name)
        if data is None:
            findings.append(Finding(spec.template_name, ERROR, "ontbreekt"))
            continue
        findings += check_template(spec.template_name, data, sample=sample, contexts=contexts)
    return findings


# --- variables and fields --------------------------------------------------------------------


def unknown_names(
    tree: nodes.Template, sample: Mapping[str, Any], *, env: jinja2.Environment, source: str, part: str = "body"
) -> list[str]:
    problems: list[str] = []
    lines = source.split("\n")

    def where(node: nodes.Node) -> str:
        line = getattr(node, "lineno", 0)
        text = paragraph_text(lines[line - 1]) if 0 < line <= len(lines) else ""
        return f" (in de alinea ‘{short(text)}’, {_place(part, source, line)})" if text else ""

    def meant(wrong: str, known: Iterable[str]) -> str:
        found = suggestion(wrong, known)
        return f". Bedoelt u ‘{found}’?" if found else ""

    def resolve(node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in sample:
                return sample[node.name]
            if node.name not in env.globals and node.name != "loop":
                problems.append(f"onbekend gegeven ‘{node.name}’{where(node)}{meant(node.name, [*sample, *scope])}")
            return UNKNOWN
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = resolve(node.node, scope)
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(base, Mapping) and isinstance(key, str) and not hasattr(dict, key):
                if key not in base:
                    problems.append(
                        f"‘{_dotted(node.node)}’ heeft geen gegeven ‘{key}’{where(node)}{meant(key, map(str, base))}"
                    )
                    return UNKNOWN
                return base[key]
            visit(node.arg if isinstance(node, nodes.Getitem) else None, scope)
            return UNKNOWN
        visit(node, scope)
        return UNKNOWN

    def visit(node: nodes.Node | None, scope: dict[str, Any]) -> None:
        if node is None:
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            if not (isinstance(node, nodes.Name) and node.ctx == "store"):
                resolve(node, scope)
            return
        if isinstance(node, nodes.For):
            items = resolve(node.iter, scope)
            first = items[0] if isinstance(items, list) and items else UNKNOWN
            inner = dict(scope)
            for target in _names(node.target):
                inner[target] = first
            for child in (*node.body, *node.else_, node.test):
                visit(child, inner)
            return
        if isinstance(node, nodes.Assign):
            visit(node.node, scope)
            for target in _names(node.target):
                scope[target] = UNKNOWN
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(tree, {})
    return list(dict.fromkeys(problems))


def _place(part: str, source: str, line: int | None) -> str:
    """Under which heading a line of the body is; or that it is in a header or footer."""
    return under_heading(heading_above(source, line)) if part == "body" else "in de kop- of voettekst"


def _names(target: nodes.Node) -> list[str]:
    names = [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))
    return [n.name for n in names]


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"


# --- tags that Word split --------------------------------------------------------------------


def split_tags(name: str, data: bytes) -> list[Finding]:
    """Tags spread over paragraphs (an error: docxtpl cannot join them) or over pieces of text with
    different formatting (a warning: the tag works, the text takes the first piece's formatting)."""
    try:
        doc = Document(io.BytesIO(data))
    except Exception:
        return []
    parts = [doc.element.body]
    for section in doc.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not hf.is_linked_to_previous:
                parts.append(hf._element)
    findings = []
    for part in parts:
        for p in part.iter(qn("w:p")):
            findings += _paragraph_tags(name, p)
    return list(dict.fromkeys(findings))


def _paragraph_tags(name: str, p: Any) -> list[Finding]:
    pieces: list[tuple[str, bytes]] = []
    for run in p.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        fmt = etree.tostring(rpr) if rpr is not None else b""
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        if text:
            pieces.append((text, fmt))
    full = "".join(text for text, _ in pieces)
    findings = []
    for opening, closing in OPEN_CLOSE:
        if full.count(opening) != full.count(closing):
            findings.append(
                Finding(
                    name,
                    ERROR,
                    f"bij een {opening} hoort een {closing} in dezelfde alinea, en dat klopt niet in "
                    f"‘{short(full)}’. Maak de tag af, of zet de hele tag in één alinea.",
                )
            )
    starts, position = [], 0
    for text, fmt in pieces:
        starts.append((position, position + len(text), fmt))
        position += len(text)
    for match in TAG_TEXT_RE.finditer(full):
        formats = {fmt for start, end, fmt in starts if start < match.end() and end > match.start()}
        if len(formats) > 1:
            findings.append(
                Finding(
                    name,
                    WARNING,
                    f"de tag {match.group(0)} heeft binnen de tag verschillende opmaak; hij werkt, maar krijgt de "
                    "opmaak van het eerste teken. Selecteer de tag en geef hem één opmaak.",
                )
            )
    return findings
