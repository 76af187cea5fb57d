"""igv.js, the browser the reads pages embed: one pinned release of the npm package ``igv``.

The reads page must open with no network, so igv.js is inlined into it, and it has to be on
the machine when the page is written. ``make setup`` runs ``python -m
mmpsi_variants.report.igvjs``, which takes the package's tarball from the npm registry
(checked against the integrity the registry publishes for that release, pinned here) and keeps
its ``dist/igv.min.js`` and licence under the environment's ``share/mmpsi-variants/``. Where
it lives can be overridden with ``MMPSI_IGV_JS`` or the reads command's ``--igv-js``, for a
machine that has the file from elsewhere (a shared disk). An environment without it (a conda
environment the workflow built) fetches it the same way on first use.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import sys
import tarfile
import tempfile
from pathlib import Path

from mmpsi_variants.core.errors import InputFileError, MmpsiError
from mmpsi_variants.io.download import Checksum, Fetcher

IGV_VERSION = "3.8.10"
TARBALL = f"https://registry.npmjs.org/igv/-/igv-{IGV_VERSION}.tgz"
# `npm view igv@3.8.10 dist.integrity`: the SHA-512 the registry publishes for the tarball.
INTEGRITY = (
    "sha512-foqT9SJHoKvVXl7euYUsOy7XMs1nTrPeJMQbGRp7qWU7a6HzF345FER/"
    "nHUTdsL5cumaoAe19gDmJYsEHO08rw=="
)
# The SHA-256 of that release's dist/igv.min.js: a copy named by --igv-js or MMPSI_IGV_JS, or
# installed earlier, is checked against it, since the page states the version it inlines.
IGV_JS_SHA256 = "87b991ae2a720978172e269dd5127c495e56df5af31144dff19c83124e2f5744"
MEMBERS = {"package/dist/igv.min.js": "igv.min.js", "package/LICENSE": "LICENSE"}

log = logging.getLogger("mmpsi_variants")


def default_location() -> Path:
    return Path(sys.prefix) / "share" / "mmpsi-variants" / f"igv-{IGV_VERSION}" / "igv.min.js"


def find_igv_js(explicit: str | None = None) -> Path:
    """The igv.js to inline: ``explicit``, else ``$MMPSI_IGV_JS``, else the installed copy."""
    given = explicit or os.environ.get("MMPSI_IGV_JS")
    path = Path(given) if given else default_location()
    if not path.is_file():
        how = (
            "the file named"
            if given
            else "run `python -m mmpsi_variants.report.igvjs` (make setup does) or give --igv-js"
        )
        raise InputFileError(f"igv.js {IGV_VERSION} not found; expected {how}", path=str(path))
    if hashlib.sha256(path.read_bytes()).hexdigest() != IGV_JS_SHA256:
        raise InputFileError(
            f"not the igv.min.js of igv {IGV_VERSION} (its SHA-256 differs); expected that "
            "release's dist/igv.min.js",
            path=str(path),
        )
    return path


def igv_js_for_page(explicit: str | None = None) -> Path:
    """:func:`find_igv_js`, fetching the pinned release once when it is not installed in this
    environment (a conda environment the workflow made, say) and no other copy was named."""
    try:
        return find_igv_js(explicit)
    except InputFileError:
        if explicit or os.environ.get("MMPSI_IGV_JS"):
            raise
    log.info("igv.js %s is not installed in this environment; fetching it once", IGV_VERSION)
    try:
        return install()
    except (MmpsiError, OSError) as exc:
        raise InputFileError(
            f"igv.js {IGV_VERSION} is not installed and could not be fetched ({exc}); run "
            "`python -m mmpsi_variants.report.igvjs` where the npm registry is reachable, or "
            "give --igv-js",
            path=str(default_location()),
        ) from None


def _checksum() -> Checksum:
    algorithm, _, value = INTEGRITY.partition("-")
    return Checksum(algorithm, base64.b64decode(value).hex())


def install(dest: Path | None = None, source: str = TARBALL) -> Path:
    """Fetch, verify and unpack igv.js into ``dest``'s folder; nothing is left half-written."""
    target = dest or default_location()
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".igv-") as tmp:
        tgz = Fetcher().file(source, Path(tmp) / f"igv-{IGV_VERSION}.tgz", _checksum())
        with tarfile.open(tgz, "r:gz") as tar:
            for member, name in MEMBERS.items():
                extracted = tar.extractfile(member)
                if extracted is None:
                    raise MmpsiError(f"the igv {IGV_VERSION} tarball has no {member}", path=source)
                staged = Path(tmp) / name
                staged.write_bytes(extracted.read())
        # The licence first, so that a copy of igv.js never stands without it.
        os.replace(Path(tmp) / "LICENSE", target.parent / "LICENSE")
        os.replace(Path(tmp) / "igv.min.js", target)
    return target


def main() -> int:
    try:
        path = install()
    except MmpsiError as exc:
        print(f"mmpsi-variants: error: {exc}", file=sys.stderr)
        return 2
    print(f"igv.js {IGV_VERSION}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
