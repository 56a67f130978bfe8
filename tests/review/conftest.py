"""A git repository holding the sample content, and the change the review tests compare: a reworded sentence,
a changed amount and a removed activity."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from agreement.documents.loader import load_content
from agreement.publish.cache import CACHE_DIR
from agreement.review import text
from tests.conftest import SAMPLE, replace_line


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def new_repo(folder: Path, source: Path = SAMPLE) -> Path:
    """A repository with one commit on main: the content `source` (the sample by default) in content/."""
    folder.mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.name", "Kirsten Mogensen")
    git(folder, "config", "user.email", "kirsten@example.dk")
    git(folder, "config", "commit.gpgsign", "false")
    shutil.copytree(source, folder / "content")
    commit(folder, "Sample content")
    return folder


def commit(repo: Path, message: str, *author: str) -> str:
    """Commit everything; `author` may be git's --author and --date options for this commit."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, *author)
    return git(repo, "rev-parse", "HEAD").strip()


def change_content(content: Path) -> None:
    """The reviewed change: one word in the vision, a higher salary in year 1 paid by the municipality (total
    6.380.000 -> 6.400.000 kr., LBF's share 75,0 % -> 74,8 %), and the activity 'Fremskudt rådgivning' removed
    from the delaftale Beskæftigelse with its budget line (its money moved to 'Aktivt liv for ledige') and milestone."""
    replace_line(content / "strategic.yaml", r"skal være attraktive steder", "skal være eftertragtede steder")
    budget = content / "budget.yaml"
    replace_line(budget, r"beløb: \[580000, 580000, 580000, 580000\]", "beløb: [600000, 580000, 580000, 580000]")
    replace_line(budget, r"beløb: \[200000, 200000, 200000, 195000\]", "beløb: [220000, 200000, 200000, 195000]")
    replace_line(budget, r"beløb: \[120000, 120000, 120000, 120000\]", "beløb: [180000, 180000, 180000, 180000]")
    remove_block(budget, r"- aktivitet: fremskudt-raadgivning", 2)
    remove_block(content / "milepaelsplan.yaml", r"- id: raadgivning-hver-uge$", 6)
    deal = content / "delaftaler" / "beskaeftigelse.yaml"
    text = deal.read_text(encoding="utf-8")
    start = text.index("  - id: fremskudt-raadgivning")
    end = text.index("underskrifter:")
    deal.write_text(text[:start].rstrip() + "\n\n" + text[end:], encoding="utf-8")
    for follow_up in (content / "opfoelgning").glob("*.yaml"):  # they no longer name the removed activity
        text = follow_up.read_text(encoding="utf-8")
        follow_up.write_text(re.sub(r"(?m)^  fremskudt-raadgivning:.*\n(?:    .*\n)*", "", text), encoding="utf-8")
    load_content(content)  # still valid: the comparison needs both versions to pass check


def remove_block(path: Path, pattern: str, count: int) -> None:
    """Remove the first line matching `pattern` and the `count - 1` lines after it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    path.write_text("\n".join(lines[:at] + lines[at + count:]), encoding="utf-8")


@pytest.fixture(scope="module")
def changed_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: the sample; the working tree: the reviewed change, not committed."""
    repo = new_repo(tmp_path_factory.mktemp("review") / "repo")
    change_content(repo / "content")
    return repo


@pytest.fixture(scope="package", autouse=True)
def shared_cache(built_docx, tmp_path_factory: pytest.TempPathFactory):
    """Every build of a comparison in these tests (in this process) starts with the build-cache entries of the shared
    DOCX build of the sample and of the comparisons before it, so a document one of them made is not rendered
    again: the tests compare the same few versions of the sample many times."""
    cache = tmp_path_factory.mktemp("review-cache") / CACHE_DIR
    shutil.copytree(built_docx.out_dir / CACHE_DIR, cache)
    real = text.build

    def build(content_dir: Path, out_dir: Path, *args, **kwargs):
        shutil.copytree(cache, out_dir / CACHE_DIR, dirs_exist_ok=True)
        result = real(content_dir, out_dir, *args, **kwargs)
        shutil.copytree(out_dir / CACHE_DIR, cache, dirs_exist_ok=True)
        return result

    patch = pytest.MonkeyPatch()
    patch.setattr(text, "build", build)
    try:
        yield
    finally:
        patch.undo()


def booby_trap(repo: Path) -> Path:
    """Make every command `repo`'s own config, attributes and hooks could give git create a marker file; return it.

    The last commit is replaced by a signed one (so git would verify it) and every committed file looks changed
    to git (a new mtime, same bytes), so that status runs the clean filter on it."""
    marker = repo.parent / f"{repo.name}-ran-a-command"
    script = repo.parent / f"{repo.name}-trap.sh"
    script.write_text(f"#!/bin/sh\ntouch {shlex.quote(str(marker))}\n", encoding="utf-8")
    script.chmod(0o755)
    (repo / ".gitattributes").write_text("* filter=trap diff=trap merge=trap\n*.md filter=long\n", encoding="utf-8")
    (repo / "notes.md").write_text("notes\n", encoding="utf-8")
    commit(repo, "Attributes")
    head = git(repo, "cat-file", "commit", "HEAD")
    headers, _, message = head.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo, check=True, text=True,
                            input=f"{headers}\n{signature}\n\n{message}", capture_output=True).stdout.strip()
    git(repo, "update-ref", "HEAD", signed)
    for key in ("core.fsmonitor", "core.pager", "core.editor", "core.sshCommand", "diff.external", "gpg.program",
                "gpg.ssh.program", "gpg.x509.program", "filter.trap.clean", "filter.trap.smudge", "filter.long.process",
                "diff.trap.textconv", "diff.trap.command", "merge.trap.driver", "alias.status", "alias.show"):
        git(repo, "config", key, str(script))
    git(repo, "config", "log.showSignature", "true")
    git(repo, "config", "status.submoduleSummary", "true")
    for hook in ("post-index-change", "post-checkout", "reference-transaction"):
        (repo / ".git" / "hooks" / hook).symlink_to(script)
    for path in repo.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(repo).parts:
            os.utime(path, (path.stat().st_mtime + 10, path.stat().st_mtime + 10))
    return marker
