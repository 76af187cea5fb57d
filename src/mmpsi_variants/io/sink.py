"""A text file written by a background thread, hashed as it is written.

An exome in research mode with ``--keep-all`` writes gigabytes of JSON; on an ordinary disk
that is a fifth of the run when the writes wait in line with the computing. Handing each
megabyte to a thread lets the disk work while the next variants are scored (a file write and
SHA-256 both release the GIL), and hashing on the way out spares the manifest a second read
of every file. At most a few megabytes are in flight, so memory does not grow with the file.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from typing import BinaryIO

_CHUNK = 1 << 20
_IN_FLIGHT = 8  # chunks queued for the thread at most


class ThreadedSink:
    """``write(str)`` like a text file; ``close()`` waits for the disk and raises its error."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self._pending: list[bytes] = []
        self._size = 0
        self._digest = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_IN_FLIGHT)
        self._error: OSError | None = None
        self._abandoned = False
        self._closed = False
        self._thread = threading.Thread(target=self._drain, name="mmpsi-writer", daemon=True)
        self._thread.start()

    def write(self, text: str) -> int:
        if self._error is not None:
            raise self._error
        data = text.encode("utf-8")
        self._pending.append(data)
        self._size += len(data)
        if self._size >= _CHUNK:
            self._hand_over()
        return len(text)

    def sha256(self) -> str:
        """The digest of everything written; valid after :meth:`close`."""
        return self._digest.hexdigest()

    def close(self) -> None:
        """Write what is left and wait for it; an error of the disk is raised here."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self._abandoned and self._error is None:
                self._hand_over()
        finally:
            self._queue.put(None)
            self._thread.join()
            self._fh.close()
        if self._error is not None and not self._abandoned:
            raise self._error

    def abandon(self) -> None:
        """Stop writing (the file is being thrown away) and let the thread end."""
        self._abandoned = True
        self._pending.clear()
        self.close()

    def _hand_over(self) -> None:
        if not self._pending:
            return
        chunk = b"".join(self._pending)
        self._pending.clear()
        self._size = 0
        self._queue.put(chunk)

    def _drain(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            if self._abandoned or self._error is not None:
                continue
            try:
                self._fh.write(chunk)
                self._digest.update(chunk)
            except OSError as exc:
                self._error = exc
