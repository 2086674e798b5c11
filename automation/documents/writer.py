"""A small layer over python-docx to write the templates: house styles, headings, lists, tables
(also tables with a docxtpl row loop), a table of contents, fields, header and footer.

Only the template builder uses it; the rendering itself never builds XML by hand.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HOUSE = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x59, 0x59, 0x59)
TABLE_STYLE = "Tabel veiligheid"
NOTE_STYLE = "Kader"
FONT = "Calibri"
BOLD_RE = re.compile(r"(\*\*.+?\*\*)")

TABLE_STYLE_XML = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="Tabelveiligheid">
  <w:name w:val="{TABLE_STYLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="40"/>
  <w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
  <w:tblPr>
    <w:tblStyleRowBandSize w:val="1"/>
    <w:tblBorders>
      <w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
      <w:left w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
      <w:right w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="45" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>
      <w:bottom w:w="45" w:type="dxa"/><w:right w:w="100" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/></w:tcPr>
  </w:tblStylePr>
</w:style>
"""


class Writer:
    """Writes one template. Text may hold Jinja tags; `**...**` makes a bold run."""

    def __init__(self, *, title: str, header: str, footer: str, footer_on_first_page: bool = True) -> None:
        self.doc: Any = Document()
        self._styles()
        self._page(header=header, footer=footer, footer_on_first_page=footer_on_first_page)
        self.doc.core_properties.title = title
        self.doc.core_properties.author = "veiligheid"
        self.doc.core_properties.comments = "Sjabloon: bewerk in Word; controleer met 'veiligheid templates check'."
        self._update_fields_on_open()

    # --- set-up ------------------------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.12
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "nl-NL")
        rpr.append(lang)
        for name, size, before, after in (
            ("Title", 28, 0, 6),
            ("Heading 1", 16, 18, 6),
            ("Heading 2", 12.5, 12, 4),
            ("Heading 3", 11, 10, 2),
        ):
            style = styles[name]
            style.font.name = FONT
            style.font.size = Pt(size)
            style.font.color.rgb = HOUSE
            style.font.bold = name != "Title"
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(after)
            style.paragraph_format.keep_with_next = True
            style.element.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:asciiTheme"), "")
            _plain_font(style)
        title_ppr = styles["Title"].element.get_or_add_pPr()
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)
        subtitle = styles["Subtitle"]
        subtitle.font.name = FONT
        subtitle.font.size = Pt(15)
        subtitle.font.italic = False
        subtitle.font.color.rgb = GREY
        _plain_font(subtitle)
        for level in (1, 2):
            toc = styles.add_style(f"toc {level}", 1)
            toc.base_style = normal
            toc.paragraph_format.space_after = Pt(2)
            toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            toc.paragraph_format.tab_stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT, 1)
            toc.font.bold = level == 1
        note = styles.add_style(NOTE_STYLE, 1)
        note.base_style = normal
        note.paragraph_format.left_indent = Cm(0.3)
        note.paragraph_format.right_indent = Cm(0.3)
        ppr = note.element.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="24" w:space="8" w:color="1F4E79"/></w:pBdr>'
            )
        )
        ppr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="EAF1F8"/>'))
        small = styles.add_style("Klein", 1)
        small.base_style = normal
        small.font.size = Pt(8.5)
        small.font.color.rgb = GREY
        small.paragraph_format.space_after = Pt(0)
        self.doc.styles.element.append(parse_xml(TABLE_STYLE_XML))

    def _page(self, *, header: str, footer: str, footer_on_first_page: bool) -> None:
        """A4; the first page without the header (a title page, or an annex's own title), and with the
        footer unless `footer_on_first_page` is False (the plan's title page)."""
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.4)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        section.header_distance = section.footer_distance = Cm(1.0)
        section.different_first_page_header_footer = True
        head = section.header.paragraphs[0]
        head.text = header
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        head.style = self.doc.styles["Klein"]
        self._footer(section.footer.paragraphs[0], footer)
        if footer_on_first_page:
            self._footer(section.first_page_footer.paragraphs[0], footer)

    def _footer(self, foot: Paragraph, text: str) -> None:
        """The board's name, and 'pagina X van Y' on the right."""
        foot.style = self.doc.styles["Klein"]
        foot.paragraph_format.tab_stops.add_tab_stop(Cm(16.2), WD_TAB_ALIGNMENT.RIGHT)
        foot.add_run(text + "\tpagina ")
        add_field(foot, "PAGE", "1")
        foot.add_run(" van ")
        add_field(foot, "NUMPAGES", "1")

    def _update_fields_on_open(self) -> None:
        """Word refreshes the table of contents and page numbers when it opens the document."""
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        # the schema's place for it: just before w:compat (Word is strict about the order)
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(update)
        else:
            settings.append(update)

    # --- content -----------------------------------------------------------------------------
    def p(
        self, text: str = "", *, style: str | None = None, align: str | None = None, keep_with_next: bool = False
    ) -> Paragraph:
        """A paragraph. One that ends in ':' introduces what follows and stays on its page."""
        paragraph: Paragraph = self.doc.add_paragraph(style=style)
        _runs(paragraph, text)
        if align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if keep_with_next or text.rstrip().endswith(":"):
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def figure(self, picture: str, caption: str) -> None:
        """A chart (a tag that renders a picture), centred, with its caption below it on the same page."""
        self.p(picture, align="center", keep_with_next=True)
        self.p(caption, style="Klein", align="center")

    def tag(self, statement: str) -> None:
        """A paragraph holding only a docxtpl paragraph tag, e.g. `if x` → `{%p if x %}` (removed on rendering)."""
        self.doc.add_paragraph(f"{{%p {statement} %}}")

    def h1(self, text: str) -> None:
        self.doc.add_heading(text, 1)

    def h2(self, text: str) -> None:
        self.doc.add_heading(text, 2)

    def h3(self, text: str) -> None:
        self.doc.add_heading(text, 3)

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            _runs(self.doc.add_paragraph(style="List Bullet"), item)

    def numbered(self, items: Sequence[str]) -> None:
        for n, item in enumerate(items, start=1):
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.8)
            paragraph.paragraph_format.first_line_indent = Cm(-0.8)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
            _runs(paragraph, f"{n}.\t{item}")

    def note(self, text: str) -> None:
        self.p(text, style=NOTE_STYLE)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[float]) -> Table:
        table = self._table(header, widths)
        for row in rows:
            self._row(table, row, widths)
        return table

    def loop_table(
        self,
        header: Sequence[str],
        loop: str,
        cells: Sequence[str],
        *,
        widths: Sequence[float],
        keep_together: bool = False,
    ) -> Table:
        """A table with one row per item: `loop` like `r in rollen`, `cells` like `{{ r.naam }}`. With
        `keep_together` the table moves to the next page as a whole when it does not fit (a section of
        a printed form); a table longer than a page still breaks."""
        table = self._table(header, widths)
        self._row(table, [f"{{%tr for {loop} %}}"] + [""] * (len(widths) - 1), widths)
        for cell in self._row(table, cells, widths):
            if keep_together:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        self._row(table, ["{%tr endfor %}"] + [""] * (len(widths) - 1), widths)
        return table

    def label_table(self, rows: Sequence[tuple[str, str]], *, widths: Sequence[float] = (5.0, 11.2)) -> Table:
        """Two columns, label in bold, no header row."""
        table: Table = self.doc.add_table(rows=0, cols=2)
        table.style = self.doc.styles[TABLE_STYLE]
        _grid(table, widths)
        _look(table, first_row=False)
        for label, value in rows:
            cells = self._row(table, [f"**{label}**", value], widths)
            _shade(cells[0], "EAF1F8")
        self._after_table()
        return table

    def _table(self, header: Sequence[str], widths: Sequence[float]) -> Table:
        table: Table = self.doc.add_table(rows=0, cols=len(widths))
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        _grid(table, widths)
        _look(table, first_row=True)
        cells = self._row(table, header, widths)
        trpr = cells[0]._tc.getparent().get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        trpr.append(repeat)
        for cell in cells:  # the header stays with the first row
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        self._keep_intro()
        self._after_table()
        return table

    def _keep_intro(self) -> None:
        """The paragraph that introduces a table stays on the table's page."""
        body = self.doc.element.body
        tables = body.findall(qn("w:tbl"))
        previous = tables[-1].getprevious() if tables else None
        if previous is not None and previous.tag == qn("w:p"):
            Paragraph(previous, self.doc._body).paragraph_format.keep_with_next = True

    def _after_table(self) -> None:
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(2)

    def _row(self, table: Table, values: Sequence[str], widths: Sequence[float]) -> list[_Cell]:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        trpr = cells[0]._tc.getparent().get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))  # a row is never broken over two pages
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = Pt(1)
            paragraph.paragraph_format.space_after = Pt(1)
            paragraph.paragraph_format.line_spacing = 1.0
            _runs(paragraph, value)
        return list(cells)

    def title_page(self, *, kicker: str, title: str, subtitle: str, year: str) -> None:
        for _ in range(5):
            self.doc.add_paragraph()
        self.p(kicker, style="Subtitle")
        self.p(title, style="Title")
        self.p(subtitle, style="Subtitle")
        self.p(year, style="Subtitle")

    def toc(self) -> None:
        self.doc.add_paragraph("Inhoud", style="Title").runs[0].font.size = Pt(20)
        paragraph = self.doc.add_paragraph()
        add_field(
            paragraph,
            'TOC \\o "1-2" \\h \\z \\u',
            "De inhoudsopgave wordt bijgewerkt als Word het document opent "
            "(of: klik met de rechtermuisknop en kies ‘Veld bijwerken’).",
            dirty=True,
        )

    def new_section(self) -> None:
        self.doc.add_section(WD_SECTION.NEW_PAGE)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _plain_font(style: Any) -> None:
    """Use the named font, not the theme's (so Word and LibreOffice agree)."""
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    if fonts is None:
        return
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)


