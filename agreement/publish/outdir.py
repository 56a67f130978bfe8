"""Which folders a build may write into: never the content, the file-system root or the home folder."""

from __future__ import annotations

from pathlib import Path

from agreement.errors import UsageError, display_path

_ADVICE = "choose a folder of its own for the output, such as build"


def check_out_dir(out_dir: Path, content_dir: Path) -> None:
    """Raise UsageError unless `out_dir` is a folder a build may fill and clean up in.

    A build replaces and removes files in its output folder, so the output folder may not be the content
    folder, lie inside it or contain it, and may not be the root of the file system or the home folder.
    """
    out = out_dir.resolve()
    content = content_dir.resolve()
    shown = display_path(out_dir)
    if out == Path(out.anchor):
        raise UsageError(f"the output folder {shown} is the root of the file system; {_ADVICE}")
    if out == _home():
        raise UsageError(f"the output folder {shown} is your home folder; {_ADVICE}")
    if out == content:
        raise UsageError(f"the output folder {shown} is the content folder, and a build would write over it; {_ADVICE}")
    if out.is_relative_to(content):
        raise UsageError(f"the output folder {shown} is inside the content folder {display_path(content_dir)}; {_ADVICE}")
    if content.is_relative_to(out):
        raise UsageError(f"the output folder {shown} contains the content folder {display_path(content_dir)}; {_ADVICE}")


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError):  # no HOME and no password entry: there is no home folder to protect
        return None
