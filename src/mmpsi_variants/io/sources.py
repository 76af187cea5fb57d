"""Where the annotation resources come from: the sources file (``data/sources.yaml``).

One section per genome build, one entry per resource::

    GRCh38:
      gene_models: {url: ..., checksum_url: ..., release: MANE Select v1.4}
      clinvar: {url: ..., index_url: ..., checksum_url: ...}
      gnomad: {url: ".../gnomad.joint.v4.1.sites.{chrom}.vcf.bgz", chrom_style: chr}
      revel: {url: ..., index_url: ...}   # any score table the filter reads

``gene_models`` and ``clinvar`` are downloaded whole and verified (``md5``, ``sha256`` or a
``checksum_url`` listing); ``gnomad`` and the score tables are read through their tabix index,
region by region, so ``url`` may hold ``{chrom}`` for files split by chromosome.
``chrom_style`` says how ``{chrom}`` is spelt (``chr``: chr1, ``bare``: 1); without it, as the
gene models spell their contigs. ``coverage_url`` (a BED or Picard interval list) says what a
sliced source covers, for an exome-only gnomAD: outside it the filter says "not covered"
rather than "absent". ``index_url`` defaults to ``url`` + ``.tbi``. ``url`` may also be
a path or a ``file://`` URL (a mirror on a shared disk); a relative path is taken from the
sources file's folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path
from typing import Any

import yaml

from mmpsi_variants.core.errors import ConfigError
from mmpsi_variants.io.download import Checksum, local_path

DOWNLOADED = ("gene_models", "clinvar")  # fetched whole, verified, then subset
_KEYS = {"url", "index_url", "md5", "sha256", "checksum_url", "release", "chrom_style",
         "coverage_url"}  # fmt: skip
_STYLES = ("chr", "bare")


@dataclass(frozen=True)
class Source:
    """One resource of one build, as the sources file gives it."""

    role: str  # gene_models, clinvar, gnomad, or a score table's name (revel, cadd, spliceai)
    url: str
    index_url: str | None = None
    checksum: Checksum | None = None
    checksum_url: str | None = None
    release: str | None = None
    chrom_style: str | None = None
    coverage_url: str | None = None  # what a sliced source covers (an exome's calling regions)

    @property
    def by_chromosome(self) -> bool:
        return "{chrom}" in self.url

    @property
    def is_score(self) -> bool:
        return self.role not in (*DOWNLOADED, "gnomad")

    def url_for(self, contig: str) -> str:
        return self.url.replace("{chrom}", spelt(contig, self.chrom_style))

    def index_for(self, contig: str) -> str:
        return (self.index_url or f"{self.url}.tbi").replace(
            "{chrom}", spelt(contig, self.chrom_style)
        )


def spelt(contig: str, style: str | None) -> str:
    """``contig`` in a naming style: ``chr`` (chr1) or ``bare`` (1); as it is without one."""
    bare = contig[3:] if contig.lower().startswith("chr") else contig
    if style == "chr":
        return f"chr{bare}"
    if style == "bare":
        return bare
    return contig


def default_sources_path() -> Path:
    return Path(str(package_files.files("mmpsi_variants") / "data" / "sources.yaml"))


def load_sources(
    path: str | Path | None, build: str, score_names: Iterable[str]
) -> dict[str, Source]:
    """The entries of ``build`` in the sources file (the bundled one by default)."""
    where = Path(path) if path else default_sources_path()
    try:
        doc = yaml.safe_load(where.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else None
        raise ConfigError(f"not valid YAML ({getattr(e, 'problem', e)})", path=str(where),
                          where=line) from None  # fmt: skip
    if not isinstance(doc, Mapping):
        raise ConfigError("expected a mapping of genome builds to resources", path=str(where))
    section = doc.get(build)
    if not isinstance(section, Mapping):
        have = ", ".join(str(k) for k in doc) or "none"
        raise ConfigError(f"no section for build {build} (sections: {have})", path=str(where))
    allowed = {*DOWNLOADED, "gnomad", *score_names}
    out = {}
    for role, entry in section.items():
        if role not in allowed:
            raise ConfigError(
                f"unknown resource {role!r}; expected one of {', '.join(sorted(allowed))}",
                path=str(where),
                where=build,
            )
        out[role] = _source(str(role), entry, where, build)
    if "gene_models" not in out:
        raise ConfigError("gene_models is required: the panel is found in them", path=str(where),
                          where=build)  # fmt: skip
    return out


def _source(role: str, entry: Any, where: Path, build: str) -> Source:
    at = f"{build}.{role}"
    if not isinstance(entry, Mapping) or not isinstance(entry.get("url"), str):
        raise ConfigError("expected a mapping with a url", path=str(where), where=at)
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected "
            f"{', '.join(sorted(_KEYS))}",
            path=str(where),
            where=at,
        )
    if entry.get("chrom_style") not in (None, *_STYLES):
        raise ConfigError(f"chrom_style must be chr or bare, not {entry['chrom_style']!r}",
                          path=str(where), where=at)  # fmt: skip
    given = [k for k in ("md5", "sha256", "checksum_url") if entry.get(k)]
    if len(given) > 1:
        raise ConfigError(f"give one of md5, sha256 and checksum_url, not {' and '.join(given)}",
                          path=str(where), where=at)  # fmt: skip
    if entry.get("coverage_url") and role in DOWNLOADED:
        raise ConfigError("coverage_url is for files read region by region (gnomad, scores)",
                          path=str(where), where=at)  # fmt: skip
    for key in ("url", "index_url", "checksum_url", "coverage_url"):
        value = str(entry.get(key) or "")
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme not in ("", "http", "https", "file"):
            raise ConfigError(
                f"{key}: {scheme}:// is not supported; use the https:// address (NCBI and "
                "Ensembl serve the same files over HTTPS) or a local path",
                path=str(where),
                where=at,
            )
    url = _resolve(str(entry["url"]), where)
    if role in DOWNLOADED and "{chrom}" in url:
        raise ConfigError("{chrom} is for files read region by region (gnomad, scores); this one "
                          "is downloaded whole", path=str(where), where=at)  # fmt: skip
    checksum = None
    for algorithm, length in (("md5", 32), ("sha256", 64)):
        if algorithm in entry:
            value = entry[algorithm]
            # YAML reads an unquoted sum of digits only as a number, losing its zeros.
            if (
                not isinstance(value, str)
                or len(value) != length
                or any(c not in "0123456789abcdef" for c in value.lower())
            ):
                raise ConfigError(f"{algorithm} must be {length} hexadecimal digits, quoted",
                                  path=str(where), where=at)  # fmt: skip
            checksum = Checksum(algorithm, value.lower())
    index = entry.get("index_url")
    checksum_url = entry.get("checksum_url")
    return Source(
        role=role,
        url=url,
        index_url=_resolve(str(index), where) if index else None,
        checksum=checksum,
        checksum_url=_resolve(str(checksum_url), where) if checksum_url else None,
        release=str(entry["release"]) if entry.get("release") is not None else None,
        chrom_style=entry.get("chrom_style"),
        coverage_url=_resolve(str(entry["coverage_url"]), where)
        if entry.get("coverage_url")
        else None,
    )


def _resolve(url: str, where: Path) -> str:
    """A relative path in a sources file is taken from the file's folder, not the shell's."""
    local = local_path(url)
    if local is None or local.is_absolute():
        return url
    return str((where.parent / local).resolve())
