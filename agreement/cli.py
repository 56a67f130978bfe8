"""The `agreement` command line: Click and nothing else."""

from __future__ import annotations

import errno
import math
import os
import shlex
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from agreement import __version__
from agreement.documents.loader import load_content
from agreement.errors import AgreementError, ContentError, ContentErrors, TemplateProblems, UsageError, display_path
from agreement.options import DEFAULT_TIMEOUT, FORMATS
from agreement.publish.outdir import check_out_dir
from agreement.report import REPORTERS

MAX_TIMEOUT = 24 * 3600.0
REPORT = "report it to the maintainers of agreement with the command you ran"
# What to do about the operating-system errors a user can fix; any other shows the system's own words.
OS_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is used up; free some space and run again",
    errno.EROFS: "the file system is read-only; use a folder on a disk you can write to",
    errno.EACCES: "permission denied; check that you may read and write there, or use another folder",
    errno.EPERM: "operation not permitted; check that you may read and write there, or use another folder",
}


class Seconds(click.FloatRange):
    """A finite number of seconds within a range: 'nan' and 'inf' are refused like any other bad value."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


TIMEOUT_OPTION = click.option("--timeout", type=Seconds(min=1, max=MAX_TIMEOUT), default=DEFAULT_TIMEOUT, show_default=True,
                              help="Seconds LibreOffice may take to convert all documents before it is stopped.")
CONTENT_OPTION = click.option("--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"),
                              show_default=True, help="Folder with the content YAML files.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agreement")
@click.option("--debug", is_flag=True, envvar="AGREEMENT_DEBUG", show_envvar=True,
              help="If agreement fails with a bug, show the full traceback.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Build LBF agreement documents (DOCX and PDF) from YAML content."""
    ctx.obj = {"debug": debug}


@main.command()
@CONTENT_OPTION
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True,
              help="text: path:line:column: message lines; github: workflow annotations; json: one JSON document.")
@click.option("--streng", "strict", is_flag=True,
              help="Treat warnings (words the Danish spell-check does not know) as errors: exit 1 if there are any.")
def check(content_dir: Path, fmt: str, strict: bool) -> None:
    """Validate the content and spell-check its text; print every error and warning as path:line:column: message."""
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    with _reported(consequence="", path=content_dir):
        try:
            load_content(content_dir, warnings=warnings)
        except ContentErrors as exc:
            errors = exc.errors
    if strict:
        errors, warnings = ContentErrors([*errors, *warnings]).errors, []
    report = REPORTERS[fmt](display_path(content_dir), errors, warnings)
    if report.stdout:
        click.echo(report.stdout, nl=False)
    if report.stderr:
        click.echo(report.stderr, nl=False, err=True)
    if errors:
        sys.exit(1)


def _progress(quiet: bool) -> Callable[[str], None]:
    """Progress lines on stderr; with --quiet only the warnings, which a user must see (a build without its cache)."""
    def say(message: str) -> None:
        if not quiet or message.startswith("warning:"):
            click.echo(message, err=True)
    return say


@main.command(name="build")
@CONTENT_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build"),
              show_default=True, help="Folder for the documents and manifest.json.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "all"]), default="all", show_default=True,
              help="Which files to write.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print progress.")
@click.option("--clean", is_flag=True, help="Make every document anew, ignoring the cache in --out/.agreement_cache.")
@TIMEOUT_OPTION
def build_command(content_dir: Path, out_dir: Path, fmt: str, quiet: bool, clean: bool, timeout: float) -> None:
    """Check the content, then render every document into --out (unchanged ones come from the cache)."""
    formats = FORMATS if fmt == "all" else (fmt,)
    progress = _progress(quiet)
    _check_out_option(out_dir, content_dir)
    from agreement.pipeline import build

    with _reported(consequence="; nothing was built", path=out_dir):
        result = build(content_dir, out_dir, formats, progress=progress, timeout=timeout, clean=clean)
        files = sum(len(d.files) for d in result.documents)
        click.echo(f"wrote {files} file(s) for {len(result.documents)} document(s) to {display_path(result.out_dir)}; "
                   f"see {display_path(result.manifest)}")


@main.command(name="watch")
@CONTENT_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build"),
              show_default=True, help="Folder for the documents and manifest.json.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "all"]), default="all", show_default=True,
              help="Which files to write.")
@TIMEOUT_OPTION
def watch_command(content_dir: Path, out_dir: Path, fmt: str, timeout: float) -> None:
    """Build, then check and rebuild what changed on every save in --content, until Ctrl-C."""
    from agreement.watch import watch

    formats = FORMATS if fmt == "all" else (fmt,)
    _check_out_option(out_dir, content_dir)
    with _reported(consequence="", path=out_dir):
        try:
            watch(content_dir, out_dir, formats, say=lambda message: click.echo(message), timeout=timeout)
        except KeyboardInterrupt:
            click.echo("stopped watching" + ("; LibreOffice is stopped" if "pdf" in formats else ""))


