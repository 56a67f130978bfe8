"""The CI files for reviewing pull and merge requests: linted by real tools, and doing what the README says."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

GITHUB = ROOT / ".github" / "workflows" / "agreement.yml"
GITLAB = ROOT / "docs" / "gitlab-ci.yml"
MARKER = "<!-- agreement-diff -->"


def _tool(name: str) -> str | None:
    """A command installed with the test extras: next to this Python, or on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_actionlint_finds_nothing_in_the_github_workflow() -> None:
    actionlint = _tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed; pip install -e '.[test]' installs it (no macOS build)")
    result = _run(actionlint, "-no-color", str(GITHUB.relative_to(ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_the_ci_files_match_their_platforms_schema(schema: str, path: Path) -> None:
    check = _tool("check-jsonschema")
    if check is None:
        pytest.skip("check-jsonschema is not installed; pip install -e '.[test]' installs it")
    result = _run(check, "--builtin-schema", schema, str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def _github() -> dict:
    return yaml.safe_load(GITHUB.read_text(encoding="utf-8"))


def _step(workflow: dict, name: str) -> dict:
    return next(s for s in workflow["jobs"]["review"]["steps"] if s["name"] == name)


def test_github_workflow_runs_on_pull_requests_with_the_least_permissions() -> None:
    workflow = _github()
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert set(workflow[True]) == {"pull_request"}
    assert workflow["permissions"] == {}
    # The job that builds the pull request's content only reads; the one that may comment runs nothing of it.
    assert workflow["jobs"]["review"]["permissions"] == {"contents": "read"}
    comment = workflow["jobs"]["comment"]
    assert comment["permissions"] == {"pull-requests": "write"} and comment["needs"] == "review"
    assert not any("checkout" in s.get("uses", "") or "agreement" in s.get("run", "").split() for s in comment["steps"])
    checkout = next(s for s in workflow["jobs"]["review"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


def test_github_actions_are_pinned_by_commit() -> None:
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", GITHUB.read_text(encoding="utf-8"), re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s+# v[0-9.]+", comment), (action, comment)


def test_github_workflow_checks_builds_compares_and_keeps_one_comment() -> None:
    workflow = _github()
    steps = workflow["jobs"]["review"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "agreement check --format github" in runs
    assert "agreement build" in runs
    assert 'agreement diff "origin/$BASE_REF" --format markdown --redline redlines > diff.md' in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert {"build/", "redlines/"} <= set(upload["with"]["path"].split())
    script = next(s for s in workflow["jobs"]["comment"]["steps"] if s["name"] == "Comment on the pull request")["run"]
    assert MARKER in script and "diff.md" in script
    assert "--method PATCH" in script and "--method POST" in script


def _installs(script: str, tmp_path: Path) -> list[str]:
    """The packages `script` has apt-get install, run with stand-ins for sudo and apt-get that only write them down."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "apt.log"
    for name, body in (("sudo", 'while [ "${1#*=}" != "$1" ]; do shift; done; exec "$@"'),
                       ("apt-get", f'[ "$1" = install ] && echo "$@" >> {log}; exit 0'),
                       ("python", f'exec {shlex.quote(sys.executable)} "$@"')):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    (line,) = log.read_text(encoding="utf-8").splitlines()
    return [word for word in line.split() if not word.startswith("-") and word != "install"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_make_build_and_both_ci_files_install_the_same_system_packages(tmp_path: Path) -> None:
    listed = (ROOT / "agreement" / "system-packages.txt").read_text(encoding="utf-8").split()
    assert {"libreoffice-writer-nogui", "librsvg2-bin", "hyphen-da", "python3-uno"} <= set(listed)
    make = _run("make", "-s", "--eval", "print-packages: ; @echo $(SYSTEM_PACKAGES)", "print-packages")
    assert make.stdout.split() == listed, make.stderr
    github = next(s for s in _github()["jobs"]["review"]["steps"] if "apt-get install" in s.get("run", ""))["run"]
    assert _installs(github, tmp_path / "github") == listed
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["agreement"]["before_script"]
    assert _installs("\n".join(line for line in gitlab if "pip install" not in line), tmp_path / "gitlab") == listed


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("where", ["github", "gitlab"])
def test_a_missing_diff_command_does_not_fail_the_job(tmp_path: Path, where: str) -> None:
    """Both files call `agreement diff` only when it exists; here it does not, as in this version."""
    fake = tmp_path / "bin" / "agreement"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho \"Error: No such command '$1'.\" >&2\nexit 2\n", encoding="utf-8")
    fake.chmod(0o755)
    if where == "github":
        script = _step(_github(), "Compare with the base branch")["run"]
    else:
        job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["agreement"]
        script = next(line for line in job["script"] if "agreement diff" in line)
    env = {
        **os.environ,
        "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
        "BASE_REF": "main",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
    }
    result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "ingen 'diff'-kommando" in (tmp_path / "diff.md").read_text(encoding="utf-8")


def test_gitlab_job_runs_for_merge_requests_and_keeps_one_note() -> None:
    jobs = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    job = jobs["agreement"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["script"][:2] == ["agreement check", "agreement build"]
    assert {"build/", "redlines/", "diff.md", "agreement-job.json"} <= set(job["artifacts"]["paths"])
    assert job["artifacts"]["when"] == "always"
    assert "agreement-job.json" in "\n".join(job["after_script"])
    # The job that builds the merge request's content holds no token; the one that posts runs nothing of it.
    assert "AGREEMENT_BOT_TOKEN" not in yaml.safe_dump(job) and "environment" not in job
    comment = jobs["agreement-comment"]
    assert comment["environment"]["name"] == "agreement-comment"  # the token's scope, as the file's header says
    assert "scope \"agreement-comment\"" in GITLAB.read_text(encoding="utf-8")
    assert comment["variables"]["GIT_STRATEGY"] == "none"
    assert comment["needs"] == [{"job": "agreement", "artifacts": True}]
    assert comment["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"', "when": "always"}]
    note = "\n".join(comment["script"])
    assert "AGREEMENT_BOT_TOKEN" in note and "agreement-job.json" in note and "diff.md" in note
    assert MARKER in note and '"PUT"' in note and '"POST"' in note
