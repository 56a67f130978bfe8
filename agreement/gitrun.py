"""Git run with a fixed configuration, so nothing in a repository's own config or attributes runs a command."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

GIT_TIMEOUT = 120.0

# The repository's own .git/config still applies (git has no switch to skip it), but settings given in the
# environment (GIT_CONFIG_KEY_n, as -c would) beat every config file. These are the settings that can run a
# command in the commands the tool runs (rev-parse, status, ls-tree, cat-file, show -s, merge-base,
# symbolic-ref); the rest (core.sshCommand, core.editor, diff.external, credential helpers, ...) belong to
# commands it never runs, and aliases cannot replace git's own commands.
_FIXED = {
    "core.fsmonitor": "false",  # run whenever the index is read (status)
    "core.hooksPath": "/dev/null",  # post-index-change and any hook a later git may add
    "core.pager": "cat",  # only with a terminal, which the tool never gives git; fixed all the same
    "log.showSignature": "false",  # show would verify a signed commit with gpg.program
    "gpg.program": "false",
    "safe.bareRepository": "explicit",  # a bare repository's layout inside the content folder is not one
}
# Drivers that .gitattributes names run the command of these settings; an empty command is no driver at all.
_DRIVER = re.compile(r"(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command)|merge\..+\.driver)", re.S)


def run_git(cwd: Path, *args: str, stdin: bytes | None = None,
            timeout: float = GIT_TIMEOUT) -> subprocess.CompletedProcess[bytes]:
    """`git args` in `cwd`, output captured, without the system's or the user's config and with nothing of the
    repository's that runs a command; OSError when git is missing, TimeoutExpired when it takes too long."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_OPTIONAL_LOCKS": "0",  # reading only: not even a refreshed index is written
           "GIT_TERMINAL_PROMPT": "0"}
    listed = _git(cwd, ["config", "--null", "--list"], _with_settings(env, _FIXED), None, timeout)
    keys = [os.fsdecode(record.split(b"\n", 1)[0]) for record in listed.stdout.split(b"\0")]
    settings = {**_FIXED, **{key: "" for key in keys if _DRIVER.fullmatch(key)}}
    return _git(cwd, list(args), _with_settings(env, settings), stdin, timeout)


def _with_settings(env: dict[str, str], settings: dict[str, str]) -> dict[str, str]:
    """`env` with `settings` given as git's GIT_CONFIG_KEY_n/VALUE_n (no quoting: a key may hold '=')."""
    env = {**env, "GIT_CONFIG_COUNT": str(len(settings))}
    for n, (key, value) in enumerate(settings.items()):
        env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"] = key, value
    return env


def _git(cwd: Path, args: list[str], env: dict[str, str], stdin: bytes | None,
         timeout: float) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "--no-pager", *args], cwd=cwd, input=stdin, capture_output=True, env=env,
                          timeout=timeout, check=False)