def _runs(paragraph: Paragraph, text: str) -> None:
    for part in BOLD_RE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        else:
            paragraph.add_run(part)


def _grid(table: Table, widths: Sequence[float]) -> None:
    """Column widths in the table grid (what Word and LibreOffice lay out by), and a fixed layout."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    table.autofit = False
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        table._tbl.tblPr.append(tblw)
    tblw.set(qn("w:type"), "dxa")  # the full width, so no program shrinks a table to its contents
    tblw.set(qn("w:w"), str(sum(Cm(w).twips for w in widths)))


def _look(table: Table, *, first_row: bool) -> None:
    tblpr = table._tbl.tblPr
    look = tblpr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tblpr.append(look)
    for key, value in (
        ("w:val", "0420" if first_row else "0400"),
        ("w:firstRow", "1" if first_row else "0"),
        ("w:lastRow", "0"),
        ("w:firstColumn", "0"),
        ("w:lastColumn", "0"),
        ("w:noHBand", "1"),
        ("w:noVBand", "1"),
    ):
        look.set(qn(key), value)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def add_field(paragraph: Paragraph, instruction: str, placeholder: str, *, dirty: bool = False) -> None:
    """A Word field (PAGE, NUMPAGES, TOC) with the text shown until Word updates it."""

    def fld(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if dirty and kind == "begin":
            element.set(qn("w:dirty"), "true")
        return element

    paragraph.add_run()._r.append(fld("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(fld("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(fld("end"))
