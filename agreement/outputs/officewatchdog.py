"""Run one warm LibreOffice for agreement builds and stop it when it has not been used for a while.

This file is a script, not part of the package's import graph: agreement.outputs.officeserver starts it,
detached from the build (its own session, output to the server's log), as

    python -I officewatchdog.py CONFIG_JSON

CONFIG_JSON names the LibreOffice command line, the server's state file, its lease file (builds hold a
shared lock on it while they use LibreOffice) and its last-used mark (a file whose modification time builds
touch), and the idle timeout in seconds. LibreOffice runs in this process's group, so killing the group
(what `agreement office stop` and a build that finds LibreOffice hanging do) stops both.

It stops LibreOffice and itself when:
- LibreOffice exits (it crashed or was killed);
- the state file no longer names this process (a build replaced the server, `office stop` removed it, or the
  build that started this one was killed before writing it);
- no build holds the lease and the last-used mark is older than the idle timeout.
Only the standard library is used, so any python3 runs it.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STATE_GRACE = 30.0  # seconds the starting build has to write the state file naming this process
# For its first seconds, while LibreOffice starts, the watchdog looks every tenth of a second, so a LibreOffice
# that fails at once (a crash, a broken installation) is reported to the waiting build at once.
STARTING = 10.0
STARTING_STEP = 0.1


def names_me(state: str) -> bool:
    try:
        return json.loads(Path(state).read_text(encoding="utf-8")).get("pid") == os.getpid()
    except (OSError, ValueError, AttributeError):
        return False


def idle_for(used: str) -> float:
    try:
        return time.time() - Path(used).stat().st_mtime
    except OSError:
        return float("inf")


def idle_and_unused(lease: str, used: str, idle: float) -> int | None:
    """An open descriptor holding the lease exclusively when LibreOffice is idle and unused, else None."""
    if idle_for(used) < idle:
        return None
    fd = os.open(lease, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # a build is using LibreOffice
        os.close(fd)
        return None
    if idle_for(used) < idle:  # a build finished using it just now
        os.close(fd)
        return None
    return fd


def stop(state: str, pipe_file: str) -> None:
    """Remove the state file if it still names this process, then kill LibreOffice and this process.

    LibreOffice's socket goes too: a killed LibreOffice leaves it behind."""
    if names_me(state):
        Path(state).unlink(missing_ok=True)
    Path(pipe_file).unlink(missing_ok=True)
    sys.stdout.flush()
    os.killpg(os.getpgid(0), signal.SIGKILL)


def main() -> None:
    config = json.loads(sys.argv[1])
    state, lease, used, idle = config["state"], config["lease"], config["used"], float(config["idle"])
    pipe_file = config["pipe_file"]
    signal.signal(signal.SIGTERM, lambda *_: stop(state, pipe_file))
    office = subprocess.Popen(config["command"], stdin=subprocess.DEVNULL)
    step = max(0.1, min(1.0, idle / 4))
    started = time.monotonic()
    while True:
        time.sleep(STARTING_STEP if time.monotonic() - started < STARTING else step)
        if office.poll() is not None:
            stop(state, pipe_file)
        if not names_me(state):
            if time.monotonic() - started > STATE_GRACE or Path(state).exists():
                stop(state, pipe_file)  # replaced or stopped; or never announced: the build that started it was killed
            continue
        if idle_and_unused(lease, used, idle) is not None:
            stop(state, pipe_file)  # with the lease held: a build that wants LibreOffice now waits, then starts a new one


if __name__ == "__main__":
    main()
