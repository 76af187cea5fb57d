"""Files fetched over HTTP(S): streamed, resumed after a cut, retried, verified, put in place whole.

A download goes to ``<dest>.part`` beside its final name. A cut connection resumes from the
part's size with an HTTP ``Range`` request, conditional on the server's file being the one the
part came from (``If-Range`` with its ETag or date, kept in ``<dest>.part.etag``); a server
that ignores ``Range`` (it answers 200 with the whole file) is read again from the start. The
finished part is checked against the published checksum before it is renamed, so nothing
half-written or corrupt ever stands under the final name, and a rerun after a failure does
only the missing work. Proxies come from the environment (``requests`` honours ``HTTPS_PROXY``
and ``NO_PROXY``). A local path or a
``file://`` URL (a site's mirror on a shared disk) is copied the same way, and verified too.

Checksums: MD5 and SHA-256 (``md5sum``/``sha256sum`` listings, NCBI ``.md5`` files) and the
BSD ``sum`` of Ensembl's ``CHECKSUMS`` files, which is all Ensembl publishes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
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
    algorithm: str  # md5 / sha256 / sum (BSD sum: "checksum blocks")
    value: str

    def of(self, path: Path) -> str:
        if self.algorithm == "sum":
            return bsd_sum(path)
        h = hashlib.new(self.algorithm)
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(CHUNK), b""):
                h.update(block)
        return h.hexdigest()


def bsd_sum(path: Path) -> str:
    """``sum`` (BSD algorithm, coreutils' default): a 16-bit rotating checksum and the size in
    1 kB blocks, as in Ensembl's CHECKSUMS files ("03457 40154"), here without the zero padding
    ("3457 40154")."""
    total, size = 0, 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            size += len(block)
            for byte in block:
                total = (((total >> 1) | ((total & 1) << 15)) + byte) & 0xFFFF
    return f"{total} {(size + 1023) // 1024}"


_SUM_LINE = re.compile(
    r"^(?:MD5 \((?P<n1>.+)\) = (?P<h1>[0-9a-f]{32})|(?P<h2>[0-9a-f]{32,64})\s+\*?(?P<n2>\S+)"
    r"|(?P<s3>\d+)\s+(?P<b3>\d+)\s+(?P<n3>\S+))$",
    re.IGNORECASE,
)


def checksum_from_listing(text: str, name: str, source: str) -> Checksum:
    """The sum of ``name`` in an ``md5sum``/``sha256sum`` listing, an NCBI ``.md5`` file or an
    Ensembl ``CHECKSUMS`` file (BSD ``sum``).

    A file's own ``.md5`` with a single line is taken whatever name it gives: NCBI's
    ``clinvar.vcf.gz`` is a link to a dated file, and its ``.md5`` may name either.
    """
    found = []
    for line in text.splitlines():
        m = _SUM_LINE.match(line.strip())
        if not m:
            continue
        if m.group("n3"):
            listed, checksum = m.group("n3"), Checksum("sum", f"{int(m['s3'])} {int(m['b3'])}")
        else:
            value = (m.group("h1") or m.group("h2")).lower()
            listed = m.group("n1") or m.group("n2")
            checksum = Checksum("md5" if len(value) == 32 else "sha256", value)
        found.append(checksum)
        if Path(listed).name.lower() == name.lower():
            return checksum
    if len(found) == 1 and source.endswith(f"{name}.md5"):
        return found[0]
    raise DownloadError(f"no checksum for {name} in the checksum file", path=source)


class Fetcher:
    """One HTTP session for a run's downloads."""

    def __init__(self, *, timeout: float = TIMEOUT_S, retries: int = RETRIES, backoff: float = 1.0):
        self.session = requests.Session()
        self.timeout, self.retries, self.backoff = timeout, retries, backoff

    def text(self, url: str) -> str:
        """A small text file (a checksum listing), whole."""
        local = local_path(url)
        if local is not None:
            try:
                return local.read_text(encoding="utf-8", errors="replace")
            except OSError as e:
                raise DownloadError(f"cannot read ({e.strerror})", path=url) from None
        return self._small("GET", url, "cannot fetch").text

    def validators(self, url: str) -> dict[str, str | None]:
        """What says whether a file changed: its size and, from the server, ETag and
        Last-Modified (a HEAD request); a local file's size and modification time."""
        local = local_path(url)
        if local is not None:
            try:
                st = local.stat()
            except OSError as e:
                raise DownloadError(f"cannot read ({e.strerror})", path=url) from None
            return {"size": str(st.st_size), "modified": str(st.st_mtime_ns)}
        r = self._small("HEAD", url, "cannot reach")
        names = (("size", "Content-Length"), ("etag", "ETag"), ("modified", "Last-Modified"))
        return {k: r.headers.get(h) for k, h in names}

    def _small(self, method: str, url: str, failing: str) -> requests.Response:
        """One short request, retried with back-off after a network error, a server error
        or 429; an error status after the last try is one line naming the URL."""
        for attempt in range(self.retries + 1):
            try:
                r = self.session.request(method, url, timeout=self.timeout, allow_redirects=True)
            except requests.RequestException as e:
                if attempt == self.retries:
                    raise DownloadError(f"{failing} ({_reason(e)})", path=url) from None
                time.sleep(self.backoff * 2**attempt)
                continue
            if _retryable(r.status_code) and attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
                continue
            _check_status(r, url)
            return r
        raise AssertionError("unreachable")

    def file(self, url: str, dest: Path, checksum: Checksum | None = None) -> Path:
        """``url`` to ``dest``, resumed from ``dest.part`` when one is there, then verified."""
        part = dest.with_name(dest.name + ".part")
        local = local_path(url)
        for attempt in range(self.retries + 1):
            try:
                if local is not None:
                    _copy(local, part, url)
                else:
                    self._stream(url, part)
                break
            except (*_CUT, _Busy) as e:
                if attempt == self.retries:
                    raise DownloadError(
                        f"download failed {self.retries + 1} times ({_reason(e)}); a part "
                        "received is kept and a rerun resumes it",
                        path=url,
                    ) from None
                time.sleep(self.backoff * 2**attempt)
            except requests.RequestException as e:
                raise DownloadError(f"cannot fetch ({_reason(e)})", path=url) from None
        Path(f"{part}.etag").unlink(missing_ok=True)
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
        validator = Path(f"{part}.etag")
        headers = {"Range": f"bytes={have}-"} if have else {}
        if have and validator.exists():
            # If-Range: the rest of the same file, or the whole of a newer one (ClinVar's
            # file of the same name changes every week), never a mix of both.
            headers["If-Range"] = validator.read_text().strip()
        elif have:
            have = 0  # a part without its validator cannot be trusted to belong to this file
            headers = {}
        with self.session.get(url, headers=headers, stream=True, timeout=self.timeout) as r:
            if _retryable(r.status_code):
                raise _Busy(f"HTTP {r.status_code} {r.reason}")
            if have and r.status_code == 416:
                return  # the part is already whole; its checksum decides
            if have and r.status_code == 200:
                have = 0  # the server ignores Range: start again
            elif not (have and r.status_code == 206):
                _check_status(r, url)
            tag = r.headers.get("ETag") or r.headers.get("Last-Modified")
            if tag and not have:
                validator.write_text(tag)
            total = _total_size(r, have)
            progress = (
                Progress(part.name.removesuffix(".part"), total) if sys.stderr.isatty() else None
            )
            with open(part, "ab" if have else "wb") as fh:
                # Small blocks, each flushed: a killed client leaves on disk what it received,
                # and the rerun resumes from there.
                for block in r.iter_content(NET_CHUNK):
                    fh.write(block)
                    fh.flush()
                    have += len(block)
                    if progress:
                        progress.show(have)
            if progress:
                progress.done()


class Progress:
    """A one-line progress bar on a terminal (never in a log file)."""

    def __init__(self, name: str, total: int | None):
        self.name, self.total, self._last = name, total, 0.0

    def show(self, have: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.5:
            return
        self._last = now
        if self.total:
            filled = int(30 * have / self.total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {100 * have / self.total:5.1f}%"
        else:
            bar = ""
        sys.stderr.write(f"\r{self.name} {bar} {have / 1e6:.1f} MB")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


def _total_size(r: requests.Response, have: int) -> int | None:
    try:
        return int(r.headers["Content-Length"]) + have
    except (KeyError, ValueError):
        return None


def local_path(url: str) -> Path | None:
    """The file a ``file://`` URL or a plain path names; None for a network URL."""
    if url.startswith("file://"):
        return Path(url.removeprefix("file://"))
    if "://" in url:
        return None
    return Path(url)


def _copy(src: Path, part: Path, url: str) -> None:
    try:
        shutil.copyfile(src, part)
    except FileNotFoundError:
        raise DownloadError("no such file", path=url) from None
    except IsADirectoryError:
        raise DownloadError("is a folder; expected a file", path=url) from None


class _Busy(Exception):
    """A server error or "too many requests": worth another try after a pause."""


def _retryable(status: int) -> bool:
    return status >= 500 or status == 429


def _check_status(r: requests.Response, url: str) -> None:
    if r.status_code >= 400:
        raise DownloadError(f"HTTP {r.status_code} {r.reason}", path=url)


def _reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:200]
