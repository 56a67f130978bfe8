"""Which folders a build may write into: never the content, the file-system root or the home folder."""

from __future__ import annotations

from pathlib import Path

from agreement.errors import UsageError, display_path
from agreement.i18n import N_, _

_ADVICE = N_("choose a folder of its own for the output, such as build")


def check_out_dir(out_dir: Path, content_dir: Path) -> None:
    """Raise UsageError unless `out_dir` is a folder a build may fill and clean up in.

    A build replaces and removes files in its output folder, so the output folder may not be the content
    folder, lie inside it or contain it, and may not be the root of the file system or the home folder.
    """
    out = out_dir.resolve()
    content = content_dir.resolve()
    shown = display_path(out_dir)
    if out == Path(out.anchor):
        raise UsageError(_("the output folder {folder} is the root of the file system; {advice}").format(folder=shown, advice=_(_ADVICE)))
    if out == _home():
        raise UsageError(_("the output folder {folder} is your home folder; {advice}").format(folder=shown, advice=_(_ADVICE)))
    if out == content:
        raise UsageError(_("the output folder {folder} is the content folder, and a build would write over it; {advice}").format(
            folder=shown, advice=_(_ADVICE)))
    if out.is_relative_to(content):
        raise UsageError(_("the output folder {folder} is inside the content folder {content}; {advice}").format(
            folder=shown, content=display_path(content_dir), advice=_(_ADVICE)))
    if content.is_relative_to(out):
        raise UsageError(_("the output folder {folder} contains the content folder {content}; {advice}").format(
            folder=shown, content=display_path(content_dir), advice=_(_ADVICE)))


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError):  # no HOME and no password entry: there is no home folder to protect
        return None