@main.command(name="package")
@CONTENT_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("upload"),
              show_default=True, help="Folder for the upload folder and its zip.")
@click.option("--draft", is_flag=True, help="Package even if some documents are drafts (status: udkast).")
@click.option("--siden", "since", metavar="REV",
              help="The git revision (tag, branch or commit) LBF approved: add an ændringsbilag of what changed since, "
                   "and each changed document as a Word file with tracked changes. Default: godkendt_version in "
                   "strategic.yaml, if given.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print progress.")
@TIMEOUT_OPTION
def package_command(content_dir: Path, out_dir: Path, draft: bool, since: str | None, quiet: bool, timeout: float) -> None:
    """Build everything and write the upload folder and zip: every PDF and the workbooks (and, for a revised
    agreement, the ændringsbilag and the redlines)."""
    progress = _progress(quiet)
    _check_out_option(out_dir, content_dir)
    with _reported(consequence="; nothing was packaged", path=out_dir):
        from agreement.package import package

        result = package(content_dir, out_dir, allow_drafts=draft, progress=progress, timeout=timeout, since=since)
        click.echo(f"wrote {len(result.files)} file(s) to {display_path(result.folder)} and {display_path(result.archive)}")


@main.group()
def templates() -> None:
    """LBF's Word templates, one edition per funding period: list, export, check."""


@templates.command(name="list")
@CONTENT_OPTION
def templates_list(content_dir: Path) -> None:
    """List the editions: the built-in ones and the content folder's own (skabeloner/<name>/)."""
    from agreement import editions

    with _reported(consequence=""):
        local = content_dir if content_dir.is_dir() else None
        for name, (folder, origin) in editions.available(local).items():
            edition = editions.load_edition(folder, origin)
            click.echo(f"{name}\t{origin}\t{edition.title}\t{display_path(folder)}")


@templates.command(name="export")
@click.argument("name")
@click.argument("target", type=click.Path(path_type=Path, file_okay=False))
@CONTENT_OPTION
def templates_export(name: str, target: Path, content_dir: Path) -> None:
    """Copy edition NAME to the new folder TARGET, to start a local edition.

    Put it in <content>/skabeloner/<name>/ and name it in strategic.yaml ('skabelon: <name>'); a local
    edition with the name of a built-in one replaces it for that content folder.
    """
    from agreement import editions

    with _reported(consequence="; nothing was copied"):
        folder = editions.export(name, target, content_dir if content_dir.is_dir() else None)
        click.echo(f"copied the edition {name} to {display_path(folder)}; edit its .docx files in Word or LibreOffice")


@templates.command(name="check")
@CONTENT_OPTION
@click.option("--streng", "strict", is_flag=True,
              help="Treat warnings (words of the fixed text the Danish spell-check does not know) as problems: exit 1.")
