"""DOCX to PDF with a headless LibreOffice of the build's own, and a timeout."""

from __future__ import annotations

import os
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from agreement.errors import ToolError
from agreement.i18n import N_, _, number
from agreement.outputs import loprofile

# PDF/A-2b, tagged for screen readers, with bookmarks from the headings (LibreOffice's JSON filter options).
PDF_EXPORT = ('pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
              '"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"ExportBookmarks":{"type":"boolean","value":"true"}}')
OFFICE_FLAGS = ("--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo")
INSTALL_HINT = N_("install it with: sudo apt-get install libreoffice-writer-nogui (or run 'make build')")


def find_soffice() -> str | None:
    """The LibreOffice executable: AGREEMENT_SOFFICE names one (another installation, or a stand-in), else the one on PATH."""
    override = os.environ.get("AGREEMENT_SOFFICE")
    if override:
        return override if Path(override).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


# The Python that runs unoclient.py: it needs LibreOffice's `uno` module (Debian's python3-uno).
UNO_PYTHON = "/usr/bin/python3"
UNO_MODULE_DIRS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
UNO_CLIENT = Path(__file__).with_name("unoclient.py")
def uno_python() -> str | None:
    """The Python that can talk to LibreOffice over UNO (Debian's python3-uno), or None."""
    if Path(UNO_PYTHON).exists() and any((Path(d) / "uno.py").exists() for d in UNO_MODULE_DIRS):
        return UNO_PYTHON
    return None


