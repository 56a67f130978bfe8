"""File and folder names made from content, made safe once: no paths, nothing Windows refuses, bounded length."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Characters no Windows file name may contain; path separators among them.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# Windows refuses these names with any extension (CON.txt too), in any case.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{device}{n}" for device in ("COM", "LPT") for n in "0123456789¹²³"}
# Room for an extension and a stage prefix within the 255 bytes most file systems allow.
MAX_BYTES = 200
FALLBACK = "unnamed"
MIN_SHARED = 16  # characters of the shared part (the area's name) a shortened name keeps at least


def safe_name(text: str, *, max_length: int = 120) -> str:
    """`text` as one file or folder name: the same words, with anything a file system would misread replaced.

    Separators and the characters Windows refuses become '-', control characters and whitespace runs one
    space, invisible formatting characters go; leading and trailing dots, dashes and spaces are dropped, so
    the result is never '.', '..', hidden or absolute. Reserved device names get a leading '_'. At most
    `max_length` characters and MAX_BYTES bytes of UTF-8. Letters such as æ, ø and å are kept.
    """
    name = _trim(_truncate(_clean(text), max_length))
    if not name:
        return FALLBACK[:max(1, max_length)]
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        name = _trim(_truncate("_" + name, max_length))  # still starts with '_', so no longer reserved
    return name


def shortened(text: str, *, shared: str = "", max_length: int) -> str:
    """safe_name(text) in at most `max_length` characters, cut where it loses least.

    `shared` is what `text` and every other name of its set start with (the area's name): it is cut first,
    marked '…', so the rest (the document, its years, the draft mark) stays whole. If that is not enough, the
    rest is cut too and the name ends in a short hash of `text`, so two names never become equal by being cut.
    """
    name = safe_name(text, max_length=max_length)
    if name == _clean(text):
        return name
    head, rest = (shared, text[len(shared):]) if shared and text.startswith(shared) else ("", text)
    for cut in range(min(len(head), max_length) - 1, MIN_SHARED - 1, -1):
        name = _clean(_trim(head[:cut]) + "…" + rest)
        if _fits(name, max_length):
            return safe_name(name, max_length=max_length)
    mark = "… " + hashlib.sha256(_clean(text).encode("utf-8")).hexdigest()[:8]
    name = _clean(head[:MIN_SHARED] + "…" + rest if len(head) > MIN_SHARED else text)
    while name and not _fits(_trim(name) + mark, max_length):
        name = name[:-1]
    return safe_name(_trim(name) + mark, max_length=max_length)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    chars = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category == "Cc":
            chars.append(" ")
        elif category in ("Cf", "Cs", "Co", "Cn"):
            continue
        else:
            chars.append(char)
    return _trim(re.sub(" +", " ", _FORBIDDEN.sub("-", "".join(chars))))


def _fits(name: str, max_length: int) -> bool:
    return len(name) <= max_length and len(name.encode("utf-8")) <= MAX_BYTES


def _trim(name: str) -> str:
    return name.strip(" .-")


def _truncate(name: str, max_length: int) -> str:
    name = name[:max(1, max_length)]
    while len(name.encode("utf-8")) > MAX_BYTES:
        name = name[:-1]
    return name
