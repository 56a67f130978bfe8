"""File and folder names made from content, made safe once: no paths, nothing Windows refuses, bounded length."""

from __future__ import annotations

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


def safe_name(text: str, *, max_length: int = 120) -> str:
    """`text` as one file or folder name: the same words, with anything a file system would misread replaced.

    Separators and the characters Windows refuses become '-', control characters and whitespace runs one
    space, invisible formatting characters go; leading and trailing dots, dashes and spaces are dropped, so
    the result is never '.', '..', hidden or absolute. Reserved device names get a leading '_'. At most
    `max_length` characters and MAX_BYTES bytes of UTF-8. Letters such as æ, ø and å are kept.
    """
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
    name = _FORBIDDEN.sub("-", "".join(chars))
    name = _trim(re.sub(" +", " ", name))
    name = _trim(_truncate(name, max_length))
    if not name:
        return FALLBACK[:max(1, max_length)]
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        name = _trim(_truncate("_" + name, max_length))  # still starts with '_', so no longer reserved
    return name


def _trim(name: str) -> str:
    return name.strip(" .-")


def _truncate(name: str, max_length: int) -> str:
    name = name[:max(1, max_length)]
    while len(name.encode("utf-8")) > MAX_BYTES:
        name = name[:-1]
    return name