class Office:
    """One headless LibreOffice of the caller's own, started at once and converting documents as they are submitted.

    `start` gets LibreOffice going (with a prepared profile in `profile_parent`) and the UNO client that drives
    it, and returns at once, so the caller renders Word files while LibreOffice starts. `submit` queues a
    conversion; `wait` returns when every queued PDF is written, within `timeout` seconds of being called.
    `close` stops the client and LibreOffice (their whole process groups) and deletes the profile; the caller
    closes it however it ends (also on Ctrl-C). The same Office may convert several batches (`agreement watch`
    keeps it for every round). Without python3-uno, `wait` converts the batch with one `soffice --convert-to`
    run instead, with the same export options.
    """

    def __init__(self, profile_parent: Path | None = None, settings: Sequence[loprofile.Setting] = ()) -> None:
        self.profile_parent = profile_parent
        self.settings = tuple(settings)  # LibreOffice's own settings for its profile (loprofile.configure)
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._office: subprocess.Popen[bytes] | None = None
        self._client: subprocess.Popen[bytes] | None = None
        self._unread = b""  # what the client wrote after the last line read
        self._pending: list[tuple[Path, Path]] = []
        self._submitted = 0
        self._error: ToolError | None = None

    def start(self) -> Office:
        exe = find_soffice()
        if exe is None:
            self._error = ToolError(_("LibreOffice is not installed, so no PDF was made; {install}").format(install=_(INSTALL_HINT)))
            return self
        python = uno_python()
        if python is None:
            return self  # converted by wait() with --convert-to
        self._profile = tempfile.TemporaryDirectory(prefix="agreement-lo-profile-", dir=self.profile_parent)
        profile = Path(self._profile.name).resolve()
        loprofile.prepare(profile, exe)
        loprofile.configure(profile, self.settings)
        pipe = f"agreement-{os.getpid()}-{secrets.token_hex(6)}"
        command = [exe, f"-env:UserInstallation={profile.as_uri()}", *OFFICE_FLAGS,
                   f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        try:
            with (profile / "office.log").open("wb") as log:
                self._office = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log,
                                                stdin=subprocess.DEVNULL, env={**os.environ, "HOME": str(profile)},
                                                start_new_session=True)
        except OSError as exc:
            self._error = ToolError(_("LibreOffice could not be started ({reason}); {install}")
              .format(reason=exc.strerror, install=_(INSTALL_HINT)))
            return self
        try:
            with (profile / "client.log").open("wb") as log:
                # LibreOffice was started in a session of its own: its process group is its pid.
                self._client = subprocess.Popen([python, str(UNO_CLIENT), pipe, str(self._office.pid)], stdin=subprocess.PIPE,
                                                stdout=subprocess.PIPE, stderr=log, start_new_session=True, env=_client_env())
        except OSError as exc:
            self.close()
            self._error = ToolError(_("the LibreOffice UNO client could not be started ({reason}); install it with: sudo apt-get "
                                      "install python3-uno (or run 'make build')").format(reason=exc.strerror))
        return self

    def submit(self, docx: Path, pdf: Path) -> None:
        """Queue `docx` for conversion into `pdf` (both absolute); LibreOffice may still be starting."""
        self._pending.append((docx, pdf))
        if self._client is not None and self._client.stdin is not None and self._error is None:
            try:
                self._client.stdin.write(f"{docx}\t{pdf}\n".encode())
                self._client.stdin.flush()
                self._submitted += 1
            except BrokenPipeError:
                pass  # the client died; wait() says why

    def wait(self, timeout: float) -> list[Path]:
        """Every submitted PDF, once written; ToolError if LibreOffice is missing, fails or takes too long."""
        batch, self._pending = self._pending, []
        submitted, self._submitted = self._submitted, 0
        if self._error is not None:
            raise self._error
        if not batch:
            return []
        if self._client is None:
            groups: dict[Path, list[Path]] = {}
            for docx, pdf in batch:
                groups.setdefault(pdf.parent, []).append(docx)
            for out_dir, documents in groups.items():
                to_pdf(documents, out_dir, timeout=timeout, profile_parent=self.profile_parent, settings=self.settings)
            return [pdf for __, pdf in batch]
        deadline = time.monotonic() + timeout
        failed: list[str] = []
        for docx, _pdf in batch[:submitted]:
            reply = self._reply(deadline, timeout)
            if reply != "ok":
                failed.append(f"{docx.name}: {reply.partition(chr(9))[2] or reply}")
        missing = [pdf.name for __, pdf in batch if not pdf.exists() or pdf.stat().st_size == 0]
        if failed or missing or submitted < len(batch):
            detail = f" ({failed[0]})" if failed else ""
            raise ToolError(_("LibreOffice failed to convert {files} to PDF{detail}").format(
                                files=", ".join(missing) or _("the documents"), detail=detail))
        return [pdf for __, pdf in batch]

    def _reply(self, deadline: float, timeout: float) -> str:
        client, office = self._client, self._office
        assert client is not None and client.stdout is not None and office is not None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise ToolError(_("LibreOffice did not finish converting to PDF within {seconds} seconds and was stopped; try "
                                  "again, or check that LibreOffice works: soffice --version").format(seconds=number(timeout)))
            line = self._line(client, min(left, 0.1))
            if line is not None:
                if line:
                    return line
                try:
                    client.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                self._died("the UNO client", client.returncode, "client.log")
            if office.poll() is not None:
                self._died("LibreOffice", office.returncode, "office.log")

    def _line(self, client: subprocess.Popen[bytes], wait: float) -> str | None:
        """The client's next line, if one comes within `wait` seconds; '' when the client has ended.

        Read with os.read, not readline: a buffered reader could hold a second line that select() no longer sees.
        """
        assert client.stdout is not None
        while b"\n" not in self._unread:
            ready, __, __ = select.select([client.stdout], [], [], wait)
            if not ready:
                return None
            chunk = os.read(client.stdout.fileno(), 65536)
            if not chunk:
                return ""
            self._unread += chunk
            wait = 0
        line, _newline, self._unread = self._unread.partition(b"\n")
        return line.decode("utf-8", "replace") or "error\tan empty reply"

    def _died(self, what: str, returncode: int | None, log: str) -> NoReturn:
        """LibreOffice or its client stopped: stop the other and raise a ToolError with its last words."""
        stderr = b""
        try:
            if self._profile is not None:
                stderr = (Path(self._profile.name) / log).read_bytes()
        except OSError:
            pass
        self.close()
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        if detail:
            reason = detail[-1]
        elif returncode is not None:
            reason = _("{program} stopped with exit code {code}").format(program=what, code=returncode)
        else:
            reason = _("{program} stopped").format(program=what)
        raise ToolError(_("LibreOffice failed to convert the documents to PDF ({reason})").format(reason=reason))

    def close(self) -> None:
        """Stop the client and LibreOffice (their whole process groups) and delete the profile."""
        client, self._client = self._client, None
        office, self._office = self._office, None
        if client is not None:
            _kill_group(client)
        if office is not None:
            _kill_group(office)
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    def __enter__(self) -> Office:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _client_env() -> dict[str, str]:
    """The system Python's own environment: no virtualenv or PYTHONPATH of ours leaks into it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    env["AGREEMENT_UNO_PARENT"] = str(os.getpid())  # the client stops waiting for LibreOffice once we are gone
    return env


def libreoffice_version() -> str:
    """What identifies the installed LibreOffice (part of the build cache's key); '' when it is not installed.

    Not `soffice --version`, which starts LibreOffice: the install's version file and the size and time of its
    executable and main libraries, which change with every upgrade, are read at once.
    """
    exe = find_soffice()
    if exe is None:
        return ""
    real = Path(exe).resolve()
    parts = [str(real)]
    for path in (real, real.parent / "versionrc", real.parent / "soffice.bin", real.parent / "libmergedlo.so",
                 real.parent / "libswlo.so"):
        if path.is_file():
            stat = path.stat()
            parts.append(f"{path.name} {stat.st_size} {stat.st_mtime_ns}")
    if (real.parent / "versionrc").is_file():
        parts.append((real.parent / "versionrc").read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def to_pdf(documents: list[Path], out_dir: Path, *, timeout: float,
           profile_parent: Path | None = None, settings: Sequence[loprofile.Setting] = ()) -> list[Path]:
    """Convert every DOCX in `documents` into `out_dir` in one LibreOffice run; return the PDFs.

    LibreOffice's throw-away profile goes into `profile_parent` (the system's temporary folder if None), so
    a build's stage, deleted however the build ends, takes it along; `settings` go into that profile
    (loprofile.configure).
    """
    exe = find_soffice()
    if exe is None:
        raise ToolError(_("LibreOffice is not installed, so no PDF was made; {install}").format(install=_(INSTALL_HINT)))
    with tempfile.TemporaryDirectory(prefix="agreement-lo-profile-", dir=profile_parent) as profile:
        loprofile.prepare(Path(profile), exe)
        loprofile.configure(Path(profile), settings)
        command = [
            exe,
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            *OFFICE_FLAGS,
            "--convert-to", PDF_EXPORT,
            "--outdir", str(out_dir),
            *(str(d) for d in documents),
        ]
        env = {**os.environ, "HOME": profile}
        try:
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        except OSError as exc:
            raise ToolError(_("LibreOffice could not be started ({reason}); {install}")
              .format(reason=exc.strerror, install=_(INSTALL_HINT))) from None
        try:
            __, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ToolError(_("LibreOffice did not finish converting to PDF within {seconds} seconds and was stopped; try "
                              "again, or check that LibreOffice works: soffice --version").format(seconds=number(timeout))) from None
        except BaseException:
            _kill_group(proc)  # Ctrl-C: LibreOffice runs in its own session and would not hear it
            raise
    pdfs = [out_dir / (d.stem + ".pdf") for d in documents]
    missing = [p.name for p in pdfs if not p.exists() or p.stat().st_size == 0]
    if proc.returncode != 0 or missing:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f" ({detail[-1]})" if detail else " (" + _("exit code {code}").format(code=proc.returncode) + ")"
        raise ToolError(_("LibreOffice failed to convert {files} to PDF{reason}").format(
                            files=", ".join(missing) or _("the documents"), reason=reason))
    return pdfs


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=30)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        proc.wait()
