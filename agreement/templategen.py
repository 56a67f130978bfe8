"""Generates the LBF-style Word templates in templates/ (run: python -m agreement.templategen templates)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.shared import Cm, Mm, Pt, RGBColor

from . import docxzip
from .markdown import Footnotes, MarkdownRenderer
from .ooxml import TBL_PR_ORDER, W_NS, el, field_runs, insert_ordered, run, w

FONT = "Calibri"
INK = RGBColor(0x1F, 0x4E, 0x5A)
INK_HEX = "1F4E5A"
FIXED_TIME = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)

_FOOTNOTES_XML = (
    f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)

# LBF's fixed wording on the agreement documents (the "Aftaledokumenter" page), as LBF wrote it.
AFTALEDOKUMENTER = """\
Som grundlag for aftaledokumenterne henvises til gældende regulativ om tilskud til boligsocial indsats i udsatte almene boligafdelinger og fondens vejledning herom.

Det er et krav, at der udarbejdes en **strategisk samarbejdsaftale** for at opnå Landsbyggefondens støtte til boligsocial indsats.
Aftalen forpligter kommune og boligorganisationer i forhold til samarbejde, herunder opfølgning på de fastsatte mål.

Ændringer i den strategiske samarbejdsaftale skal godkendes af Landsbyggefondens.

Konkrete aftaler om specifikke aktiviteter mellem den boligsociale indsats og de lokale kommunale institutioner, foreninger eller andre aktører skal fastlægges i særskilte **delaftaler** for hvert indsatsområde, der hører under den strategiske samarbejdsaftale.

Bestyrelsen for den boligsociale indsats skal i den forbindelse sikre, at delaftalerne til hver en tid understøtter den strategiske samarbejdsaftale samt afspejler de aktiviteter og samarbejder, der gennemføres i boligområdet.
Ajourførte delaftaler skal til hver en tid kunne rekvireres af Landsbyggefondens.

