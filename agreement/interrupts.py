"""Ctrl-C held back while a compiled extension initialises, and delivered as soon as it has."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held() -> Iterator[None]:
    """Hold SIGINT (Ctrl-C) for the duration of the block, then deliver it to the handler there was.

    A KeyboardInterrupt raised inside the import of pikepdf (built with nanobind) makes nanobind abort the whole
    process with a core dump instead of ending the build with "interrupted". Only the main thread can change a
    handler; elsewhere, and when the handler is not a Python one, the block runs as it is.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            signal.raise_signal(signal.SIGINT)
