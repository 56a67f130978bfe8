"""Small builders for WordprocessingML elements, shared by the renderers and the template generator."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from agreement.namespaces import R_NS, W_NS

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NSMAP = {"w": W_NS, "r": R_NS}


def w(tag: str) -> str:
    """The Clark name of a w: element or attribute."""
    return f"{{{W_NS}}}{tag}"


def el(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    """A w: element with w: attributes and children."""
    node = etree.Element(w(tag), nsmap=NSMAP)
    for key, value in (attrs or {}).items():
        node.set(key if key.startswith("{") else w(key), str(value))
    for child in children:
        node.append(child)
    return node


def run(
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    style: str | None = None,
    monospace: bool = False,
) -> etree._Element:
    """A w:r holding literal text; lxml escapes &, < and > so any text is safe."""
    r = el("r")
    rpr = el("rPr")
    if style:
        rpr.append(el("rStyle", {"val": style}))
    if monospace:
        rpr.append(el("rFonts", {"ascii": "Liberation Mono", "hAnsi": "Liberation Mono", "cs": "Liberation Mono"}))
    if bold:
        rpr.append(el("b"))
        rpr.append(el("bCs"))
    if italic:
        rpr.append(el("i"))
        rpr.append(el("iCs"))
    if len(rpr):
        r.append(rpr)
    if text:
        t = el("t")
        t.text = text
        t.set(XML_SPACE, "preserve")
        r.append(t)
    return r


def paragraph(style: str | None = None, *runs: etree._Element, num: tuple[int, int] | None = None) -> etree._Element:
    """A w:p with a paragraph style and optional numbering (numId, ilvl)."""
    p = el("p")
    ppr = el("pPr")
    if style:
        ppr.append(el("pStyle", {"val": style}))
    if num is not None:
        num_id, level = num
        ppr.append(el("numPr", None, el("ilvl", {"val": str(level)}), el("numId", {"val": str(num_id)})))
    if len(ppr):
        p.append(ppr)
    for r in runs:
        p.append(r)
    return p


def field_runs(instruction: str, result: str) -> list[etree._Element]:
    """The runs of a complex field (PAGE, NUMPAGES, SEQ ...) with a cached result."""
    begin = el("r", None, el("fldChar", {"fldCharType": "begin"}))
    instr = el("r")
    it = el("instrText")
    it.text = f" {instruction} "
    it.set(XML_SPACE, "preserve")
    instr.append(it)
    sep = el("r", None, el("fldChar", {"fldCharType": "separate"}))
    cached = run(result)
    end = el("r", None, el("fldChar", {"fldCharType": "end"}))
    return [begin, instr, sep, cached, end]


def block_elements(container: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of a body, cell or note in document order, looking through the wrappers
    Word puts around blocks (content controls, custom XML, tracked insertions and moves)."""
    for child in container:
        if child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from block_elements(content)
        elif child.tag in (w("customXml"), w("ins"), w("moveTo")):
            yield from block_elements(child)


def to_xml(node: etree._Element) -> str:
    return etree.tostring(node, encoding="unicode")


TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription")


def insert_ordered(parent: etree._Element, child: etree._Element, order: tuple[str, ...]) -> None:
    """Insert `child` where the schema's sequence `order` puts it, replacing one of the same name."""
    name = etree.QName(child).localname
    for old in parent.findall(w(name)):
        parent.remove(old)
    rank = order.index(name)
    for i, existing in enumerate(parent):
        other = etree.QName(existing).localname
        if other in order and order.index(other) > rank:
            parent.insert(i, child)
            return
    parent.append(child)