Følgende dokumenter skal vedlægges denne strategiske samarbejdsaftale og uploades på sagen i driftsstøttesystemet (<http://driftsstoette.lbf.dk>).
Dokumenterne udarbejdes i de givne skabeloner på sagen.

- En delaftale for hvert af de valgte indsatsområder
- Et budget
- En beredskabsplan
- En milepælsplan

Der skal tillige uploades et kommissorium for bestyrelsen (ingen skabelon).

Endvidere skal der udfyldes og uploades et indberetningsskema på sagen i driftsstøttesystemet.
Dokumentet udarbejdes i den givne skabelon på sagen.
"""

ORGANISERING = """\
Parterne bag den strategiske samarbejdsaftale skal etablere en projektorganisation med en ansvarlig **bestyrelse** for gennemførelsen af den boligsociale indsats således, at en **éntydig og kompetent ledelse** kan sikre koordinering og styring af den lokale indsats og prioritere på tværs af alle niveauer og organisationer - herunder boligorganisationer, boligafdelinger og kommune.

Under bestyrelsen bør der etableres en eller flere (tematiske/geografiske) styre-/følgegrupper.

Beskrivelsen af organiseringen skal suppleres med et organisationsdiagram.
Endvidere skal der udarbejdes et kommissorium for bestyrelsen, der også beskriver, hvordan sekretariatsbetjening af bestyrelsen vil foregå.
Kommissoriet uploades som bilag på sagen i driftsstøttesystemet.
"""

MAAL = """\
Landsbyggefonden har med afsæt i lovgivningen fastsat indsatsområder, mål og indikatorer som retningsgivende for de boligsociale indsatser, der får støtte inden for rammerne af 2019-26-midlerne og på grundlag af regulativet af 11. december 2019.

Der er formuleret faste overordnede mål, som den boligsociale indsats skal arbejde hen imod, samt opsat faste indikatorer i tilknytning hertil.
Disse fremgår nedenfor.
Der er i sammenhæng hermed fastlagt de indsatsområder, som den boligsociale indsats skal holde sig inden for (jævnfør afsnit 6 nedenfor).

Formålet med de faste overordnede mål og indikatorer er at sætte retning på den boligsociale indsats og følge udviklingen i det område, som modtager en bevilling.
Udviklingen i området holdes op mod udviklingen i beliggenhedskommunen.
På dette niveau er der opmærksomhed på den langsigtede udvikling, der også er afhængig af øvrige tiltag og den kernerdrift, som den boligsociale indsats understøtter.

Bestyrelsen har ansvar for løbende at følge op på de faste overordnede mål for den boligsociale indsats.
Til dette formål stiller Landsbyggefonden data for boligområdet til rådighed.

Som en del af den årlige revision i forbindelse med regnskabsaflæggelsen skal boligorganisationen over for revisionen dokumentere, at denne opfølgning sker.
"""

INDSATSOMRAADER = """\
De fastlagte indsatsområder, som den boligsociale indsats skal holde sig inden for, er *Uddannelse og livschancer, Beskæftigelse, Kriminalitetsforebyggelse og Sammenhængskraft og medborgerskab.*

I dette afsnit skal **problemkomplekset** for hvert af de indsatsområder, der indgår i den boligsociale indsats, beskrives.
Problemkomplekset skal forstås som de centrale **kerneudfordringer**, den boligsociale indsats skal adressere inden for det enkelte indsatsområde.
Beskrivelsen skal være konkret og dataunderbygget.

Bemærk, at den specifikke beskrivelse af indsatsområderne med delmål, aktiviteter og den indbyrdes ansvars- og rollefordeling mellem de parter, der er involveret i indsatsen, fastlægges i særskilte delaftaler – én delaftale pr. indsatsområde.
Indholdet i delaftalerne skal pege hen imod de fastsatte mål i nærværende strategiske samarbejdsaftale.
"""

INDICATOR_COLUMNS = [
    ("Mål", 3.2),
    ("Indikator", 4.1),
    ("Baseline boligområder", 2.4),
    ("Baseline kommune (evt. andet)", 2.4),
    ("Baseline år", 1.6),
    ("Datakilde", 2.3),
]


class _Builder:
    """A python-docx document with LBF styles and helpers to write template paragraphs."""

    def __init__(self, title: str, header_text: str) -> None:
        self.doc = Document()
        self._drop_thumbnail()
        self._page_setup()
        self._styles()
        self._footnotes_part()
        self._header_footer(header_text)
        self._clear_body()
        self.md = MarkdownRenderer(self.doc.part, Footnotes())
        props = self.doc.core_properties
        props.title = title
        props.author = "agreement"
        props.last_modified_by = "agreement"
        props.comments = "Genereret af agreement.templategen; ret generatoren, ikke filen."
        props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
        props.revision = 1
        props.language = "da-DK"

    # -- document set-up -----------------------------------------------------

    def _drop_thumbnail(self) -> None:
        rels = self.doc.part.package.rels
        for rid, rel in list(rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                rels.pop(rid)

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin, section.bottom_margin = Mm(25), Mm(22)
        section.header_distance = section.footer_distance = Mm(12)

    def _styles(self) -> None:
        styles = self.doc.styles
        root = styles.element
        rpr_default = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        for child in list(rpr_default):
            rpr_default.remove(child)
        rpr_default.append(el("rFonts", {"ascii": FONT, "hAnsi": FONT, "eastAsia": FONT, "cs": FONT}))
        rpr_default.append(el("sz", {"val": "22"}))
        rpr_default.append(el("szCs", {"val": "22"}))
        rpr_default.append(el("lang", {"val": "da-DK", "eastAsia": "da-DK", "bidi": "ar-SA"}))

        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1

        sizes = {"Title": 24, "Heading 1": 16, "Heading 2": 13, "Heading 3": 11.5, "Heading 4": 11}
        for name, size in sizes.items():
            style = styles[name]
            self._plain_fonts(style)
            style.font.size = Pt(size)
            style.font.bold = name != "Heading 4"
            style.font.italic = name == "Heading 4"
            style.font.color.rgb = INK
            pf = style.paragraph_format
            pf.space_before = Pt({"Title": 0, "Heading 1": 18, "Heading 2": 12, "Heading 3": 10, "Heading 4": 8}[name])
            pf.space_after = Pt(6 if name != "Title" else 12)
            pf.keep_with_next = True
        for name in ("Header", "Footer"):
            styles[name].font.size = Pt(9)
            styles[name].font.color.rgb = INK
        caption = styles["Caption"]
        caption.font.color.rgb = INK
        caption.font.size = Pt(9)
        caption.font.bold = False
        caption.font.italic = True

        fn_text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        fn_text.base_style = normal
        fn_text.font.size = Pt(9)
        fn_text.paragraph_format.space_after = Pt(0)
        fn_text.element.name_val = "footnote text"
        fn_ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        fn_ref.font.superscript = True
        fn_ref.element.name_val = "footnote reference"
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        link.font.underline = True
        signature = styles.add_style("Underskrift", WD_STYLE_TYPE.PARAGRAPH)
        signature.base_style = normal
        signature.paragraph_format.space_before = Pt(18)
        signature.paragraph_format.space_after = Pt(0)
        signature.paragraph_format.keep_with_next = True
        self._table_style()

    @staticmethod
    def _plain_fonts(style) -> None:
        rpr = style.element.get_or_add_rPr()
        for fonts in rpr.findall(w("rFonts")):
            rpr.remove(fonts)
        style.font.name = FONT

    def _table_style(self) -> None:
        border = lambda side: el(side, {"val": "single", "sz": "4", "space": "0", "color": INK_HEX})  # noqa: E731
        style = el("style", {"type": "table", "styleId": "LBFTabel"})
        style.append(el("name", {"val": "LBF Tabel"}))
        style.append(el("basedOn", {"val": "TableNormal"}))
        style.append(el("uiPriority", {"val": "59"}))
        style.append(el("qFormat"))
        style.append(el("pPr", None, el("spacing", {"before": "40", "after": "40", "line": "240", "lineRule": "auto"})))
        style.append(el("rPr", None, el("sz", {"val": "18"}), el("szCs", {"val": "18"})))
        borders = el("tblBorders", None, *(border(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV")))
        margins = el("tblCellMar", None, el("left", {"w": "80", "type": "dxa"}), el("right", {"w": "80", "type": "dxa"}))
        style.append(el("tblPr", None, borders, margins))
        first = el("tblStylePr", {"type": "firstRow"})
        first.append(el("rPr", None, el("b"), el("bCs"), el("color", {"val": "FFFFFF"})))
        first.append(el("tcPr", None, el("shd", {"val": "clear", "color": "auto", "fill": INK_HEX})))
        style.append(first)
        self.doc.styles.element.append(style)

    def _footnotes_part(self) -> None:
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, _FOOTNOTES_XML.encode("utf-8"), self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)

    def _header_footer(self, header_text: str) -> None:
        section = self.doc.sections[0]
        header = section.header.paragraphs[0]
        header.style = self.doc.styles["Header"]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # A draft says so on every page; content's status decides (udkast or endelig).
        mark = header.add_run("{% if draft %}UDKAST – IKKE GODKENDT   {% endif %}")
        mark.bold = True
        mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        header.add_run(header_text)
        footer = section.footer.paragraphs[0]
        footer.style = self.doc.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p = footer._p
        p.append(run("Side "))
        for r in field_runs("PAGE", "1"):
            p.append(r)
        p.append(run(" af "))
        for r in field_runs("NUMPAGES", "1"):
            p.append(r)

    def _clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != w("sectPr"):
                body.remove(child)

    # -- writing -----------------------------------------------------------

    def para(self, text: str = "", style: str | None = None, *, bold_prefix: str | None = None):
        p = self.doc.add_paragraph(style=style)
        if bold_prefix:
            p.add_run(bold_prefix).bold = True
        if text:
            p.add_run(text)
        return p

    def heading(self, text: str, level: int):
        return self.doc.add_heading(text, level)

    def section(self, title: str, variable: str, level: int = 1) -> None:
        """A heading followed by the Markdown subdocument in `variable`."""
        self.heading(title, level)
        self.para(f"{{{{p {variable} }}}}")

    @classmethod
    def attachment(cls, title: str) -> "_Builder":
        """An attachment's template: its title in the header and on the front, with the area it is for."""
        b = cls(title, f"{title} · {{{{ area_name }}}}")
        b.para(title, "Title")
        b.para("{{ area_line }}", bold_prefix="Boligområde: ")
        return b

    def markdown(self, text: str, heading_level: int = 2) -> None:
        body = self.doc.element.body
        sect = body.find(w("sectPr"))
        for p in self.md.blocks(text, heading_level):
            sect.addprevious(p)

    def signatures(self) -> None:
        """A signature block per entry of `signatures`: party, then date and name over a line, then titles."""
        self.para("{%p for s in signatures %}")
        self.para("For {{ s.party }}", "Underskrift")
        table = self.table([5.0, 9.0], [["{{ s.date }}", "{{ s.name }}"], ["Dato", "{{ s.title }}, {{ s.name }}"]], header=False)
        table.style = self.doc.styles["Normal Table"]
        for cell in table.rows[0].cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
            tc_pr = cell._tc.get_or_add_tcPr()
            tc_pr.append(el("tcBorders", None, el("bottom", {"val": "single", "sz": "4", "space": "0", "color": "000000"})))
        self.para("{%p endfor %}")

    def bullets(self, loop: str, item: str) -> None:
        """A bullet list repeated for every element of a loop: `loop` is 'x in xs', `item` the text."""
        self.para(f"{{%p for {loop} %}}")
        self.para(item, "List Bullet")
        self.para("{%p endfor %}")

    def caption(self, label: str, text: str):
        """A Word caption: the label, a SEQ field that numbers it, then the text."""
        p = self.doc.add_paragraph(style="Caption")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p._p.append(run(f"{label} "))
        for r in field_runs(f"SEQ {label} \\* ARABIC", "1"):
            p._p.append(r)
        p._p.append(run(text))
        return p

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, widths_cm: list[float], rows: list[list[str]], *, header: bool = True):
        table = self.doc.add_table(rows=len(rows), cols=len(widths_cm))
        table.style = self.doc.styles["LBF Tabel"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for c, width in enumerate(widths_cm):
            table.columns[c].width = Cm(width)
        tbl_pr = table._tbl.tblPr
        insert_ordered(tbl_pr, el("tblW", {"w": str(int(sum(widths_cm) * 567)), "type": "dxa"}), TBL_PR_ORDER)
        insert_ordered(tbl_pr, el("tblLayout", {"type": "fixed"}), TBL_PR_ORDER)
        for r, values in enumerate(rows):
            row = table.rows[r]
            row._tr.get_or_add_trPr().append(el("cantSplit"))
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = Cm(widths_cm[c])
                cell.paragraphs[0].text = value
        if header:
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(el("tblHeader"))
        return table

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        docxzip.normalise(path)


def strategic_template(path: Path) -> None:
    """templates/strategisk-samarbejdsaftale.docx."""
    b = _Builder("Strategisk samarbejdsaftale om boligsocial indsats", "Strategisk samarbejdsaftale · {{ area_name }}")
    b.para("Strategisk samarbejdsaftale om boligsocial indsats", "Title")
    b.para("{{ area_line }}", bold_prefix="Områdets navn: ")
    b.para(bold_prefix="Aftalens parter:")
    b.para("{%p for party in parties %}")
    b.para("{{ party }}")
    b.para("{%p endfor %}")
    b.para("Samarbejdsaftalen gælder fra {{ period_from }} til {{ period_to }}")
    b.para(bold_prefix="Underskrifter:")
    b.signatures()
    b.page_break()

    b.heading("Aftaledokumenter", 1)
    b.markdown(AFTALEDOKUMENTER)

    b.section("1. Kort om boligområdet", "section1")
    b.section("2. Vision for boligområdet", "section2")

    b.heading("3. Organisering", 1)
    b.markdown(ORGANISERING)
    b.section("Organisationsdiagram", "org_diagram_text", 2)
    picture = b.para()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    picture.add_run("{{r org_diagram }}")
    b.caption("Figur", ": Organisationsdiagram for den boligsociale indsats i {{ area_name }}")
    b.heading("Bestyrelse", 2)
    b.para("Bestyrelsen for den boligsociale helhedsplan består af repræsentanter fra {{ board_representation }} i "
           "{{ board_members }}. Bestyrelsen mødes {{ board_meetings }} om året.")
    b.para("{{p board_text }}")
    b.section("Følgegrupper", "groups_text", 2)
    b.para("{%p for g in groups %}")
    b.para("{{ g.name }} omfatter:")
    b.bullets("m in g.members", "{{ m }}")
    b.para("{%p endfor %}")
    b.para("{{p steering }}")
    b.heading("Det boligsociale team", 2)
    b.para("Helhedsplanen rummer {{ team_size }} årsværk/medarbejdere: {{ team_roles }}.")
    b.para("{{p team_text }}")

    b.section("4. Samspil med centrale tiltag og indsatser i boligområdet", "section4")

    b.heading("5. Overordnede mål og indikatorer for den boligsociale indsats", 1)
    b.markdown(MAAL)
    widths = [width for _, width in INDICATOR_COLUMNS]
    table = b.table(widths, [
        [label for label, _ in INDICATOR_COLUMNS],
        ["{%tr for goal in goals %}"] + [""] * 5,
        ["{%tr for ind in goal.indicators %}"] + [""] * 5,
        ["{{ goal.text }}{% vm %}", "{{ ind.text }}", "{{ ind.area }}", "{{ ind.municipality }}", "{{ ind.year }}", "{{ ind.source }}"],
        ["{%tr endfor %}"] + [""] * 5,
        ["{%tr endfor %}"] + [""] * 5,
    ])
    look = el("tblLook", {"val": "04A0", "firstRow": "1", "lastRow": "0", "firstColumn": "0",
                          "lastColumn": "0", "noHBand": "1", "noVBand": "1"})
    insert_ordered(table._tbl.tblPr, look, TBL_PR_ORDER)

    heading = b.heading("6. Indsatsområder", 1)
    heading.add_run("{{r focus_footnote }}")
    b.markdown(INDSATSOMRAADER)
    b.para("{%p for area in focus_areas %}")
    b.para("{{ area.name }}", "Heading 2")
    b.para("{% if area.chosen %}Indsatsområdet indgår i den boligsociale indsats og er beskrevet i en delaftale."
           "{% else %}Indsatsområdet indgår ikke i den boligsociale indsats.{% endif %}", "Quote")
    b.para("Problemkompleks for indsatsområdet", "Heading 3")
    b.para("{{p area.problem }}")
    b.para("{%p endfor %}")

    b.section("7. Lokal evaluering", "section7")
    b.section("8. Revision af samarbejdsaftalen", "section8")
    b.save(path)


def delaftale_template(path: Path) -> None:
    """templates/delaftale.docx, one template for every focus area."""
    b = _Builder("Delaftale", "Delaftale · {{ focus_area }} · {{ area_name }}")
    b.para("Delaftale", "Title")
    b.para("{{ focus_area }}", bold_prefix="Indsatsområde: ")
    b.para("{{ area_line }}", bold_prefix="Boligområde: ")
    b.para("Delaftalen er indgået under den strategiske samarbejdsaftale om boligsocial indsats for {{ area_name }} "
           "og fastlægger delmål, aktiviteter og den indbyrdes ansvars- og rollefordeling for indsatsområdet.")

    b.heading("1. Parter", 1)
    b.bullets("party in parties", "{{ party }}")
    b.heading("2. Periode", 1)
    b.para("Delaftalen gælder fra {{ period_from }} til {{ period_to }}.")
    b.section("3. Formål", "purpose")

    b.heading("4. Delmål og succeskriterier", 1)
    b.para("{%p for goal in goals %}")
    b.para("Delmål {{ goal.number }}: {{ goal.text }}", "Heading 2")
    b.table([5.2, 3.4, 3.8, 3.6], [
        ["Indikator / succeskriterium", "Baseline", "Mål", "Datakilde"],
        ["{%tr for ind in goal.indicators %}", "", "", ""],
        ["{{ ind.text }}", "{{ ind.baseline }}", "{{ ind.target }}", "{{ ind.source }}"],
        ["{%tr endfor %}", "", "", ""],
    ])
    b.para("{%p endfor %}")

    b.heading("5. Aktiviteter", 1)
    b.para("{%p for a in activities %}")
    b.para("{{ a.name }}", "Heading 2")
    b.para("{{ a.goals }}", bold_prefix="Understøtter: ")
    b.section("Formål", "a.purpose", 3)
    b.section("Målgruppe", "a.target_group", 3)
    b.section("Indhold", "a.content", 3)
    b.para("Ansvar og roller", "Heading 3")
    b.table([6.0, 10.0], [
        ["Organisation", "Rolle"],
        ["{{ a.responsible }}", "Ansvarlig for aktiviteten"],
        ["{%tr for p in a.partners %}", ""],
        ["{{ p.name }}", "{{ p.role }}"],
        ["{%tr endfor %}", ""],
    ])
    b.para("{%p endfor %}")

    b.heading("6. Følgegruppe", 1)
    b.para("Delaftalen følges af {{ group_name }}, som er beskrevet i den strategiske samarbejdsaftale. Følgegruppen består af:")
    b.bullets("m in group_members", "{{ m }}")

    b.heading("7. Underskrifter", 1)
    b.signatures()
    b.save(path)


def kommissorium_template(path: Path) -> None:
    """templates/kommissorium.docx (LBF gives no template; this follows the others' style)."""
    b = _Builder.attachment("Kommissorium for bestyrelsen")
    b.para("Kommissoriet gælder for bestyrelsen for den boligsociale indsats i perioden {{ period_from }} til {{ period_to }} "
           "og uploades som bilag til den strategiske samarbejdsaftale.")
    b.section("1. Formål", "purpose")
    b.heading("2. Sammensætning", 1)
    b.para("Bestyrelsen består af repræsentanter fra {{ representation }} i:")
    b.bullets("m in members", "{{ m }}")
    b.para("{{p composition }}")
    b.heading("3. Møder", 1)
    b.para("Bestyrelsen mødes {{ meetings }} om året.")
    b.para("{{p meetings_text }}")
    b.section("4. Opgaver og ansvar", "responsibilities")
    b.section("5. Sekretariatsbetjening", "secretariat")
    b.section("6. Beslutninger", "decisions")
    b.para("{% if adopted %}Kommissoriet er godkendt af bestyrelsen den {{ adopted }}.{% else %}"
           "Kommissoriet er endnu ikke godkendt af bestyrelsen.{% endif %}")
    b.save(path)


def beredskabsplan_template(path: Path) -> None:
    """templates/beredskabsplan.docx."""
    b = _Builder.attachment("Beredskabsplan")
    b.section("1. Formål", "purpose")
    b.section("2. Hvad er en akut hændelse", "incidents")
    b.heading("3. Hvem kaldes, og i hvilken rækkefølge", 1)
    b.table([1.0, 4.2, 3.8, 2.6, 4.4], [
        ["Nr.", "Rolle", "Organisation", "Telefon", "Opgave"],
        ["{%tr for c in calls %}", "", "", "", ""],
        ["{{ c.number }}", "{{ c.role }}", "{{ c.organisation }}", "{{ c.phone }}", "{{ c.task }}"],
        ["{%tr endfor %}", "", "", "", ""],
    ])
    b.heading("4. De første 24 timer", 1)
    b.table([3.5, 12.5], [
        ["Hvornår", "Hvad der gøres"],
        ["{%tr for step in first_day %}", ""],
        ["{{ step.when }}", "{{ step.action }}"],
        ["{%tr endfor %}", ""],
    ])
    b.section("5. Kommunikation", "communication")
    b.section("6. Opfølgning", "follow_up")
    b.section("7. Samarbejde med kommune og politi", "cooperation")
    b.save(path)


def budget_template(path: Path) -> None:
    """templates/budget.docx; the tables are built from the data, so only their frame is here."""
    b = _Builder.attachment("Budget")
    b.para("Budgettet dækker aftaleperioden {{ period_from }} til {{ period_to }}, opgjort pr. projektår "
           "({{ years }}). Alle beløb er i kroner. Summer og andele er beregnet.")
    b.section("1. Udgifter", "expenses")
    b.section("2. Finansiering", "financing")
    b.heading("3. Finansieringsregler", 1)
    b.para("Udgifterne er i alt {{ total }}. {{ grantor }} finansierer {{ grant_share }} (højst {{ grant_max }}), "
           "og den lokale medfinansiering er {{ local_total }} eller {{ local_share }} (mindst {{ local_min }}).")
    b.save(path)


def milepaelsplan_template(path: Path) -> None:
    """templates/milepaelsplan.docx; the timeline's columns follow the period, so it is built from the data."""
    b = _Builder.attachment("Milepælsplan")
    b.para("Milepælsplanen dækker aftaleperioden {{ period_from }} til {{ period_to }}. Milepælene er sorteret efter tid.")
    b.heading("1. Milepæle", 1)
    b.table([2.2, 2.8, 2.6, 4.2, 2.4, 1.8], [
        ["Tidspunkt", "Delaftale", "Aktivitet", "Milepæl", "Ansvarlig", "Status"],
        ["{%tr for m in milestones %}", "", "", "", "", ""],
        ["{{ m.when }}", "{{ m.delaftale }}", "{{ m.activity }}", "{{ m.text }}", "{{ m.owner }}", "{{ m.status }}"],
        ["{%tr endfor %}", "", "", "", "", ""],
    ])
    b.heading("2. Tidslinje", 1)
    b.para("Hver kolonne er et kvartal i aftaleperioden. En farvet celle viser en milepæl i kvartalet, "
           "et tal viser flere milepæle. Farven viser milepælens status:")
    b.para("{{p legend }}")
    b.para("")  # keeps Word from joining the two tables into one
    b.para("{{p timeline }}")
    b.save(path)


TEMPLATES = {
    "strategisk-samarbejdsaftale.docx": strategic_template,
    "delaftale.docx": delaftale_template,
    "kommissorium.docx": kommissorium_template,
    "beredskabsplan.docx": beredskabsplan_template,
    "budget.docx": budget_template,
    "milepaelsplan.docx": milepaelsplan_template,
}


def generate(folder: Path) -> list[Path]:
    """Write every template into `folder`."""
    written = []
    for name, make in TEMPLATES.items():
        path = folder / name
        make(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in generate(Path(sys.argv[1] if len(sys.argv) > 1 else "templates")):
        print(written_path)
