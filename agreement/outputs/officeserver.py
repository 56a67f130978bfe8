"""One warm LibreOffice per user that successive builds share, stopped after a while without use.

A build that wants PDFs looks in a private state folder for a live server for the installed LibreOffice
(keyed by its path and `libreoffice_version()`, so an upgrade or a test's fake `soffice` never meets a stale
one); if there is none it starts one, detached, under a lock so that two builds never start two. The server
is LibreOffice listening on a private pipe, owned by a small watchdog (officewatchdog.py) that stops it when
no build has used it for `idle_seconds()`. A build holds a shared lock on the server's lease file while it
uses it; the watchdog stops LibreOffice only when it can take that lock exclusively.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from agreement.errors import ToolError
from agreement.outputs import loprofile

DEFAULT_IDLE = 600.0
WATCHDOG = Path(__file__).with_name("officewatchdog.py")
IDLE_ENV = "AGREEMENT_OFFICE_IDLE"
DIR_ENV = "AGREEMENT_OFFICE_DIR"
OFFICE_FLAGS = ("--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo")


def idle_seconds() -> float:
    """How long a warm LibreOffice waits for the next build; 0: none, every build starts its own.

    AGREEMENT_OFFICE_IDLE sets it; without it, 600 seconds, or 0 when CI is set (a CI machine keeps no process).
    """
    value = os.environ.get(IDLE_ENV)
    if value is None or not value.strip():
        return 0.0 if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no") else DEFAULT_IDLE
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ToolError(f"{IDLE_ENV} is {value!r}; set it to the seconds a warm LibreOffice waits for the next build, "
                        "or 0 to start LibreOffice anew for every build")
    return seconds


def state_dir() -> Path:
    """The private folder of the servers' state: AGREEMENT_OFFICE_DIR, else $XDG_RUNTIME_DIR/agreement-office,
    else ~/.cache/agreement/office. Made with mode 0700; one another user owns is refused."""
    override = os.environ.get(DIR_ENV)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if override:
        folder = Path(override)
    elif runtime:
        folder = Path(runtime) / "agreement-office"
    else:
        folder = Path.home() / ".cache" / "agreement" / "office"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = folder.stat()
    if info.st_uid != os.getuid():
        raise ToolError(f"the folder {folder} for the warm LibreOffice belongs to another user; set {DIR_ENV} to a folder of "
                        f"your own, or {IDLE_ENV}=0")
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)  # the pipe's name and the profile are nobody else's business
    return folder


def server_key(exe: str, version: str) -> str:
    """What identifies a LibreOffice installation: a server started for another one is never used."""
    return hashlib.sha256(f"{exe}\n{version}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Server:
    """A warm LibreOffice as its state file describes it: the watchdog's process id (also the process group of
    LibreOffice) and the pipe it listens on."""

    folder: Path
    key: str
    pid: int
    pipe: str
    soffice: str
    idle: float
    started: float

    @property
    def state(self) -> Path:
        return self.folder / f"server-{self.key}.json"

    @property
    def log(self) -> Path:
        return self.folder / f"server-{self.key}.log"

    @property
    def profile(self) -> Path:
        return self.folder / f"profile-{self.key}"

    @property
    def answered(self) -> Path:
        """Holds the pipe of the server that has accepted a client: it has started (see mark_answered)."""
        return self.folder / f"server-{self.key}.answered"

    @property
    def convert_lock(self) -> Path:
        """Held by a UNO client around each conversion: two builds never convert at the same time."""
        return self.folder / f"server-{self.key}.convert"

    def alive(self) -> bool:
        """Whether the watchdog still runs (not a zombie, not another program that got its process id)."""
        try:
            stat_line = Path(f"/proc/{self.pid}/stat").read_text()
            cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            return False
        return stat_line.rsplit(")", 1)[-1].split()[0] != "Z" and str(self.state) in cmdline

    def last_used(self) -> float | None:
        try:
            return _used_mark(self.folder, self.key).stat().st_mtime
        except OSError:
            return None


class Lease:
    """A build's hold on a server (a shared lock on its lease file): the watchdog does not stop it meanwhile."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder, self.key = folder, key
        self._fd: int | None = os.open(folder / f"server-{key}.lease", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_SH)  # waits only while a watchdog is stopping its LibreOffice
        _touch(_used_mark(folder, key))

    def release(self) -> None:
        """Mark the server used now (its idle time starts) and let go of it."""
        fd, self._fd = self._fd, None
        if fd is not None:
            _touch(_used_mark(self.folder, self.key))
            os.close(fd)


def acquire(exe: str, version: str) -> tuple[Server, Lease, bool]:
    """A live server for LibreOffice `exe`, held by a Lease; True if this call started it."""
    folder = state_dir()
    key = server_key(exe, version)
    with _locked(folder / f"server-{key}.lock"):
        lease = Lease(folder, key)
        try:
            server = read(folder, key)
            if server is not None and server.alive():
                return server, lease, False
            if server is not None:
                retire(server)
            return _start(folder, key, exe), lease, True
        except BaseException:
            lease.release()
            raise


def replace(server: Server) -> Server:
    """Stop `server` (it failed a build) and start a new one for the same LibreOffice; the caller's Lease stays."""
    with _locked(server.folder / f"server-{server.key}.lock"):
        current = read(server.folder, server.key)
        if current is not None and current.pid != server.pid and current.alive():
            return current  # another build replaced it already
        retire(server)
        return _start(server.folder, server.key, server.soffice)


