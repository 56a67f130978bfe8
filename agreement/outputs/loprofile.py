"""A fresh LibreOffice user profile, prepared before LibreOffice first starts with it.

Every LibreOffice this program starts gets a new, private profile. LibreOffice treats a profile that has not yet
seen its version as the first start after an upgrade and runs its graphics self-tests: about a hundred drawings
on surfaces up to 4096 pixels wide, which only tell whether the screen drawing works. Measured here, they are
two thirds of the time it takes LibreOffice 7.4 to start and convert a small document (1.5 s against 0.5 s).
The profile is given the settings such a profile has after that first start: it has seen this version.

A new profile also has no record of the installation's build in its extensions folder, so LibreOffice clears
that folder, records the build and starts itself again (a second start of its executable, a fifth of a small
conversion). The profile is given that record, as LibreOffice writes it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from agreement.files import write_atomic

SETTINGS = "registrymodifications.xcu"
BUILD_ID = "buildid"  # in the profile's user/extensions folder
_BUILD_ID = re.compile(rb"^buildid=([\x21-\x7e]{1,100})\r?$", re.MULTILINE)  # program/versionrc; printable ASCII
# The product version (major.minor) in the installation's main configuration, share/registry/main.xcd.
_VERSION = re.compile(rb'<prop oor:name="ooSetupVersion">\s*<value>(\d{1,4}\.\d{1,4})</value>')
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
"""
_ITEM = '<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
_TAIL = "</oor:items>\n"
_XCU = _HEAD + _ITEM.format(path="/org.openoffice.Setup/Product", name="ooSetupLastVersion", value="{version}") + _TAIL

Setting = tuple[str, str, str]  # (configuration path, property, value), as in Tools > Options > Advanced > Expert


def prepare(profile: Path, soffice: str) -> None:
    """Make `profile` (a folder for -env:UserInstallation, new or empty) one that has seen the version of the
    LibreOffice `soffice` starts. When that version cannot be read (not an installation laid out as LibreOffice
    lays it out, such as a test's stand-in), the profile is left empty: LibreOffice then runs its tests as before."""
    version = product_version(soffice)
    if version is None:
        return
    user = profile / "user"
    # Only a speed-up: a profile that cannot be written here is left to LibreOffice, which says what is wrong.
    with contextlib.suppress(OSError):
        user.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The version is digits and a dot (_VERSION): nothing in it needs escaping in XML.
        write_atomic(user / SETTINGS, _XCU.format(version=version).encode("utf-8"))
        build = build_id(soffice)
        if build is not None:
            (user / "extensions").mkdir(mode=0o700, exist_ok=True)
            write_atomic(user / "extensions" / BUILD_ID, build)


def configure(profile: Path, settings: Sequence[Setting]) -> None:
    """Give the profile in `profile` (prepared, or an empty folder) these settings of LibreOffice's configuration."""
    if not settings:
        return
    user = profile / "user"
    quote = {'"': "&quot;"}
    items = "".join(_ITEM.format(path=escape(path, quote), name=escape(name, quote), value=escape(value))
                    for path, name, value in settings)
    # As in prepare: a profile that cannot be written here is left to LibreOffice, which says what is wrong.
    with contextlib.suppress(OSError):
        try:
            text = (user / SETTINGS).read_text(encoding="utf-8")
        except FileNotFoundError:
            text = _HEAD + _TAIL
        user.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(user / SETTINGS, text.replace(_TAIL, items + _TAIL).encode("utf-8"))


def product_version(soffice: str) -> str | None:
    """The major.minor version of the LibreOffice installation `soffice` belongs to, or None."""
    try:
        program = Path(soffice).resolve().parent
        main = program.parent / "share" / "registry" / "main.xcd"
        info = main.stat()
    except OSError:
        return None
    return _version_in(str(main), info.st_size, info.st_mtime_ns)


def build_id(soffice: str) -> bytes | None:
    """The installation's build id as LibreOffice records it in a profile (program/versionrc's buildid), or None."""
    try:
        versionrc = Path(soffice).resolve().parent / "versionrc"
        info = versionrc.stat()
    except OSError:
        return None
    return _build_id_in(str(versionrc), info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _build_id_in(path: str, size: int, mtime_ns: int) -> bytes | None:
    try:
        found = _BUILD_ID.search(Path(path).read_bytes())
    except OSError:
        return None
    return found.group(1) if found else None


@functools.lru_cache(maxsize=8)
def _version_in(path: str, size: int, mtime_ns: int) -> str | None:  # size and time: read again after an upgrade
    try:
        found = _VERSION.search(Path(path).read_bytes())
    except OSError:
        return None
    return found.group(1).decode("ascii") if found else None
