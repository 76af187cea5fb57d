"""The resources folder's ``manifest.json``: what each file is, where it came from, which release.

Written by ``mmpsi-variants resources fetch`` after every file is in place; read by ``filter
--resources DIR`` and the workflow. Each entry names its role (``gene_models``, ``clinvar``,
``gnomad`` or a score table's name), the file, its size and SHA-256, the source URL, the
release (from the sources file and the file's own header), the checksum it was verified
against, and the regions it was cut to. A file that changed since (another size or digest) is an
error, not a silent change of evidence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.io.provenance import sha256sum

FORMAT = "mmpsi-variants resources manifest 1"
NAME = "manifest.json"


@dataclass(frozen=True)
class ManifestEntry:
    role: str
    path: Path
    data: Mapping[str, Any]

    @property
    def release(self) -> str | None:
        return self.data.get("release")

    @property
    def source_url(self) -> str | None:
        return (self.data.get("source") or {}).get("url")

    def summary(self) -> dict[str, Any]:
        """The entry as a report lists it."""
        return {
            "role": self.role,
            "file": self.path.name,
            "release": self.release,
            "version": self.data.get("version"),
            "date": self.data.get("date"),
            "source": self.source_url,
            "subset": self.data.get("subset"),
        }


@dataclass(frozen=True)
class Manifest:
    path: Path
    build: str | None
    created: str | None
    all_genes: bool
    entries: tuple[ManifestEntry, ...]

    @classmethod
    def load(cls, where: str | Path) -> Manifest:
        """A resources folder's manifest (or the manifest file itself), its files checked."""
        path = Path(where)
        if path.is_dir():
            path = path / NAME
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputFileError(
                "no resources manifest here; run `mmpsi-variants resources fetch --dest` first",
                path=str(path),
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise InputFileError(f"not a JSON manifest ({e})", path=str(path)) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise InputFileError(f"not a resources manifest; expected format {FORMAT!r}",
                                 path=str(path))  # fmt: skip
        entries = []
        for i, item in enumerate(doc.get("resources") or []):
            if not isinstance(item, dict) or not item.get("role") or not item.get("file"):
                raise InputFileError("expected role and file", path=str(path),
                                     where=f"resources[{i}]")  # fmt: skip
            entry = ManifestEntry(str(item["role"]), path.parent / str(item["file"]), item)
            _check(entry, path)
            entries.append(entry)
        return cls(path, doc.get("build"), doc.get("created"), bool(doc.get("all_genes")),
                   tuple(entries))  # fmt: skip

    def get(self, role: str) -> ManifestEntry | None:
        return next((e for e in self.entries if e.role == role), None)

    def entry_for(self, file: str | Path) -> ManifestEntry | None:
        """The entry of a file the run reads, if it is one of the manifest's."""
        try:
            target = Path(file).resolve()
        except OSError:
            return None
        return next((e for e in self.entries if e.path.resolve() == target), None)

    def summary(self) -> dict[str, Any]:
        return {
            "manifest": str(self.path),
            "build": self.build,
            "created": self.created,
            "resources": [e.summary() for e in self.entries],
        }


def _check(entry: ManifestEntry, manifest: Path) -> None:
    where = f"{entry.role} ({entry.path.name})"
    try:
        size = entry.path.stat().st_size
    except FileNotFoundError:
        raise InputFileError("the file the manifest lists is missing; fetch again",
                             path=str(manifest), where=where) from None  # fmt: skip
    if size != entry.data.get("size") or sha256sum(entry.path) != entry.data.get("sha256"):
        raise InputFileError(
            "the file changed since it was fetched (size or SHA-256 differs from the manifest); "
            "fetch again rather than mix releases",
            path=str(manifest),
            where=where,
        )
    bed = entry.data.get("covered_regions")
    if bed:
        # The BED alone decides "absent" against "not covered": it is evidence too.
        try:
            digest = sha256sum(manifest.parent / bed)
        except FileNotFoundError:
            digest = None
        if digest != entry.data.get("covered_regions_sha256"):
            raise InputFileError(f"{bed} is missing or changed since it was fetched; fetch again",
                                 path=str(manifest), where=where)  # fmt: skip
    index = entry.data.get("index")
    if index and not (manifest.parent / index).exists():
        raise InputFileError(f"its index {index} is missing; fetch again", path=str(manifest),
                             where=where)  # fmt: skip
