"""Convert DOCX to PDF through a running LibreOffice over UNO; run by the system python3, which has `uno`.

This file is a script, not part of the package's import graph: agreement.outputs.pdf starts it as
`python3 unoclient.py PIPE OFFICE_GROUP` and talks to it over stdin/stdout, one request a line:

    request:  <docx path> TAB <pdf path>      reply:  ok   or   error TAB <message>

It connects to LibreOffice's pipe as soon as LibreOffice listens (requests wait in stdin meanwhile), so the
caller can render Word files while LibreOffice starts. The export options are those of pdf.PDF_EXPORT.
If the caller is gone (killed, so it could not stop LibreOffice itself), this client stops LibreOffice's
process group OFFICE_GROUP, whether LibreOffice is still starting or already converting.
"""

import os
import signal
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def stop_office() -> None:
    """Kill LibreOffice's process group: the caller that would have stopped it is gone."""
    try:
        os.killpg(int(sys.argv[2]), signal.SIGKILL)
    except (IndexError, ValueError, OSError):
        pass  # already gone


def connect(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    parent = int(os.environ.get("AGREEMENT_UNO_PARENT") or os.getppid())  # the build, even if it ended before we got here
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if os.getppid() != parent:  # the build that started this client was killed while LibreOffice started
                stop_office()
                sys.exit(1)
            time.sleep(0.02)  # LibreOffice is still starting; the caller's timeout bounds the wait


def convert(desktop: Any, docx: str, pdf: str) -> None:
    # The same PDF/A-2b, tagged, bookmarked export as `soffice --convert-to` with pdf.PDF_EXPORT.
    filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple([
        prop("SelectPdfVersion", uno.Any("long", 2)),
        prop("UseTaggedPDF", True),
        prop("ExportBookmarks", True),
    ]))
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(docx), "_blank", 0,
                                       (prop("Hidden", True), prop("ReadOnly", True)))
    try:
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(pdf),
                                       (prop("FilterName", "writer_pdf_Export"), prop("FilterData", filter_data))))
    finally:
        doc.close(True)


def main() -> None:
    desktop = connect(sys.argv[1])
    try:
        for line in sys.stdin:
            docx, _, pdf = line.rstrip("\n").partition("\t")
            try:
                convert(desktop, docx, pdf)
            except Exception as exc:  # any UNO failure goes back to the caller as a message
                message = " ".join(str(getattr(exc, "Message", "") or exc).split()) or type(exc).__name__
                print(f"error\t{message}", flush=True)
            else:
                print("ok", flush=True)
    finally:
        # stdin closed, or stdout broken: the build is gone. If it was killed (SIGKILL), nothing else stops LibreOffice.
        try:
            desktop.terminate()
        finally:
            stop_office()


if __name__ == "__main__":
    main()
