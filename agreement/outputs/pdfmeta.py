"""Finish a LibreOffice PDF: metadata from content (Info and XMP in agreement), no clock time, fixed /ID."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import uuid
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from agreement.errors import ToolError
from agreement.files import replacing
from agreement.i18n import _
from agreement.interrupts import held
from agreement.model.metadata import Metadata

with held():  # Ctrl-C during pikepdf's import would abort Python (see agreement.interrupts)
    import pikepdf

CREATOR = "agreement"


def finish(path: Path, meta: Metadata, seed: bytes) -> None:
    """Rewrite `path` with `meta`; `seed` (the DOCX's bytes) makes the file and XMP identifiers deterministic.

    qpdf (through pikepdf) copies every other object and stream as LibreOffice wrote it, without decoding it;
    the trailer's /ID is our digest and a hash of the content, so the same input gives the same bytes.
    """
    try:
        pdf = pikepdf.open(path)
    except Exception as exc:  # qpdf raises several kinds for a damaged file
        raise ToolError(_("the PDF LibreOffice wrote cannot be read ({exc}); try the build again").format(exc=exc)) from None
    with replacing(path) as tmp, pdf:  # pdf is closed before tmp replaces path
        when = dt.datetime.combine(meta.date, dt.time(12, 0), tzinfo=dt.UTC)
        old_info = pdf.trailer.get("/Info")
        producer = str(old_info.get("/Producer", "LibreOffice")) if old_info is not None else "LibreOffice"
        digest = hashlib.sha256(seed + meta.title.encode("utf-8")).digest()
        pdf_date = when.strftime("D:%Y%m%d%H%M%S+00'00'")
        info = {"/Title": meta.title, "/Author": meta.author, "/Subject": meta.subject, "/Keywords": meta.keywords,
                "/Creator": CREATOR, "/Producer": producer, "/CreationDate": pdf_date, "/ModDate": pdf_date}
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info.items()}))
        root = pdf.Root
        root.Lang = pikepdf.String(meta.language)
        xmp = _xmp(meta, producer, when, uuid.UUID(bytes=digest[:16]))
        if "/Metadata" in root:
            root.Metadata.write(xmp)  # XMP stays uncompressed, as PDF/A readers expect to find it
        _fix_icc_dates(root, when)
        # LibreOffice's trailer carries a /DocChecksum of the file with its clock times; qpdf would keep it.
        for key in list(pdf.trailer.keys()):
            if key not in ("/Root", "/Info", "/Size"):
                del pdf.trailer[key]
        # LibreOffice's /ID is random; qpdf keeps the first half and derives the second from the content.
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(digest[:16]), pikepdf.String(digest[:16])])
        pdf.save(tmp, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve, compress_streams=True)


def _xmp(meta: Metadata, producer: str, when: dt.datetime, document_id: uuid.UUID) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    e = escape
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(meta.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(meta.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{e(meta.language)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{e(producer)}</pdf:Producer>
   <pdf:Keywords>{e(meta.keywords)}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
   <xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{document_id}</xmpMM:InstanceID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


def _fix_icc_dates(root: pikepdf.Object, when: dt.datetime) -> None:
    """LibreOffice stamps the embedded sRGB profile's header with the clock; use the document's date."""
    for intent in root.get("/OutputIntents", []):
        stream = intent.get("/DestOutputProfile")
        if stream is None:
            continue
        data = bytearray(stream.read_bytes())
        if len(data) >= 36 and data[36:40] == b"acsp":
            data[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute, when.second)
            stream.write(zlib.compress(bytes(data)), filter=pikepdf.Name.FlateDecode)
