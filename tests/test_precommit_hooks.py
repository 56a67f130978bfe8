"""The pre-commit hook offered to content repositories runs the real command on the right files."""

from __future__ import annotations

import re
import shlex
import tomllib

import yaml

from tests.conftest import ROOT


def _hooks() -> dict[str, dict]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def test_agreement_check_hook_runs_the_console_script_on_the_whole_content() -> None:
    hook = _hooks()["agreement-check"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    command, *args = shlex.split(hook["entry"])
    assert command in scripts and args == ["check"]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


def test_agreement_check_hook_runs_when_content_yaml_changes_and_only_then() -> None:
    files = re.compile(_hooks()["agreement-check"]["files"])
    for path in ("content/strategic.yaml", "content/delaftaler/beskaeftigelse.yaml", "content/budget.yml"):
        assert files.search(path), path
    for path in ("agreement/cli.py", "README.md", "tests/fixtures/areas/solhaven/strategic.yaml", "build/budget.xlsx"):
        assert not files.search(path), path
