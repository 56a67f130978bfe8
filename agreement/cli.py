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
from agreement.i18n import LANGUAGES, N_, _, ngettext, set_language
from agreement.options import DEFAULT_TIMEOUT, FORMATS
from agreement.publish.outdir import check_out_dir
from agreement.report import REPORTERS

MAX_TIMEOUT = 24 * 3600.0
REPORT = N_("report it to the maintainers of agreement with the command you ran")
# What to do about the operating-system errors a user can fix; any other shows the system's own words.
OS_ADVICE = {
    errno.ENOSPC: N_("the disk is full; free some space and run again"),
    errno.EDQUOT: N_("the disk quota is used up; free some space and run again"),
    errno.EROFS: N_("the file system is read-only; use a folder on a disk you can write to"),
    errno.EACCES: N_("permission denied; check that you may read and write there, or use another folder"),
    errno.EPERM: N_("operation not permitted; check that you may read and write there, or use another folder"),
}


class Seconds(click.FloatRange):
    """A finite number of seconds within a range: 'nan' and 'inf' are refused like any other bad value."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(_("{value!r} is not a number of seconds").format(value=value), param, ctx)
        return number


# Click's own messages that users meet, listed so that Babel puts them in the catalogue (Click looks them up).
CLICK_MESSAGES = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Show this message and exit."), N_("Show the version and exit."), N_("%(prog)s, version %(version)s"),
    N_("Aborted!"), N_("Missing command."), N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Could not open file {filename!r}: {message}"), N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."), N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."), N_("{name} {filename!r} is not writable."), N_("env var: {var}"),
    N_("default: {default}"), N_("Choose from:\n\t{choices}"),
)


def click_plurals(n: int) -> list[str]:
    """Click's own plural messages for `n` in the current language; listed so that Babel puts them in the catalogue."""
    return [
        ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", n),
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", n),
        ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", n),
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", n),
    ]


class _TranslatedHelp:
    """A help text kept as its English msgid and shown in the language chosen when it is shown."""

    _help: str | None = None

    @property
    def help(self) -> str | None:
        return _(self._help) if self._help else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


class Option(_TranslatedHelp, click.Option):
    pass


class Command(_TranslatedHelp, click.Command):
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:  # Click makes it once per command, in the language of that first run
            option.help = _("Show this message and exit.")
        return option


class Group(Command, click.Group):
    command_class = Command
    group_class = type  # subgroups are of this class too


def option(*decls: str, **attrs: Any) -> Callable[[Any], Any]:
    return click.option(*decls, cls=Option, **attrs)


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    set_language(value)  # on every run, with None when not given: the locale decides then


TIMEOUT_OPTION = option("--timeout", type=Seconds(min=1, max=MAX_TIMEOUT), default=DEFAULT_TIMEOUT, show_default=True,
                              help=N_("Seconds LibreOffice may take to convert all documents before it is stopped."))
CONTENT_OPTION = option("--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"),
                              show_default=True, help=N_("Folder with the content YAML files."))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Build LBF agreement documents (DOCX and PDF) from YAML content."))
@click.version_option(__version__, prog_name="agreement", cls=Option)
@option("--sprog", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False, callback=_choose_language,
        help=N_("The language of the messages: da (Danish) or en (English). Default: English when the locale "
                "(LANGUAGE, LC_ALL, LC_MESSAGES or LANG) starts with 'en', else Danish."))
@option("--debug", is_flag=True, envvar="AGREEMENT_DEBUG", show_envvar=True,
              help=N_("If agreement fails with a bug, show the full traceback."))
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    ctx.obj = {"debug": debug}


@main.command(help=N_("Validate the content and spell-check its text; print every error and warning as path:line:column: message."))
@CONTENT_OPTION
@option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True,
              help=N_("text: path:line:column: message lines; github: workflow annotations; json: one JSON document."))
@option("--streng", "strict", is_flag=True,
        help=N_("Treat warnings (words the Danish spell-check does not know, a baseline without its year) as errors: exit 1 if "
                "there are any."))
def check(content_dir: Path, fmt: str, strict: bool) -> None:
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
        if not quiet or message.startswith(_("warning:")):
            click.echo(message, err=True)
    return say


@main.command(name="build", help=N_("Check the content, then render every document into --out (unchanged ones come from the cache)."))
@CONTENT_OPTION
@option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build"),
              show_default=True, help=N_("Folder for the documents and manifest.json."))
