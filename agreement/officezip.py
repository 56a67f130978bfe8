"""Word and Excel files from outside (templates, workbooks, other commits' builds): opened within bounds, and what they may not hold."""

from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from agreement.errors import AgreementError, Location

MB = 1024 * 1024
MAX_BYTES = 200 * MB  # unpacked, all parts together: ten times the largest document the sample builds, and room
MAX_PARTS = 2000
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
            raise AgreementError(f"holds {len(parts)} parts, more than the {max_parts} a Word or Excel file needs; "
                                 "open it in Word or Excel and save it again", where)
        if sum(part.file_size for part in parts) > max_bytes:
            largest = max(parts, key=lambda part: part.file_size)
            raise AgreementError(f"unpacks to more than {max_bytes // MB} MB (the part {largest.filename} alone to "
                                 f"{largest.file_size // MB} MB); remove what makes it so large, or open it in Word or "
                                 "Excel and save it again", where)
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
        raise AgreementError(f"the part {part.filename} does not unpack to the {part.file_size} bytes the file's "
                             "directory declares, so the file is damaged or made to mislead; open it in Word or "
                             "Excel and save it again", where)


# What a Word or Excel file from outside may not hold, by the relationship that brings it in.
_MACROS = {"vbaProject", "wordVbaData", "keyMapCustomizations", "vbaProjectSignature"}
_OBJECTS = {"oleObject", "package", "control", "activeXControlBinary"}  # embedded objects, ActiveX controls
_DOCUMENTS = {"aFChunk", "attachedTemplate", "subDocument", "frame", "externalLink", "connections", "queryTable"}
_WEB = ("http:", "https:", "mailto:")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def package_problems(archive: zipfile.ZipFile) -> list[str]:
    """What makes a Word or Excel file more than a document, each naming its part: links to files or addresses
    outside it (other than web and mail links), macros, embedded objects, other documents pulled in (altChunk,
    attached templates, subdocuments, frames, external workbooks, data connections), and DOCTYPEs."""
    problems = []
    for name in archive.namelist():
        if not name.endswith((".xml", ".rels")):
            if posixpath.basename(name).lower().startswith("vbaproject"):
                problems.append(f"the part {name} holds macros; save the file without macros (as .docx or .xlsx)")
            continue
        data = archive.read(name)
        if not name.endswith(".rels") and name != "[Content_Types].xml":
            if _has_doctype(data):
                problems.append(_doctype(name))
            continue
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError:  # no reader gets anything out of it, a DOCTYPE included; theirs say so
            continue
        if root.getroottree().docinfo.internalDTD is not None:  # there is one for every DOCTYPE
            problems.append(_doctype(name))
        if name == "[Content_Types].xml":
            problems += [f"the file is macro-enabled ({kind}); save it without macros (as .docx or .xlsx)"
                         for kind in sorted({t.get("ContentType", "") for t in root}) if "macroEnabled" in kind]
        elif name.endswith(".rels"):
            problems += _relationship_problems(name, root)
    return problems


def _doctype(name: str) -> str:
    return (f"the part {name} has a DOCTYPE, which Word and Excel never write (it can declare entities that read other "
            "files); remove it")


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


def _relationship_problems(name: str, rels: etree._Element) -> list[str]:
    source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[: -len(".rels")])
    problems = []
    for rel in rels:
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind in _MACROS:
            problems.append(f"the part {source} refers to macros ({target}); save the file without macros (as .docx or .xlsx)")
        elif kind in _OBJECTS:
            problems.append(f"the part {source} holds an embedded object or control ({kind}: {target}); "
                            "replace it with a picture, or remove it")
        elif kind in _DOCUMENTS:
            problems.append(f"the part {source} pulls in another document ({kind}: {target}); "
                            "copy what it should show into the file itself, or remove it")
        elif rel.get("TargetMode") == "External" and not (kind == "hyperlink" and target.lower().startswith(_WEB)):
            problems.append(f"the part {source} links to '{target}' outside the file ({kind}); a file may link only to "
                            "web and mail addresses: embed what it shows, or remove the link")
    return problems
