"""DOCX to PDF with one headless LibreOffice process per build, its own profile and a timeout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from agreement.errors import ToolError

# PDF/A-2b, tagged for screen readers, with bookmarks from the headings (LibreOffice's JSON filter options).
PDF_EXPORT = ('pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
              '"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"ExportBookmarks":{"type":"boolean","value":"true"}}')
INSTALL_HINT = "install it with: sudo apt-get install libreoffice-writer-nogui (or run 'make build')"


def find_soffice() -> str | None:
    """The LibreOffice executable; AGREEMENT_SOFFICE overrides the search (used by tests)."""
    override = os.environ.get("AGREEMENT_SOFFICE")
    if override:
        return override if Path(override).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(documents: list[Path], out_dir: Path, *, timeout: float,
           profile_parent: Path | None = None) -> list[Path]:
    """Convert every DOCX in `documents` into `out_dir` in one LibreOffice run; return the PDFs.

    LibreOffice's throw-away profile goes into `profile_parent` (the system's temporary folder if None), so
    a build's stage, deleted however the build ends, takes it along.
    """
    exe = find_soffice()
    if exe is None:
        raise ToolError(f"LibreOffice is not installed, so no PDF was made; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="agreement-lo-profile-", dir=profile_parent) as profile:
        command = [
            exe,
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
            "--convert-to", PDF_EXPORT,
            "--outdir", str(out_dir),
            *(str(d) for d in documents),
        ]
        env = {**os.environ, "HOME": profile}
        try:
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        except OSError as exc:
            raise ToolError(f"LibreOffice could not be started ({exc.strerror}); {INSTALL_HINT}") from None
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ToolError(f"LibreOffice did not finish converting to PDF within {timeout:g} seconds and was stopped; "
                            "try again, or check that LibreOffice works: soffice --version") from None
        except BaseException:
            _kill_group(proc)  # Ctrl-C: LibreOffice runs in its own session and would not hear it
            raise
    pdfs = [out_dir / (d.stem + ".pdf") for d in documents]
    missing = [p.name for p in pdfs if not p.exists() or p.stat().st_size == 0]
    if proc.returncode != 0 or missing:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f" ({detail[-1]})" if detail else f" (exit code {proc.returncode})"
        raise ToolError(f"LibreOffice failed to convert {', '.join(missing) or 'the documents'} to PDF{reason}")
    return pdfs


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