@option("--format", "fmt", type=click.Choice(["docx", "pdf", "all"]), default="all", show_default=True,
              help=N_("Which files to write."))
@option("--quiet", "-q", is_flag=True, help=N_("Do not print progress."))
@option("--clean", is_flag=True, help=N_("Make every document anew, ignoring the cache in --out/.agreement_cache."))
@TIMEOUT_OPTION
def build_command(content_dir: Path, out_dir: Path, fmt: str, quiet: bool, clean: bool, timeout: float) -> None:
    formats = FORMATS if fmt == "all" else (fmt,)
    progress = _progress(quiet)
    _check_out_option(out_dir, content_dir)
    from agreement.pipeline import build

    with _reported(consequence=N_("; nothing was built"), path=out_dir):
        result = build(content_dir, out_dir, formats, progress=progress, timeout=timeout, clean=clean)
        if not quiet:
            click.echo(_("wrote {files} for {documents} to {folder}; see {manifest}").format(
                files=_files(sum(len(d.files) for d in result.documents)), documents=_documents(len(result.documents)),
                folder=display_path(result.out_dir), manifest=display_path(result.manifest)))


def _files(count: int) -> str:
    return ngettext("{count} file", "{count} files", count).format(count=count)


def _documents(count: int) -> str:
    return ngettext("{count} document", "{count} documents", count).format(count=count)


@main.command(name="watch", help=N_("Build, then check and rebuild what changed on every save in --content, until Ctrl-C."))
@CONTENT_OPTION
@option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build"),
              show_default=True, help=N_("Folder for the documents and manifest.json."))
@option("--format", "fmt", type=click.Choice(["docx", "pdf", "all"]), default="all", show_default=True,
              help=N_("Which files to write."))
@TIMEOUT_OPTION
def watch_command(content_dir: Path, out_dir: Path, fmt: str, timeout: float) -> None:
    from agreement.watch import watch

    formats = FORMATS if fmt == "all" else (fmt,)
    _check_out_option(out_dir, content_dir)
    with _reported(consequence="", path=out_dir):
        try:
            watch(content_dir, out_dir, formats, say=lambda message: click.echo(message), timeout=timeout)
        except KeyboardInterrupt:
            click.echo(_("stopped watching; LibreOffice is stopped") if "pdf" in formats else _("stopped watching"))


@main.command(name="package", help=N_("Build everything and write the upload folder and zip: every PDF and the workbooks "
                                      "(and, for a revised agreement, the ændringsbilag and the redlines)."))
@CONTENT_OPTION
@option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("upload"),
        show_default=True, help=N_("Folder for the upload folder and its zip."))
@option("--draft", is_flag=True, help=N_("Package even if some documents are drafts (status: udkast)."))
@option("--siden", "since", metavar="REV",
        help=N_("The git revision (tag, branch or commit) LBF approved: add an ændringsbilag of what changed since, "
                "and each changed document as a Word file with tracked changes. Default: godkendt_version in "
                "strategic.yaml, if given."))
@option("--quiet", "-q", is_flag=True, help=N_("Do not print progress."))
@TIMEOUT_OPTION
def package_command(content_dir: Path, out_dir: Path, draft: bool, since: str | None, quiet: bool, timeout: float) -> None:
    progress = _progress(quiet)
    _check_out_option(out_dir, content_dir)
    with _reported(consequence=N_("; nothing was packaged"), path=out_dir):
        from agreement.package import package

        result = package(content_dir, out_dir, allow_drafts=draft, progress=progress, timeout=timeout, since=since)
        if not quiet:
            click.echo(_("wrote {files} to {folder} and {archive}").format(
                files=_files(len(result.files)), folder=display_path(result.folder), archive=display_path(result.archive)))


@main.group(help=N_("LBF's Word templates, one edition per funding period: list, export, check."))
def templates() -> None:
    pass


@templates.command(name="list", help=N_("List the editions: the built-in ones and the content folder's own (skabeloner/<name>/)."))
@CONTENT_OPTION
def templates_list(content_dir: Path) -> None:
    from agreement import editions

    with _reported(consequence=""):
        local = content_dir if content_dir.is_dir() else None
        for name, (folder, origin) in editions.available(local).items():
            edition = editions.load_edition(folder, origin)
            click.echo(f"{name}\t{origin}\t{edition.title}\t{display_path(folder)}")


