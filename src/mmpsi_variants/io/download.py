"""Files fetched over HTTP(S): streamed, resumed after a cut, retried, verified, put in place whole.

A download goes to ``<dest>.part`` beside its final name. A cut connection resumes from the
part's size with an HTTP ``Range`` request; a server that ignores ``Range`` (it answers 200
with the whole file) is read again from the start. The finished part is checked against the
published checksum before it is renamed, so nothing half-written or corrupt ever stands under
the final name, and a rerun after a failure does only the missing work. Proxies come from the
environment (``requests`` honours ``HTTPS_PROXY`` and ``NO_PROXY``).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from mmpsi_variants.core.errors import MmpsiError

CHUNK = 1 << 20  # hashing
NET_CHUNK = 1 << 16  # reading from the network
TIMEOUT_S = 60
RETRIES = 4


# What a cut connection raises (a rerun resumes it).
_CUT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class DownloadError(MmpsiError):
    """A resource could not be fetched or did not match its checksum."""


@dataclass(frozen=True)
class Checksum:
    algorithm: str  # md5 / sha256
    value: str

    def of(self, path: Path) -> str:
        h = hashlib.new(self.algorithm)
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(CHUNK), b""):
                h.update(block)
        return h.hexdigest()


_SUM_LINE = re.compile(
    r"^(?:MD5 \((?P<n1>.+)\) = (?P<h1>[0-9a-f]{32})|(?P<h2>[0-9a-f]{32,64})\s+\*?(?P<n2>\S+))$"
)


def checksum_from_listing(text: str, name: str, source: str) -> Checksum:
    """The sum of ``name`` in an ``md5sum``/``sha256sum`` listing or an NCBI ``.md5`` file."""
    for line in text.splitlines():
        m = _SUM_LINE.match(line.strip())
        if not m:
            continue
        listed = Path(m.group("n1") or m.group("n2")).name
        value = (m.group("h1") or m.group("h2")).lower()
        if listed == name:
            return Checksum("md5" if len(value) == 32 else "sha256", value)
    raise DownloadError(f"no checksum for {name} in the checksum file", path=source)


class Fetcher:
    """One HTTP session for a run's downloads."""

    def __init__(self, *, timeout: float = TIMEOUT_S, retries: int = RETRIES, backoff: float = 1.0):
        self.session = requests.Session()
        self.timeout, self.retries, self.backoff = timeout, retries, backoff

    def text(self, url: str) -> str:
        """A small text file (a checksum listing), whole."""
        for attempt in range(self.retries + 1):
            try:
                r = self.session.get(url, timeout=self.timeout)
            except requests.RequestException as e:
                if attempt == self.retries:
                    raise DownloadError(f"cannot fetch ({_reason(e)})", path=url) from None
                time.sleep(self.backoff * 2**attempt)
                continue
            if r.status_code >= 500 and attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
                continue
            _check_status(r, url)
            return r.text
        raise AssertionError("unreachable")

    def file(self, url: str, dest: Path, checksum: Checksum | None = None) -> Path:
        """``url`` to ``dest``, resumed from ``dest.part`` when one is there, then verified."""
        part = dest.with_name(dest.name + ".part")
        for attempt in range(self.retries + 1):
            try:
                self._stream(url, part)
                break
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as e:
                if attempt == self.retries:
                    raise DownloadError(
                        f"download cut {self.retries + 1} times ({_reason(e)}); the part is kept "
                        "and a rerun resumes it",
                        path=url,
                    ) from None
                time.sleep(self.backoff * 2**attempt)
        if checksum is not None:
            got = checksum.of(part)
            if got != checksum.value:
                part.unlink()
                raise DownloadError(
                    f"{checksum.algorithm} mismatch: expected {checksum.value}, got {got}; the "
                    "download was deleted",
                    path=url,
                )
        os.replace(part, dest)
        return dest

    def _stream(self, url: str, part: Path) -> None:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        with self.session.get(url, headers=headers, stream=True, timeout=self.timeout) as r:
            if have and r.status_code == 416:
                return  # the part is already whole
            if have and r.status_code == 200:
                have = 0  # the server ignores Range: start again
            elif not (have and r.status_code == 206):
                _check_status(r, url)
            with open(part, "ab" if have else "wb") as fh:
                # Small blocks, each flushed: a killed client leaves on disk what it received,
                # and the rerun resumes from there.
                for block in r.iter_content(NET_CHUNK):
                    fh.write(block)
                    fh.flush()


def _check_status(r: requests.Response, url: str) -> None:
    if r.status_code >= 400:
        raise DownloadError(f"HTTP {r.status_code} {r.reason}", path=url)


def _reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:200]
