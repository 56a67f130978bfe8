"""Word and Excel files from outside (templates, workbooks, other commits' builds): opened within bounds, and what they may not hold."""

from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from lxml import etree

from agreement.errors import AgreementError, Location
from agreement.i18n import _
from agreement.images import FigureProblem, probe
from agreement.namespaces import R_NS, W_NS

MB = 1024 * 1024
MAX_BYTES = 200 * MB  # unpacked, all parts together: ten times the largest document the sample builds, and room
MAX_PARTS = 2000
# A template or an edition's workbook from outside: LBF's templates unpack to under 1 MB, one with pictures to a few.
TEMPLATE_MAX_BYTES = 50 * MB
MAX_XML_PART = 20 * MB  # any one XML part of a template or workbook: parsing it whole takes time and memory
_CHUNK = MB


def open_zip_bounded(source: Path | bytes, *, max_bytes: int = MAX_BYTES, max_parts: int = MAX_PARTS) -> zipfile.ZipFile:
    """`source` (a path, or a file's bytes) opened as a zip, once every part is known to unpack to the size the
    zip's directory declares and all of them together to at most `max_bytes`; AgreementError if not.

    The declared sizes are checked first, so a zip bomb is refused before anything is unpacked; then each part
    is unpacked a chunk at a time and dropped, stopping as soon as it passes its declared size (the size
    zipfile, python-docx and openpyxl trust: zipfile unpacks a part whole before it cuts it to that size).
    """
    where = Location(str(source)) if isinstance(source, Path) else None
    archive = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
    try:
        parts = archive.infolist()
        if len(parts) > max_parts:
            raise AgreementError(_("holds {count} parts, more than the {max_parts} a Word or Excel file needs; open it in Word or "
                                   "Excel and save it again").format(count=len(parts), max_parts=max_parts), where)
        if sum(part.file_size for part in parts) > max_bytes:
            largest = max(parts, key=lambda part: part.file_size)
            raise AgreementError(_("unpacks to more than {megabytes} MB (the part {part} alone to {part_megabytes} MB); remove "
                                   "what makes it so large, or open it in Word or Excel and save it again").format(
                                     megabytes=max_bytes // MB, part=largest.filename, part_megabytes=largest.file_size // MB), where)
        for part in parts:
            _unpacks_as_declared(archive, part, where)
    except BaseException:
        archive.close()
        raise
    return archive


def _unpacks_as_declared(archive: zipfile.ZipFile, part: zipfile.ZipInfo, where: Location | None) -> None:
    probe = copy.copy(part)
    probe.file_size = part.file_size + 1  # so that zipfile gives one byte more, if the part holds more
    size = 0
    try:
        with archive.open(probe) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > part.file_size:
                    break
    except zipfile.BadZipFile:  # its checksum: the bytes are not those the part was stored with
        size = -1
    if size != part.file_size:
        raise AgreementError(_("the part {part} does not unpack to the {size} bytes the file's directory declares, so the file "
                               "is damaged or made to mislead; open it in Word or Excel and save it again")
                                 .format(part=part.filename, size=part.file_size), where)


# What a Word or Excel file from outside may not hold, by the relationship that brings it in.
_MACROS = {"vbaProject", "wordVbaData", "keyMapCustomizations", "vbaProjectSignature"}
_OBJECTS = {"oleObject", "package", "control", "activeXControlBinary"}  # embedded objects, ActiveX controls
_DOCUMENTS = {"aFChunk", "attachedTemplate", "subDocument", "frame", "externalLink", "connections", "queryTable"}
_WEB = ("http:", "https:", "mailto:")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class Office:
    """What the program (Word or Excel) writes into a document: the parts' content types and the relationships'
    types (their last word). Anything else in a file from outside is refused: it would be published inside the
    document, or read by LibreOffice while it builds."""

    name: str
    content_types: frozenset[str]
    relationships: frozenset[str]


_PACKAGE = "application/vnd.openxmlformats-package."
_OFFICE = "application/vnd.openxmlformats-officedocument."
_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf", "image/x-wmf", "image/svg+xml")
_SHARED_TYPES = (_PACKAGE + "relationships+xml", _PACKAGE + "core-properties+xml", _OFFICE + "extended-properties+xml",
                 _OFFICE + "custom-properties+xml", _OFFICE + "customXmlProperties+xml", _OFFICE + "theme+xml",
                 "application/vnd.ms-office.classificationlabels+xml", *_IMAGES)
_SHARED_RELATIONSHIPS = ("officeDocument", "core-properties", "extended-properties", "custom-properties", "thumbnail",
                         "theme", "styles", "comments", "image", "hyperlink", "customXml", "customXmlProps",
                         "printerSettings", "classificationlabels")
_WML = _OFFICE + "wordprocessingml."
_SML = _OFFICE + "spreadsheetml."
WORD = Office("Word", frozenset((*_SHARED_TYPES, "application/vnd.ms-word.stylesWithEffects+xml", _WML + "printerSettings",
                                 *(f"{_WML}{kind}+xml" for kind in (
                                     "document.main", "template.main", "document.glossary", "styles", "numbering",
                                     "settings", "webSettings", "fontTable", "header", "footer", "footnotes", "endnotes",
                                     "comments", "commentsExtended", "commentsIds", "commentsExtensible", "people")))),
              frozenset((*_SHARED_RELATIONSHIPS, "stylesWithEffects", "numbering", "settings", "webSettings", "fontTable",
                         "header", "footer", "footnotes", "endnotes", "commentsExtended", "commentsIds",
                         "commentsExtensible", "people", "glossaryDocument")))
EXCEL = Office("Excel", frozenset((*_SHARED_TYPES, _SML + "printerSettings", _OFFICE + "vmlDrawing",
                                   _OFFICE + "drawing+xml", "application/vnd.ms-excel.threadedcomments+xml",
                                   "application/vnd.ms-excel.person+xml",
                                   *(f"{_SML}{kind}+xml" for kind in (
                                       "sheet.main", "template.main", "worksheet", "sharedStrings", "styles",
                                       "calcChain", "comments", "table")))),
               frozenset((*_SHARED_RELATIONSHIPS, "worksheet", "sharedStrings", "calcChain", "table", "drawing",
                          "vmlDrawing", "threadedComment", "person")))
# The parts a Word document's text is in, where fields are.
_STORIES = frozenset(f"{_WML}{kind}+xml" for kind in ("document.main", "template.main", "document.glossary", "header",
                                                       "footer", "footnotes", "endnotes", "comments"))


def package_problems(archive: zipfile.ZipFile, office: Office) -> list[str]:
    """What makes a Word or Excel file more than a document, each naming its part: parts and relationships the
    program does not write for a document, links to files or addresses outside it (other than web and mail links),
    macros, embedded objects, other documents pulled in (altChunk, attached templates, subdocuments, frames,
    external workbooks, data connections), DOCTYPEs, references to a relationship that does not fit, and fields
    other than those that number, date and cross-reference the document itself."""
    problems = []
    try:
        types = etree.fromstring(archive.read("[Content_Types].xml"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):  # no reader gets anything out of the file; theirs say so
        return []
    if types.getroottree().docinfo.internalDTD is not None:
        problems.append(_doctype("[Content_Types].xml"))
    problems += [_("the file is macro-enabled ({kind}); save it without macros (as .docx or .xlsx)").format(kind=kind)
                 for kind in sorted({t.get("ContentType", "") for t in types}) if "macroEnabled" in kind]
    defaults = {t.get("Extension", "").lower(): t.get("ContentType", "") for t in types if t.get("Extension")}
    overrides = {t.get("PartName", "").lstrip("/"): t.get("ContentType", "") for t in types if t.get("PartName")}
    relationships: dict[str, dict[str, etree._Element]] = {}  # by the part they start from, by id
    names = [name for name in archive.namelist() if not name.endswith("/") and name != "[Content_Types].xml"]
    for name in names:
        extension = name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else ""
        kind = overrides.get(name, defaults.get(extension, ""))
        if posixpath.basename(name).lower().startswith("vbaproject"):
            problems.append(_("the part {name} holds macros; save the file without macros (as .docx or .xlsx)").format(name=name))
        elif kind not in office.content_types and not (kind == "application/xml" and name.startswith("customXml/")):
            problems.append(_("the part {name} ({kind}) is not one {program} writes for a document; save the file again in "
                              "{program} without it").format(
                                name=name, kind=kind or _("no content type"), program=office.name))
        elif name.endswith(".xml") and archive.getinfo(name).file_size > MAX_XML_PART:
            problems.append(_("the part {name} is {megabytes} MB of XML, more than the {limit} MB a part of a {program} file "
                              "needs; remove what makes it so large, or save the file again in {program} without it").format(
                                name=name, megabytes=archive.getinfo(name).file_size // MB, limit=MAX_XML_PART // MB, program=office.name))
        elif kind in _IMAGES:
            problems += _picture_problems(name, kind, archive.read(name))
        elif name.endswith(".rels"):
            root = _parse(archive, name, problems)
            if root is not None:
                source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
                relationships[source] = {rel.get("Id", ""): rel for rel in root}
                problems += _relationship_problems(source, root, office)
    for name in names:
        if not name.endswith(".xml") or archive.getinfo(name).file_size > MAX_XML_PART:
            continue
        story = overrides.get(name) in _STORIES
        if not story and name not in relationships:  # a part without references or text: only its prolog matters
            if _has_doctype(archive.read(name)):
                problems.append(_doctype(name))
            continue
        root = _parse(archive, name, problems)
        if root is not None:
            problems += _reference_problems(name, root, relationships.get(name, {}))
            problems += _address_problems(name, root)
            if story:
                problems += _field_problems(name, root)
    return problems


# The first bytes of each kind of picture a document may hold (EMF's signature stands at byte 40).
_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",), "image/gif": (b"GIF87a", b"GIF89a"),
          "image/bmp": (b"BM",), "image/tiff": (b"II*\x00", b"MM\x00*"),
          "image/x-wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")}


def _picture_problems(name: str, kind: str, data: bytes) -> list[str]:
    """A picture part that holds something else than its kind of picture, or an SVG that refers to anything
    outside itself (LibreOffice reads the files an SVG names while it builds, into the PDF)."""
    if kind in ("image/png", "image/jpeg", "image/svg+xml"):
        try:
            found = probe(data).kind
        except FigureProblem as exc:
            return [_("the picture {name} cannot be used: {exc}; insert the picture again in Word").format(name=name, exc=exc)]
        ok = {"image/png": "png", "image/jpeg": "jpeg", "image/svg+xml": "svg"}[kind] == found
    elif kind == "image/x-emf":
        ok = data[40:44] == b" EMF"
    else:
        ok = data.startswith(_MAGIC[kind])
    return [] if ok else [_("the part {name} is named a picture ({kind}) but holds something else; insert the picture again "
                            "in Word, or remove it").format(name=name, kind=kind)]


_ADDRESS = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|\\\\|/)")  # a URL, a network path or an absolute path
_PULLED_IN = frozenset({f"{{{W_NS}}}altChunk", f"{{{W_NS}}}subDoc"})


def _address_problems(name: str, root: etree._Element) -> list[str]:
    """Another document pulled in by its element (whatever relationship it names), and addresses written into a
    part as attributes (VML's src and o:href) rather than as relationships: Word fetches them when the file opens."""
    problems = []
    for element in root.iter():
        if element.tag in _PULLED_IN:
            problems.append(_("the part {name} pulls in another document (<{element}>); copy what it should show into the "
                              "file itself, or remove it").format(name=name, element=etree.QName(element).localname))
            continue
        for attribute, value in element.attrib.items():
            if etree.QName(attribute).localname in ("src", "href") and _ADDRESS.match(str(value)):
                problems.append(_("the part {name} refers from <{element}> to '{address}' outside the file; insert the picture "
                                  "again in Word (from a file, not linked), or remove it").format(
                                    name=name, element=etree.QName(element).localname, address=_short(str(value))))
    return problems


def _parse(archive: zipfile.ZipFile, name: str, problems: list[str]) -> etree._Element | None:
    try:
        root = etree.fromstring(archive.read(name), _PARSER)
    except etree.XMLSyntaxError:  # no reader gets anything out of it, a DOCTYPE included; theirs say so
        return None
    if root.getroottree().docinfo.internalDTD is not None:  # there is one for every DOCTYPE
        problems.append(_doctype(name))
    return root


def _doctype(name: str) -> str:
    return (_("the part {name} has a DOCTYPE, which Word and Excel never write (it can declare entities that "
              "read other files); remove it").format(name=name))


_ROOT = re.compile(rb"<[^?!]")  # the root element's start tag: after the XML declaration, comments and any DOCTYPE


def _has_doctype(data: bytes) -> bool:
    """Whether the XML `data` declares a DOCTYPE, which can only stand before the root element: a look at the
    bytes before it, not a parse of the whole part (a document part is most of a template's XML)."""
    root = _ROOT.search(data)
    prolog = data[: root.start()] if root else data
    if b"<!--" in prolog or not data.lstrip().startswith((b"<", b"\xef\xbb\xbf")):  # a comment, or UTF-16/32: parse it
        try:
            tree = etree.fromstring(data, _PARSER).getroottree()
        except etree.XMLSyntaxError:
            return False  # no reader gets anything out of it; theirs say so
        return tree.docinfo.internalDTD is not None
    return b"<!DOCTYPE" in prolog


def _relationship_problems(source: str, rels: etree._Element, office: Office) -> list[str]:
    problems = []
    for rel in rels:
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind in _MACROS:
            problems.append(_("the part {source} refers to macros ({target}); save the file without macros (as .docx or .xlsx)")
              .format(source=source, target=target))
        elif kind in _OBJECTS:
            problems.append(_("the part {source} holds an embedded object or control ({kind}: {target}); replace it with a "
                              "picture, or remove it").format(source=source, kind=kind, target=target))
        elif kind in _DOCUMENTS:
            problems.append(_("the part {source} pulls in another document ({kind}: {target}); copy what it should show into "
                              "the file itself, or remove it").format(source=source, kind=kind, target=target))
        elif rel.get("TargetMode") == "External" and not (kind == "hyperlink" and target.lower().startswith(_WEB)):
            problems.append(_("the part {source} links to '{target}' outside the file ({kind}); a file may link only to web "
                              "and mail addresses: embed what it shows, or remove the link")
                                .format(source=source, target=target, kind=kind))
        elif kind == "font":
            problems.append(_("the part {source} embeds a font ({target}); in {program}, untick 'Embed fonts in the file' "
                              "(File > Options > Save) and save the file again").format(source=source, target=target, program=office.name))
        elif kind not in office.relationships:
            problems.append(_("the part {source} refers to {target} by a relationship {program} does not write for a document "
                              "({relationship}); save the file again in {program} without it").format(
                                source=source, target=target, program=office.name, relationship=rel.get("Type", "")))
    return problems


# The relationship each element that refers to one must refer to; any other element may refer to no link outside.
_REFERS_TO = {"blip": "image", "svgBlip": "image", "imagedata": "image", "hyperlink": "hyperlink",
              "hlinkClick": "hyperlink", "hlinkHover": "hyperlink", "headerReference": "header",
              "footerReference": "footer"}


def _reference_problems(name: str, root: etree._Element, rels: dict[str, etree._Element]) -> list[str]:
    """Each reference from the part `name` to one of its relationships that does not fit the element it is on: a
    picture shown from a link instead of from the file (LibreOffice fetches it while it builds, Word when the file
    is opened), or from a relationship that is no picture; a link outside the file used by anything but a link."""
    problems = []
    for element in cast("list[etree._Element]", root.xpath("//*[@*[namespace-uri()=$ns]]", ns=R_NS)):
        for attribute, value in element.attrib.items():
            rel = rels.get(str(value)) if str(attribute).startswith(f"{{{R_NS}}}") else None
            if rel is None:
                continue  # not a reference, or one to nothing: nothing is read
            tag = etree.QName(element).localname
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            external = rel.get("TargetMode") == "External"
            expected = _REFERS_TO.get(tag)
            if str(attribute).endswith("}link") or (expected and kind != expected) or (external and expected != "hyperlink"):
                problems.append(_("the part {name} refers from <{tag}> to '{target}' ({kind}{outside}), which is not what <{tag}> "
                                  "may refer to; insert the picture or link again in Word (a picture inserted from a file, not "
                                  "linked to it), or remove it").format(
                                    name=name, tag=tag, target=rel.get("Target", ""), kind=kind,
                                    outside=_(", outside the file") if external else ""))
    return problems


# The fields a document's text may hold: numbers, dates, properties and references within the document. Others
# read files or addresses (INCLUDETEXT, INCLUDEPICTURE, LINK, DDE, IMPORT), or run commands (DDEAUTO, MACROBUTTON).
_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "SEQ", "REF", "PAGEREF", "NOTEREF", "STYLEREF",
                     "TOC", "TC", "DATE", "TIME", "CREATEDATE", "SAVEDATE", "PRINTDATE", "DOCPROPERTY", "TITLE",
                     "SUBJECT", "AUTHOR", "KEYWORDS", "COMMENTS", "LISTNUM", "AUTONUM", "AUTONUMLGL", "AUTONUMOUT",
                     "SYMBOL", "QUOTE", "IF", "=", "FORMTEXT", "FORMCHECKBOX", "FORMDROPDOWN", "HYPERLINK"})