@templates.command(name="export", help=N_("Copy edition NAME to the new folder TARGET, to start a local edition.\n\nPut it in "
                          "<content>/skabeloner/<name>/ and name it in strategic.yaml ('skabelon: <name>'); a local edition "
                          "with the name of a built-in one replaces it for that content folder."))
@click.argument("name")
@click.argument("target", type=click.Path(path_type=Path, file_okay=False))
@CONTENT_OPTION
def templates_export(name: str, target: Path, content_dir: Path) -> None:
    from agreement import editions

    with _reported(consequence=N_("; nothing was copied")):
        folder = editions.export(name, target, content_dir if content_dir.is_dir() else None)
        click.echo(_("copied the edition {name} to {folder}; edit its .docx files in Word or LibreOffice").format(
            name=name, folder=display_path(folder)))


@templates.command(name="check", help=N_("Check every template of the content's edition: unknown or split tags, broken tags, "
                                         "missing styles; and spell-check its fixed text."))
@CONTENT_OPTION
@option("--streng", "strict", is_flag=True,
        help=N_("Treat warnings (words of the fixed text the Danish spell-check does not know) as problems: exit 1."))
def templates_check(content_dir: Path, strict: bool) -> None:
    from agreement.pipeline import check_edition_spelling, check_templates, load

    with _reported(consequence=""):
        programme, specs = load(content_dir)
        problems = check_templates(programme, specs)
        warnings = check_edition_spelling(programme)
        if strict:
            problems, warnings = problems + [str(w) for w in warnings], []
        for warning in warnings:
            click.echo(f"{warning.location}: " + _("warning: ") + warning.message, err=True)
        if problems:
            raise TemplateProblems(problems)
        fine = _("the templates of the edition {name} ({folder}) are fine").format(
            name=programme.edition.name, folder=display_path(programme.edition.folder))
        if warnings:
            fine += ngettext("; {count} warning about spelling", "; {count} warnings about spelling", len(warnings)).format(
                count=len(warnings))
        click.echo(fine)


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
        self.consequence = _(consequence) if consequence else ""
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
            click.echo(ngettext("{count} error found", "{count} errors found", count).format(count=count) + self.consequence,
                       err=True)
        elif isinstance(exc, TemplateProblems):
            for problem in exc.problems:
                click.echo(problem, err=True)
            count = len(exc.problems)
            click.echo(ngettext("{count} problem found in the templates", "{count} problems found in the templates",
                                count).format(count=count) + self.consequence, err=True)
        elif isinstance(exc, AgreementError):
            click.echo(_("error: {message}").format(message=exc), err=True)
        elif isinstance(exc, KeyboardInterrupt):
            click.echo(_("interrupted"), err=True)
        elif isinstance(exc, OSError):
            if _debug():
                traceback.print_exception(exc)
            click.echo(_("error: {message}").format(message=_os_error(exc, self.path)) + self.consequence, err=True)
        else:
            if _debug():
                traceback.print_exception(exc)
            bug = _("error: this is a bug in agreement ({error}); {report}").format(error=f"{type(exc).__name__}: {exc}",
                                                                                   report=_(REPORT))
            click.echo(bug if _debug() else bug + _(", and run it again with --debug to show the details"), err=True)
        sys.exit(1)


@main.command(name="textconv", help=N_("Print the text of a built .docx, .pdf or .xlsx, so `git diff` shows changed words (a git textconv "
                     "driver)."))
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def textconv_command(file: Path) -> None:
    with _reported(consequence=""):
        from agreement.review.textconv import file_text

        text = file_text(file)
        sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the locale git runs us in
        sys.stdout.flush()


def _os_error(exc: OSError, fallback: Path) -> str:
    """'build/budget.docx: the disk is full; ...': the path the system named (else `fallback`) and what to do."""
    name = exc.filename if isinstance(exc.filename, (str, bytes, os.PathLike)) else fallback
    advice = OS_ADVICE.get(exc.errno or 0)
    reason = _(advice) if advice else exc.strerror or str(exc)
    return f"{display_path(Path(os.fsdecode(name)))}: {reason}"


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and isinstance(ctx.find_root().obj, dict) and ctx.find_root().obj.get("debug"))