def templates_check(content_dir: Path, strict: bool) -> None:
    """Check every template of the content's edition: unknown or split tags, broken tags, missing styles; and
    spell-check its fixed text."""
    from agreement.pipeline import check_edition_spelling, check_templates, load

    with _reported(consequence=""):
        programme, specs = load(content_dir)
        problems = check_templates(programme, specs)
        warnings = check_edition_spelling(programme)
        if strict:
            problems, warnings = problems + [str(w) for w in warnings], []
        for warning in warnings:
            click.echo(f"{warning.location}: warning: {warning.message}", err=True)
        if problems:
            raise TemplateProblems(problems)
        click.echo(f"the templates of the edition {programme.edition.name} ({display_path(programme.edition.folder)}) are fine"
                   + (f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''} about spelling" if warnings else ""))


def _check_out_option(out_dir: Path, content_dir: Path, option: str = "--out") -> None:
    try:
        check_out_dir(out_dir, content_dir)
    except UsageError as exc:
        raise click.BadParameter(exc.message, param_hint=f"'{option}'") from None


class _reported:
    """Turn every failure into one plain message and exit code 1 (2 for a bad value); a traceback only with --debug.

    `path` is named when the operating system reports an error without one (a full disk, say).
    """

    def __init__(self, consequence: str, path: Path = Path()) -> None:
        self.consequence = consequence
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc is None or isinstance(exc, (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit)):
            return
        if isinstance(exc, UsageError):
            raise click.UsageError(str(exc)) from None
        if isinstance(exc, ContentErrors):
            for error in exc.errors:
                click.echo(str(error), err=True)
            count = len(exc.errors)
            click.echo(f"{count} error{'s' if count != 1 else ''} found{self.consequence}", err=True)
        elif isinstance(exc, TemplateProblems):
            for problem in exc.problems:
                click.echo(problem, err=True)
            count = len(exc.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found in the templates{self.consequence}", err=True)
        elif isinstance(exc, AgreementError):
            click.echo(f"error: {exc}", err=True)
        elif isinstance(exc, KeyboardInterrupt):
            click.echo("interrupted", err=True)
        elif isinstance(exc, OSError):
            if _debug():
                traceback.print_exception(exc)
            click.echo(f"error: {_os_error(exc, self.path)}{self.consequence}", err=True)
        else:
            if _debug():
                traceback.print_exception(exc)
            click.echo(f"error: this is a bug in agreement ({type(exc).__name__}: {exc}); {REPORT}"
                       f"{'' if _debug() else ', and run it again with --debug to show the details'}", err=True)
        sys.exit(1)


@main.command(name="textconv")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def textconv_command(file: Path) -> None:
    """Print the text of a built .docx, .pdf or .xlsx, so `git diff` shows changed words (a git textconv driver)."""
    with _reported(consequence=""):
        from agreement.review.textconv import file_text

        text = file_text(file)
        sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the locale git runs us in
        sys.stdout.flush()


def _os_error(exc: OSError, fallback: Path) -> str:
    """'build/budget.docx: the disk is full; ...': the path the system named (else `fallback`) and what to do."""
    name = exc.filename if isinstance(exc.filename, (str, bytes, os.PathLike)) else fallback
    reason = OS_ADVICE.get(exc.errno or 0) or exc.strerror or str(exc)
    return f"{display_path(Path(os.fsdecode(name)))}: {reason}"


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and isinstance(ctx.find_root().obj, dict) and ctx.find_root().obj.get("debug"))


@main.command(name="init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--skabelon", "edition", metavar="NAME", default=None,
              help="The edition (LBF's templates for a funding period) strategic.yaml names; default: the one "
                   "the scaffold was written for. See 'agreement templates list'.")
def init_command(directory: Path, edition: str | None) -> None:
    """Write a new content folder DIRECTORY for another area, with placeholder text that checks and builds."""
    from agreement.scaffold import init_content

    with _reported(consequence="; nothing was written", path=directory):
        written = init_content(directory, edition=edition)
        click.echo(f"wrote {len(written)} file(s) to {display_path(directory)}; replace the text in [brackets] with "
                   f"your own, then run: agreement check --content {shlex.quote(display_path(directory))}")


@main.command(name="upgrade")
@CONTENT_OPTION
def upgrade_command(content_dir: Path) -> None:
    """Rewrite content written for the previous format in place (as text: comments and layout stay)."""
    from agreement.scaffold.upgrade import upgrade

    with _reported(consequence="", path=content_dir):
        changes = upgrade(content_dir)
        for line in changes:
            click.echo(line)
        click.echo(f"{display_path(content_dir)}: " + ("upgraded; now run agreement check" if changes else
                                                        "already in the current format; nothing changed"))


@main.command(name="diff")
@click.argument("base", required=False)
@click.argument("head", required=False)
@CONTENT_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text: changed words as [-old-]{+new+}; markdown: one pull-request comment; json: for other tools.")
@click.option("--exit-code", is_flag=True, help="Exit with 1 when something changed, 0 when nothing did (like git diff).")
@click.option("--redline", "redline_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Also write each changed document to this folder as a Word file with tracked changes.")
def diff_command(base: str | None, head: str | None, content_dir: Path, fmt: str, exit_code: bool,
                 redline_dir: Path | None) -> None:
    """Show what changed in the documents between two versions of the content.

    BASE and HEAD are git revisions (a branch, tag or commit). HEAD defaults to the working tree, BASE to where
    HEAD left the default branch (the merge-base with origin/HEAD, main or master). Exit 0 whether or not
    anything changed, unless --exit-code is given.
    """
    from agreement.review import formats
    from agreement.review.diff import compare

    if redline_dir is not None:
        _check_out_option(redline_dir, content_dir, "--redline")  # the redlines replace files there: never in the content
    with _reported(consequence="; nothing was compared", path=content_dir), compare(content_dir, base, head) as comparison:
        on_terminal = sys.stdout.isatty()  # colours only for a person, never in a file or pipe
        output = formats.text(comparison, color=on_terminal) if fmt == "text" else formats.FORMATS[fmt](comparison)
        sys.stdout.buffer.write(output.encode("utf-8"))  # UTF-8 whatever the locale, like textconv
        sys.stdout.flush()
        if redline_dir is not None:  # while the compared DOCX files still exist
            from agreement.review.redline import write_redlines

            pairs = comparison.redline_pairs()
            written = write_redlines(pairs, redline_dir, author=comparison.author.name, date=comparison.author.date)
            click.echo(f"wrote {len(written)} redline file(s) for {len(pairs)} changed document(s) to "
                       f"{display_path(redline_dir)}", err=True)
    if exit_code and comparison.changed:
        sys.exit(1)


if __name__ == "__main__":
    main()