_FIELD_WORDS = re.compile(r'"([^"]*)"?|(\\\S+)|([^\s"]+)')  # a quoted text, a switch, or a word
_SWITCHES_WITH_TEXT = {"\\l", "\\o", "\\t"}  # HYPERLINK's switches followed by a text of their own


def _field_problems(name: str, root: etree._Element) -> list[str]:
    """Each field in the part `name` that is not one of _FIELDS, or a HYPERLINK field to anything but a web or
    mail address; a field's code may be spread over many runs (w:instrText between w:fldChar begin and separate)."""
    codes: list[str] = []
    open_fields: list[list[str] | None] = []  # the code read so far of each field begun, None once it is complete
    for element in root.iter(f"{{{W_NS}}}fldChar", f"{{{W_NS}}}instrText", f"{{{W_NS}}}delInstrText",
                              f"{{{W_NS}}}fldSimple"):
        tag = etree.QName(element).localname
        if tag == "fldSimple":
            codes.append(element.get(f"{{{W_NS}}}instr", ""))
        elif tag != "fldChar":
            if open_fields and open_fields[-1] is not None:
                open_fields[-1].append(element.text or "")
            else:
                codes.append(element.text or "")  # a code outside a field: Word ignores it, LibreOffice may not
        elif (which := element.get(f"{{{W_NS}}}fldCharType")) == "begin":
            open_fields.append([])
        elif open_fields and which in ("separate", "end"):
            pieces = open_fields[-1]
            if pieces is not None:
                codes.append("".join(pieces))
                open_fields[-1] = None
            if which == "end":
                open_fields.pop()
    codes += ["".join(pieces) for pieces in open_fields if pieces is not None]
    problems = []
    for code in codes:
        words = [(quoted, switch, word) for quoted, switch, word in _FIELD_WORDS.findall(code)]
        field = (words[0][2] if words else "").upper()
        field = "=" if field.startswith("=") else field
        if field not in _FIELDS:
            problems.append(_("the part {name} has a field {field} ('{code}'), which reads files or addresses or runs "
                              "commands when the document is built or opened; remove the field (select it in Word and press "
                              "Ctrl+Shift+F9 to keep its text)").format(
                                name=name, field=field or _("(of no type)"), code=_short(code)))
        elif field == "HYPERLINK" and not _web_field(words[1:]):
            problems.append(_("the part {name} has a field HYPERLINK ('{code}') to something other than a web or mail "
                              "address; a template may link only to those: remove the link").format(name=name, code=_short(code)))
    return problems


def _web_field(words: list[tuple[str, str, str]]) -> bool:
    """Whether a HYPERLINK field's words lead to a web or mail address, or to a bookmark in the document (\\l)."""
    skip = False
    for quoted, switch, word in words:
        if skip:
            skip = False
        elif switch:
            skip = switch.lower() in _SWITCHES_WITH_TEXT
        else:
            return (quoted or word).lower().startswith(_WEB)
    return True


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + " …"
