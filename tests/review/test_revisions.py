"""Reading the content folder of a git revision from git's objects: exactly its files, nothing outside the folder."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement import i18n
from agreement.cli import main
from agreement.errors import AgreementError, UsageError
from agreement.review.revisions import Repository, versions
from tests.conftest import SAMPLE, snapshot
from tests.review.conftest import booby_trap, commit, git, new_repo


def test_export_gives_the_committed_files(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "content" / "budget.yaml").write_text("changed\n", encoding="utf-8")
    (repo / "content" / "run.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (repo / "content" / "run.sh").chmod(0o755)
    commit(repo, "Second")
    (repo / "content" / "budget.yaml").write_text("not committed\n", encoding="utf-8")

    repository = Repository.of(repo / "content")
    old = repository.export(first, "HEAD~1", "content", tmp_path / "old")
    new = repository.export(repository.commit("HEAD"), "HEAD", "content", tmp_path / "new")
    assert old == tmp_path / "old" / "content"
    assert snapshot(old) == snapshot(SAMPLE)
    assert (new / "budget.yaml").read_text(encoding="utf-8") == "changed\n"
    assert os.access(new / "run.sh", os.X_OK)


def test_versions_default_to_head_and_the_working_tree(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    base, head, author = versions(repo / "content", None, None, tmp_path / "scratch")
    assert (base.name, base.commit) == ("HEAD", git(repo, "rev-parse", "HEAD").strip())
    assert base.label == f"HEAD ({base.commit[:7]})"
    assert head.commit is None and head.content == repo / "content" and head.label == "the working tree"
    assert author.name == "Kirsten Mogensen"
    assert author.date.isoformat() == git(repo, "show", "-s", "--format=%aI", "HEAD").strip()
    assert base.display("content/budget.yaml") == "HEAD:content/budget.yaml"


def test_origin_head_names_the_default_branch(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    git(repo, "branch", "trunk")
    git(repo, "update-ref", "refs/remotes/origin/trunk", "trunk")
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert Repository.of(repo).default_branch() == "origin/trunk"
    git(repo, "symbolic-ref", "--delete", "refs/remotes/origin/HEAD")
    assert Repository.of(repo).default_branch() == "main"


def test_bad_revisions_are_usage_errors(tmp_path: Path) -> None:
    repository = Repository.of(new_repo(tmp_path / "repo"))
    for revision in ("nope", "--output=x", "", "HEAD~5"):
        with pytest.raises(UsageError):
            repository.commit(revision)


def test_revisions_are_named_and_refused_in_danish_by_default(tmp_path: Path) -> None:
    i18n.set_language("da")
    repo = new_repo(tmp_path / "repo")
    _, head, _ = versions(repo / "content", None, None, tmp_path / "scratch")
    assert head.label == "filerne, som de er nu"
    with pytest.raises(UsageError, match=r"^ukendt version 'nope': ingen branch, tag eller commit med det navn i repositoriet"):
        Repository.of(repo).commit("nope")


def test_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    with pytest.raises(AgreementError, match="no commits yet"):
        versions(tmp_path / "content", None, None, tmp_path / "scratch")


def test_content_outside_the_repository_is_refused(tmp_path: Path) -> None:
    repository = Repository.of(new_repo(tmp_path / "repo"))
    with pytest.raises(AgreementError, match="not inside the git repository"):
        repository.relative(tmp_path / "elsewhere")


def test_a_link_leading_out_of_the_content_folder_is_refused(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "content" / "inside.yaml").symlink_to("budget.yaml")
    (repo / "content" / "outside.yaml").symlink_to("../../secret.yaml")
    commit(repo, "Links")
    repository = Repository.of(repo)
    with pytest.raises(AgreementError, match="outside the content folder"):
        repository.export(repository.commit("HEAD"), "HEAD", "content", tmp_path / "out")
    assert not (tmp_path / "secret.yaml").exists()
    (repo / "content" / "outside.yaml").unlink()
    commit(repo, "Only the inside link")
    folder = repository.export(repository.commit("HEAD"), "HEAD", "content", tmp_path / "out2")
    assert (folder / "inside.yaml").read_bytes() == (SAMPLE / "budget.yaml").read_bytes()


def test_a_tree_entry_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=b"evil\n", capture_output=True,
                          check=True).stdout.decode().strip()
    made = subprocess.run(["git", "mktree"], cwd=repo, input=f"100644 blob {blob}\t..\n".encode(), capture_output=True)
    if made.returncode != 0:
        pytest.skip("this git refuses to make a tree with a '..' entry")
    inner = made.stdout.decode().strip()
    outer = subprocess.run(["git", "mktree"], cwd=repo, input=f"040000 tree {inner}\tcontent\n".encode(),
                           capture_output=True, check=True).stdout.decode().strip()
    forged = subprocess.run(["git", "commit-tree", outer, "-m", "forged"], cwd=repo, capture_output=True,
                            check=True).stdout.decode().strip()
    repository = Repository.of(repo)
    with pytest.raises(AgreementError, match="would lead outside the content folder"):
        repository.export(forged, "forged", "content", tmp_path / "out" / "x")
    assert not (tmp_path / "out" / "evil").exists()


def test_content_missing_at_a_revision(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    repository = Repository.of(repo)
    with pytest.raises(AgreementError, match="there is no folder innhold in HEAD"):
        repository.export(repository.commit("HEAD"), "HEAD", "innhold", tmp_path / "out")


def test_git_runs_no_command_of_the_repository(tmp_path: Path) -> None:
    """A repository whose config, attributes and hooks name commands: the comparison runs none of them."""
    repo = new_repo(tmp_path / "repo")
    marker = booby_trap(repo)
    for args in (["status", "--porcelain"], ["show", "-s", "HEAD"]):  # the trap is real: git itself springs it
        subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
        assert marker.exists(), args
        marker.unlink()
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "--content", str(repo / "content"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["author"]["name"] == "Kirsten Mogensen"
    assert not marker.exists()
