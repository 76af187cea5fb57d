"""Stopping on SIGTERM or SIGINT as on an error, so that every clean-up on the way out runs.

Snakemake and SLURM cancel a job with SIGTERM, a user with Ctrl-C. While a command runs
(:func:`stoppable`), either raises :class:`Stopped` where the run is; the ``with`` blocks and
``finally`` clauses it passes remove staged outputs and temporary folders.

A signal that lands between the creation of a temporary folder and the moment something takes
charge of removing it would leave the folder behind (stress runs found these windows in
tempfile itself, which probes $TMPDIR with a file of its own on first use). Such steps run in
:func:`deferred` sections: a stop that arrives inside one is raised when it ends.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(BaseException):
    """SIGTERM or SIGINT received; a BaseException so that ``except Exception`` lets it by."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


_state = {"depth": 0, "pending": 0}


def _on_signal(signum: int, frame: object) -> None:
    # A second signal must not cut the clean-up of the first short.
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    if _state["depth"]:
        _state["pending"] = signum
        return
    raise Stopped(signum)


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """SIGTERM and SIGINT raise :class:`Stopped` inside the block; the previous handlers are
    put back afterwards (the block may run inside a test process)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = {sig: signal.signal(sig, _on_signal) for sig in SIGNALS}
    _state["pending"] = 0
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A step that must not be cut in two: a stop arriving inside is raised at its end."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        signum = _state["pending"]
        if signum and not _state["depth"]:
            _state["pending"] = 0
            raise Stopped(signum)


def temporary_folder(prefix: str, folder: str | None = None) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder that removes itself (on cleanup, or when the object goes), created
    whole or not at all when a stop arrives."""
    with deferred():
        return tempfile.TemporaryDirectory(prefix=prefix, dir=folder)