def retire(server: Server) -> None:
    """Kill the server's LibreOffice and watchdog (their process group) and forget it."""
    if server.alive() or _group_is_ours(server):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    current = read(server.folder, server.key)
    if current is not None and current.pid == server.pid:
        server.state.unlink(missing_ok=True)
        server.answered.unlink(missing_ok=True)
    pipe_file(server.pipe).unlink(missing_ok=True)


def mark_answered(server: Server) -> None:
    """Note that `server` accepted a client: from now on a client it keeps waiting is a sign it hangs."""
    with suppress(OSError):
        server.answered.write_text(server.pipe, encoding="utf-8")


def has_answered(server: Server) -> bool:
    """Whether `server` (not an earlier one: each start has a new pipe) has accepted a client; until then it may
    still be starting, which can take long on a busy machine."""
    try:
        return server.answered.read_text(encoding="utf-8") == server.pipe
    except OSError:
        return False


def pipe_file(pipe: str) -> Path:
    """The socket LibreOffice listens on for `pipe`; a killed LibreOffice leaves it behind, so it is removed."""
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_{pipe}"  # noqa: S108 (LibreOffice's own fixed place)


def read(folder: Path, key: str) -> Server | None:
    """The server the state file for `key` describes, alive or not; None if there is none (or it is unreadable)."""
    try:
        data = json.loads((folder / f"server-{key}.json").read_text(encoding="utf-8"))
        return Server(folder, key, int(data["pid"]), str(data["pipe"]), str(data["soffice"]), float(data["idle"]),
                      float(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def servers(folder: Path | None = None) -> list[Server]:
    """Every server with a state file in the state folder (live or not), oldest first."""
    folder = folder or state_dir()
    found = [read(folder, path.name[len("server-"):-len(".json")]) for path in folder.glob("server-*.json")]
    return sorted((s for s in found if s is not None), key=lambda s: s.started)


def stop_all(folder: Path | None = None) -> list[Server]:
    """Stop every server in the state folder; the ones that were running."""
    stopped = []
    for server in servers(folder):
        if server.alive():
            stopped.append(server)
        retire(server)
    return stopped


def describe(server: Server, now: float | None = None) -> str:
    """One line for `agreement office status`."""
    now = time.time() if now is None else now
    used = server.last_used()
    ago = f"last used {now - used:.0f} s ago" if used is not None else "not used yet"
    return (f"running since {time.strftime('%H:%M:%S', time.localtime(server.started))}, {ago}, stops after "
            f"{server.idle:g} s without use (process {server.pid}, {server.soffice})")


def stopped_note() -> str:
    """What happens to LibreOffice after `agreement watch` stops."""
    try:
        idle = idle_seconds()
    except ToolError:
        idle = 0.0
    if idle == 0:
        return "LibreOffice is stopped"
    return f"LibreOffice stays ready for the next build for {idle:g} s (stop it now with: agreement office stop)"


def _start(folder: Path, key: str, exe: str) -> Server:
    """Start a watchdog with a fresh LibreOffice (new profile, new pipe) and write the state file naming it."""
    idle = idle_seconds()
    server = Server(folder, key, 0, f"agreement-office-{key}-{secrets.token_hex(6)}", exe, idle, time.time())
    # Whatever the state file names now is not to be used (a dead server, or unreadable state): gone before the
    # watchdog starts, which stops itself if the state file names another process once it first looks.
    server.state.unlink(missing_ok=True)
    shutil.rmtree(server.profile, ignore_errors=True)  # a fresh profile for every start, as a one-off build has
    server.profile.mkdir(mode=0o700, exist_ok=True)
    loprofile.prepare(server.profile, exe)
    command = [exe, f"-env:UserInstallation={server.profile.resolve().as_uri()}", *OFFICE_FLAGS,
               f"--accept=pipe,name={server.pipe};urp;StarOffice.ComponentContext"]
    config = {"command": command, "state": str(server.state), "lease": str(folder / f"server-{key}.lease"),
              "used": str(_used_mark(folder, key)), "idle": idle, "pipe_file": str(pipe_file(server.pipe))}
    try:
        with server.log.open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-I", str(WATCHDOG), json.dumps(config, ensure_ascii=False)], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, start_new_session=True,
                                    env={**os.environ, "HOME": str(server.profile)})
    except OSError as exc:
        raise ToolError(f"LibreOffice could not be started ({exc.strerror})") from None
    server = Server(folder, key, proc.pid, server.pipe, exe, idle, server.started)
    temporary = server.state.with_suffix(".tmp")
    temporary.write_text(json.dumps({"pid": server.pid, "pipe": server.pipe, "soffice": exe, "idle": idle,
                                     "started": server.started}), encoding="utf-8")
    temporary.replace(server.state)
    # Detached, but our child until we exit: reap it when it ends, so a long-running caller (watch) keeps no zombie.
    threading.Thread(target=proc.wait, daemon=True).start()
    return server


def _group_is_ours(server: Server) -> bool:
    """Whether a process in the group of a dead watchdog is its LibreOffice (left behind when it was killed)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == server.pid and server.pipe in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                return True
        except (OSError, ValueError, IndexError):
            continue
    return False


def _used_mark(folder: Path, key: str) -> Path:
    return folder / f"server-{key}.used"


def _touch(path: Path) -> None:
    path.touch(mode=0o600)
    os.utime(path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path`, released however the holder ends (also when it is killed)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