@main.command(name="init", help=N_("Write a new content folder DIRECTORY for another area, with placeholder text that checks and builds."))
@click.argument("directory", type=click.Path(path_type=Path))
@option("--skabelon", "edition", metavar="NAME", default=None,
              help=N_("The edition (LBF's templates for a funding period) strategic.yaml names; default: the one "
                   "the scaffold was written for. See 'agreement templates list'."))
def init_command(directory: Path, edition: str | None) -> None:
    from agreement.scaffold import init_content

    with _reported(consequence=N_("; nothing was written"), path=directory):
        written = init_content(directory, edition=edition)
        click.echo(_("wrote {files} to {folder}; replace the text in [brackets] with your own, then run: {command}").format(
            files=_files(len(written)), folder=display_path(directory),
            command=f"agreement check --content {shlex.quote(display_path(directory))}"))


@main.command(name="upgrade", help=N_("Rewrite content written for the previous format in place (as text: comments and layout stay)."))
@CONTENT_OPTION
def upgrade_command(content_dir: Path) -> None:
    from agreement.scaffold.upgrade import upgrade

    with _reported(consequence="", path=content_dir):
        changes = upgrade(content_dir)
        for line in changes:
            click.echo(line)
        click.echo(f"{display_path(content_dir)}: " + (_("upgraded; now run agreement check") if changes else
                                                        _("already in the current format; nothing changed")))


@main.command(name="diff", help=N_("Show what changed in the documents between two versions of the content.\n\nBASE and HEAD are git "
                     "revisions (a branch, tag or commit). HEAD defaults to the working tree, BASE to where HEAD left the "
                     "default branch (the merge-base with origin/HEAD, main or master). Exit 0 whether or not anything "
                     "changed, unless --exit-code is given."))
@click.argument("base", required=False)
@click.argument("head", required=False)
@CONTENT_OPTION
@option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help=N_("text: changed words as [-old-]{+new+}; markdown: one pull-request comment; json: for other tools."))
@option("--exit-code", is_flag=True, help=N_("Exit with 1 when something changed, 0 when nothing did (like git diff)."))
@option("--redline", "redline_dir", type=click.Path(path_type=Path, file_okay=False),
              help=N_("Also write each changed document to this folder as a Word file with tracked changes."))
def diff_command(base: str | None, head: str | None, content_dir: Path, fmt: str, exit_code: bool,
                 redline_dir: Path | None) -> None:
    from agreement.review import formats
    from agreement.review.diff import compare

    if redline_dir is not None:
        _check_out_option(redline_dir, content_dir, "--redline")  # the redlines replace files there: never in the content
    with _reported(consequence=N_("; nothing was compared"), path=content_dir), compare(content_dir, base, head) as comparison:
        on_terminal = sys.stdout.isatty()  # colours only for a person, never in a file or pipe
        output = formats.text(comparison, color=on_terminal) if fmt == "text" else formats.FORMATS[fmt](comparison)
        sys.stdout.buffer.write(output.encode("utf-8"))  # UTF-8 whatever the locale, like textconv
        sys.stdout.flush()
        if redline_dir is not None:  # while the compared DOCX files still exist
            from agreement.review.redline import write_redlines

            pairs = comparison.redline_pairs()
            written = write_redlines(pairs, redline_dir, author=comparison.author.name, date=comparison.author.date)
            click.echo(_("wrote {files} for {documents} to {folder}").format(
                files=ngettext("{count} redline file", "{count} redline files", len(written)).format(count=len(written)),
                documents=ngettext("{count} changed document", "{count} changed documents", len(pairs)).format(count=len(pairs)),
                folder=display_path(redline_dir)), err=True)
    if exit_code and comparison.changed:
        sys.exit(1)


# Click words its own messages (Usage:, Error:, ...) with the gettext functions it imported; ours give them
# the chosen language from the same catalogue (CLICK_MESSAGES lists the ones translated).
# Only now, after the decorators above: what Click words while the commands are made stays English (the
# name 'path' of click.Path, say), and importing this module reads no catalogue.
for _module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types, click.termui,
                click.utils):
    vars(_module)["_"] = _
    if "ngettext" in vars(_module):
        vars(_module)["ngettext"] = ngettext


if __name__ == "__main__":
    main()
