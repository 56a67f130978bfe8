"""The content folder as it is at a git revision, read from git's objects without touching the working tree or the index."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from agreement.errors import AgreementError, ToolError, UsageError, display_path
from agreement.gitrun import GIT_TIMEOUT, run_git
from agreement.i18n import N_, _
from agreement.source.yamlload import invisible

WORKING_TREE = N_("the working tree")  # translated when a Revision is named after it
# Branches whose merge-base with HEAD is the default BASE, in order of preference.
DEFAULT_BRANCHES = ("main", "master", "origin/main", "origin/master")
_FILE_MODES = {"100644": 0o644, "100755": 0o755}
_LINK_MODE = "120000"


def visible(name: str) -> str:
    """A name from git (a branch, tag) as it reads: invisible and control characters as '<U+202E>', so that none
    can make it show otherwise ('x<U+202E>txt.exe', not 'xexe.txt') in a pull-request comment or a terminal."""
    return "".join(f"<U+{ord(c):04X}>" if invisible(c) or unicodedata.category(c) == "Cc" else c for c in name)


@dataclass(frozen=True)
class Revision:
    """One version of the content: `name` says which (as the user wrote it, or how it was found), `commit` is its
    full id (None for the working tree), `content` the folder holding its content files."""

    name: str
    commit: str | None
    content: Path

    @property
    def label(self) -> str:
        """'main (1a2b3c4)', '1a2b3c4', or 'the working tree'."""
        if self.commit is None:
            return self.name
        short = self.commit[:7]
        return short if self.name in (self.commit, short) else f"{visible(self.name)} ({short})"

    def display(self, relative: str) -> str:
        """A file of this version as git names it ('main:content/budget.yaml'); the path alone for the working tree."""
        if self.commit is None:
            return relative
        ref = visible(self.name) if " " not in self.name else self.commit[:7]  # 'merge-base with main' is no revision
        return f"{ref}:{relative}"


@dataclass(frozen=True)
class Author:
    """Who made the HEAD version and when: the author of its commit (of HEAD's commit for the working tree)."""

    name: str
    email: str
    date: dt.datetime


class Repository:
    """The git repository holding a content folder; every command is an argument list run with git itself."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, path: Path) -> Repository:
        """The repository `path` (or its nearest existing parent folder) lies in."""
        folder = path.absolute()
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        try:
            out = _git(folder, "rev-parse", "--show-toplevel")
        except _GitFailed:
            raise AgreementError(_("{path} is not in a git repository (or git cannot read it); agreement diff compares versions of the "
                                   "content kept in git").format(
                path=display_path(path))) from None
        return cls(Path(os.fsdecode(out.rstrip(b"\n"))))

    def relative(self, content_dir: Path) -> str:
        """The content folder's path from the repository root, as git writes paths ('content', 'areas/x/content')."""
        try:
            rel = content_dir.resolve().relative_to(self.root.resolve())
        except ValueError:
            raise AgreementError(_("the content folder {content_dir} is not inside the git repository {root}").format(
                content_dir=display_path(content_dir), root=display_path(self.root))) from None
        return rel.as_posix() if rel.parts else ""

    def commit(self, revision: str) -> str:
        """The full id of the commit `revision` names; a UsageError when it names none."""
        if not revision or revision.startswith("-"):
            raise UsageError(_("{revision!r} is not a git revision; give a branch, tag or commit such as main or HEAD~1").format(
                revision=revision))
        found = self.commit_or_none(revision)
        if found is None:
            raise UsageError(_("unknown revision {revision!r}: no branch, tag or commit of that name in the repository {root!r}; see "
                               "'git log --oneline' or 'git branch -a'").format(
                revision=revision, root=display_path(self.root)))
        return found

    def head(self) -> str:
        """HEAD's commit; an error for a repository without commits."""
        found = self.commit_or_none("HEAD")
        if found is None:
            raise AgreementError(_("the repository has no commits yet, so there is nothing to compare with; commit the content first, "
                                   "or name the revisions to compare"))
        return found

    def default_base(self) -> tuple[str, str]:
        """(name, commit) of the default BASE: the merge-base of HEAD and the default branch, else HEAD itself."""
        head = self.head()
        branch = self.default_branch()
        if branch is None:
            return "HEAD", head
        branch_commit = self.commit(branch)
        if branch_commit == head:
            return "HEAD", head
        try:
            base = _git(self.root, "merge-base", head, branch_commit).decode().strip()
        except _GitFailed:  # no common history
            return "HEAD", head
        return _("merge-base of HEAD and {branch}").format(branch=branch), base

    def default_branch(self) -> str | None:
        """origin/HEAD's branch when the clone knows it, else the first of DEFAULT_BRANCHES that exists."""
        try:
            ref = _git(self.root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").decode().strip()
        except _GitFailed:
            ref = ""
        candidates = [ref.removeprefix("refs/remotes/")] if ref.startswith("refs/remotes/") else []
        for name in [*candidates, *DEFAULT_BRANCHES]:
            if self.commit_or_none(name) is not None:
                return name
        return None

    def author(self, commit: str) -> Author:
        out = _git(self.root, "show", "-s", "--format=%an%x00%ae%x00%aI", commit, "--").decode("utf-8", "replace")
        name, email, date = out.rstrip("\n").split("\0")
        return Author(name, email, dt.datetime.fromisoformat(date))

    def export(self, commit: str, name: str, relative: str, target: Path) -> Path:
        """Write the content folder `relative` as it is in `commit` into `target`/`relative`; return that folder.

        The files come from git's object store (ls-tree and cat-file), so the working tree, the index and
        checkout filters play no part. Every path is checked to stay inside the folder; a link is written
        only if it points inside it too.
        """
        spec = f"{commit}:{relative}"
        try:
            kind = _git(self.root, "cat-file", "-t", spec).decode().strip()
        except _GitFailed:
            kind = ""
        if kind != "tree":
            raise AgreementError(_("there is no folder {folder} in {name}, so its content cannot be compared; pass --content with the "
                                   "content folder's path in both versions").format(
                folder=relative or ".", name=name))
        folder = target.joinpath(*PurePosixPath(relative).parts)
        folder.mkdir(parents=True, exist_ok=True)
        entries = self._entries(spec)
        blobs = self._blobs(sorted({oid for _, oid, _ in entries}))
        links = []
        for mode, oid, path in entries:
            if mode == _LINK_MODE:
                links.append((path, blobs[oid]))
            elif mode in _FILE_MODES:
                destination = folder.joinpath(*_safe_parts(path, name))
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(blobs[oid])
                destination.chmod(_FILE_MODES[mode])
            # A submodule (mode 160000) has no files of this repository; it is left out.
        for path, link in links:  # last, so no file above was written through a link
            _write_link(folder, path, link, name)
        return folder

    def _entries(self, spec: str) -> list[tuple[str, str, str]]:
        out = _git(self.root, "ls-tree", "-r", "-z", spec)
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            info, _, path = record.partition(b"\t")
            mode, _kind, oid = info.decode().split(" ")
            entries.append((mode, oid, os.fsdecode(path)))
        return entries

    def _blobs(self, oids: list[str]) -> dict[str, bytes]:
        if not oids:
            return {}
        out = _git(self.root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in oids).encode())
        blobs: dict[str, bytes] = {}
        at = 0
        for oid in oids:
            end = out.index(b"\n", at)
            header = out[at:end].decode().split(" ")
            if len(header) != 3 or header[0] != oid:
                raise AgreementError(_("git could not read the object {oid} of the content; the repository may be damaged (try 'git "
                                       "fsck')").format(
                    oid=oid))
            size = int(header[2])
            blobs[oid] = out[end + 1:end + 1 + size]
            at = end + 1 + size + 1  # the object is followed by a newline
        return blobs

    def commit_or_none(self, revision: str) -> str | None:
        try:
            out = _git(self.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
        except _GitFailed:
            return None
        return out.decode().strip() or None


def versions(content_dir: Path, base: str | None, head: str | None, scratch: Path) -> tuple[Revision, Revision, Author]:
    """BASE and HEAD as content folders, and the author of HEAD: commits are exported into `scratch`.

    HEAD defaults to the working tree (the content folder as it is now), BASE to the merge-base of HEAD and the
    default branch, or HEAD when there is none. Bad revisions are UsageErrors; everything else an AgreementError.
    """
    repo = Repository.of(content_dir)
    relative = repo.relative(content_dir)
    if base is None:
        base_name, base_commit = repo.default_base()
    else:
        base_name, base_commit = base, repo.commit(base)
    head_commit = repo.commit(head) if head is not None else None  # both checked before anything is read
    base_rev = Revision(base_name, base_commit, repo.export(base_commit, base_name, relative, scratch / "base"))
    if head is None or head_commit is None:
        head_rev = Revision(_(WORKING_TREE), None, content_dir)
        # The working tree has no author of its own; the HEAD commit's keeps the output reproducible.
        author = repo.author(repo.commit_or_none("HEAD") or base_commit)
    else:
        head_rev = Revision(head, head_commit, repo.export(head_commit, head, relative, scratch / "head"))
        author = repo.author(head_commit)
    return base_rev, head_rev, author


def _safe_parts(path: str, name: str) -> tuple[str, ...]:
    """The parts of a path from git, refused if it could lead outside the folder (absolute, '..', empty parts)."""
    parts = tuple(path.split("/"))
    if path.startswith("/") or any(part in ("", ".", "..") for part in parts) or any("\\" in part for part in parts):
        raise AgreementError(_("the content in {name} has a file named {path!r}, which would lead outside the content folder; it was "
                               "not read").format(
            name=name, path=path))
    return parts


def _write_link(folder: Path, path: str, link: bytes, name: str) -> None:
    parts = _safe_parts(path, name)
    target = os.fsdecode(link)
    inside = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if target.startswith("/") or inside == ".." or inside.startswith("../"):
        raise AgreementError(_("the content in {name} has a link {path} to {target}, outside the content folder; put the file itself in "
                               "the content folder").format(
            name=name, path=path, target=target))
    destination = folder.joinpath(*parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.symlink_to(target)


class _GitFailed(AgreementError):
    """git refused; callers that expect this turn it into their own message, any other shows git's own words."""


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git with `args` in `cwd` and return its output; _GitFailed with git's last line of complaint."""
    try:
        proc = run_git(cwd, *args, stdin=stdin)
    except FileNotFoundError:
        raise ToolError(_("git is not installed, and agreement diff reads the versions of the content from git; install git (sudo "
                          "apt-get install git) and try again")) from None
    except subprocess.TimeoutExpired:
        raise ToolError(_("git {command} did not finish within {seconds:.0f} seconds").format(
            command=args[0], seconds=GIT_TIMEOUT)) from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(_("git {command} failed").format(command=args[0]) + (f": {lines[-1]}" if lines else ""))
    return proc.stdout
