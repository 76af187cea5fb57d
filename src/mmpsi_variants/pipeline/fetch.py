"""``resources fetch``: the panel's share of the gene models, ClinVar, gnomAD and score tables.

Gene models and ClinVar are downloaded whole into ``DEST/downloads/`` (streamed, resumed,
verified against the published checksum before they take their name), then cut to the panel:
the gene models to the panel genes' lines, ClinVar to the panel regions (gene span plus
padding), bgzipped and indexed. gnomAD and score tables are never downloaded: their panel
regions are read through the tabix index over HTTP(S) and written as small indexed files (gnomAD's
records keep only the INFO keys the filter reads), one
slice per source file kept in ``downloads/`` so that a rerun after a failure reads only what is
missing. ``manifest.json`` is written with the files, all in one commit: a folder holds either
the previous complete set or the new one.

With ``--all-genes`` the gene models and ClinVar are kept whole (for research mode, which looks
at every gene); gnomAD is still read for the panel regions only, and its regions BED tells the
filter that everything else is not covered rather than absent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam

from mmpsi_variants import __version__
from mmpsi_variants.annotation.sources.clinvar import ClinVarSource
from mmpsi_variants.annotation.sources.gnomad import GnomadSource, info_keys_read
from mmpsi_variants.annotation.sources.lookup import SCORE_KINDS
from mmpsi_variants.core.errors import GeneModelError
from mmpsi_variants.core.intervals import merge_intervals
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.download import Checksum, DownloadError, Fetcher, checksum_from_listing
from mmpsi_variants.io.gff import detect_format
from mmpsi_variants.io.gff_subset import subset_gene_models
from mmpsi_variants.io.manifest import FORMAT, NAME
from mmpsi_variants.io.provenance import sha256sum
from mmpsi_variants.io.slices import (
    Regions,
    TabixConf,
    concatenate,
    intersect,
    read_intervals,
    read_regions,
    write_slice,
)
from mmpsi_variants.io.sources import Source, load_sources
from mmpsi_variants.panel.knowledge import Panel, load_panel
from mmpsi_variants.panel.regions import (
    DEFAULT_PADDING,
    PanelRegion,
    load_panel_models,
    panel_regions,
)

log = logging.getLogger("mmpsi_variants")
DOWNLOADS = "downloads"


@dataclass(frozen=True)
class FetchOptions:
    build: str
    dest: str
    sources: str | None = None
    panel: str | None = None
    tiers: tuple[str, ...] = ("core", "extended")
    all_genes: bool = False
    padding: int = DEFAULT_PADDING
    command: str = ""


@dataclass
class _Run:
    """What every step needs: where to write, the fetcher, the panel regions."""

    out: AtomicOutputs
    downloads: Path
    fetcher: Fetcher
    spans: dict[str, list[tuple[int, int]]]
    all_genes: bool


def fetch_resources(opts: FetchOptions, fetcher: Fetcher | None = None) -> Path:
    """Fetch the resources of ``opts.build`` into ``opts.dest``; returns the manifest's path."""
    dest = Path(opts.dest)
    sources = load_sources(opts.sources, opts.build, SCORE_KINDS)
    panel = load_panel(opts.panel).select_tiers(opts.tiers)
    downloads = dest / DOWNLOADS
    downloads.mkdir(parents=True, exist_ok=True)
    with AtomicOutputs(dest) as out:
        run = _Run(out, downloads, fetcher or Fetcher(), {}, opts.all_genes)
        entries = []
        # The gene models first, whatever the file's order: they give every other step its
        # regions.
        for role in ["gene_models", *(r for r in sources if r != "gene_models")]:
            source, started = sources[role], time.monotonic()
            if role == "gene_models":
                entry = _gene_models(run, source, panel, opts.padding)
            else:
                entry = _clinvar(run, source) if role == "clinvar" else _sliced(run, source)
            entry["seconds"] = round(time.monotonic() - started, 2)
            log.info(f"{role}: {entry['records']} records, {entry['size']} bytes, "
                     f"{entry['seconds']} s")  # fmt: skip
            entries.append(entry)
        out.add_json(NAME, _manifest(opts, panel, run.spans, entries))
        out.commit()
    return dest / NAME


# -- gene models


def _gene_models(run: _Run, source: Source, panel: Panel, padding: int) -> dict[str, Any]:
    raw, verified = _download(run, source)
    models = load_panel_models(raw, panel)
    # Strict: a source without a panel gene would make every report say "no variant" there.
    regions = panel_regions(panel, models, padding)
    run.spans.update(merge_intervals(regions))
    fmt = detect_format(raw)
    if run.all_genes:
        name = f"gene_models.{fmt}" + (".gz" if raw.suffix in (".gz", ".bgz") else "")
        staged = run.out.staged(name)
        shutil.copyfile(raw, staged)
        subset: Any = "whole file"
    else:
        name = f"gene_models.{fmt}"
        staged = run.out.staged(name)
        with open(staged, "w", encoding="utf-8") as fh:
            subset_gene_models(raw, {r.gene.id for r in regions}, fh)
        _check_subset(staged, panel, regions)
        subset = {
            "genes": sorted(r.symbol for r in regions),
            "tiers": sorted({g.tier for g in panel.genes}),
        }
    meta = models.metadata
    entry = _entry("gene_models", name, staged, source, raw, verified)
    entry.update(
        version=meta.get("genome-build") or meta.get("genome-version"),
        date=meta.get("genebuild-last-updated") or meta.get("date"),
        subset=subset,
        records=len(regions),
    )
    return entry


def _check_subset(staged: Path, panel: Panel, whole: Sequence[PanelRegion]) -> None:
    """Every panel gene comes through the cut with all its transcripts, exons and CDS."""
    cut = {r.symbol: r.gene for r in panel_regions(panel, load_panel_models(staged, panel))}
    for region in whole:
        got = cut.get(region.symbol)
        if got is None or got.transcripts != region.gene.transcripts:
            raise GeneModelError(
                f"{region.symbol}'s transcripts did not all come through the cut whole; fetch "
                "with --all-genes to keep the file as it is",
                path=str(staged),
            )


# -- ClinVar: downloaded, verified, cut to the panel regions


def _clinvar(run: _Run, source: Source) -> dict[str, Any]:
    raw, verified = _download(run, source)
    index = _local_index(raw)
    staged = run.out.staged("clinvar.vcf.gz")
    if run.all_genes:
        shutil.copyfile(raw, staged)
        shutil.copyfile(index, f"{staged}.tbi")
        records: int | None = None
        missing: list[str] = []
    else:
        header, lines, missing = read_regions(str(raw), index, run.spans, strict=False)
        records = write_slice(staged, header, lines, TabixConf())
        _say_missing("clinvar", missing)
    described = _describe(ClinVarSource, staged)
    os.replace(f"{staged}.tbi", run.out.staged("clinvar.vcf.gz.tbi"))
    entry = _entry("clinvar", "clinvar.vcf.gz", staged, source, raw, verified)
    subset = "whole file" if run.all_genes else {"regions": _regions(run.spans)}
    entry.update(described, index="clinvar.vcf.gz.tbi", records=records,
                 contigs_without_records=missing, subset=subset)  # fmt: skip
    return entry


def _local_index(vcf: Path) -> Path:
    """A tabix index built here from the verified file: a published index could belong to
    another week's file of the same name."""
    index = Path(f"{vcf}.tbi")
    if index.exists() and index.stat().st_mtime >= vcf.stat().st_mtime:
        return index
    # Built under another name and renamed: a kill half-way leaves no index to trust.
    tmp = Path(f"{vcf}.tbi.part")
    try:
        pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True, index=str(tmp))
        os.replace(tmp, index)
    except (OSError, ValueError) as e:
        raise DownloadError(
            f"cannot index it ({e}); expected a bgzipped VCF", path=str(vcf)
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return index


# -- gnomAD and score tables: only the panel regions, read through the remote index


def _sliced(run: _Run, source: Source) -> dict[str, Any]:
    name = f"{source.role}.{'vcf' if '.vcf' in _basename(source.url) else 'tsv'}.gz"
    plan: list[tuple[str, str, Regions]]
    if source.by_chromosome:
        plan = [(source.url_for(c), source.index_for(c), {c: run.spans[c]}) for c in run.spans]
    else:
        plan = [(source.url, source.index_for(""), run.spans)]
    parts, files, missing = [], [], []
    conf = TabixConf()
    keep = info_keys_read if source.role == "gnomad" else None
    for url, index_url, regions in plan:
        part, lacking, conf = _slice(run, source.role, url, index_url, regions,
                                     strict=source.by_chromosome,
                                     keep_info=keep)  # fmt: skip
        parts.append(part)
        missing += lacking
        files.append({"url": url, "index_url": index_url, "regions": _regions(regions)})
    _say_missing(source.role, missing)
    staged = run.out.staged(name)
    records = concatenate(parts, staged, conf)
    described = _describe(GnomadSource, staged) if source.role == "gnomad" else {}
    os.replace(f"{staged}.tbi", run.out.staged(f"{name}.tbi"))
    bed = f"{source.role}.regions.bed"
    # What the slice covers: the panel regions on the contigs the source has. Elsewhere the
    # filter then says "not covered", never "absent from gnomAD" (which is evidence).
    regions_covered = {c: ss for c, ss in run.spans.items() if c not in missing}
    if source.coverage_url:
        # An exome-only source says nothing of the introns it never called.
        calling = run.downloads / source.role / _basename(source.coverage_url)
        if not calling.exists():
            run.fetcher.file(source.coverage_url, calling)
        regions_covered = intersect(regions_covered, read_intervals(calling))
    covered = "".join(f"{c}\t{s - 1}\t{e}\n" for c, spans in regions_covered.items()
                      for s, e in spans)  # fmt: skip
    run.out.add(bed, covered)
    entry = _entry(source.role, name, staged, source, None, None)
    entry["source"]["files"] = files
    if source.coverage_url:
        entry["source"]["coverage_url"] = source.coverage_url
    entry.update(described, index=f"{name}.tbi", covered_regions=bed,
                 covered_regions_sha256=hashlib.sha256(covered.encode()).hexdigest(),
                 records=records,
                 contigs_without_records=missing,
                 subset={"regions": _regions(run.spans)})  # fmt: skip
    return entry


def _slice(
    run: _Run,
    role: str,
    url: str,
    index_url: str,
    regions: Regions,
    *,
    strict: bool,
    keep_info: Callable[[Iterable[str]], set[str]] | None,
) -> tuple[Path, list[str], TabixConf]:
    """One source file's panel regions, kept in ``downloads/`` under a name of the URL, the
    regions and the tool version (which decides the INFO keys kept), with a record of what it
    holds; reused only while that record, its digest and the remote index still agree."""
    folder = run.downloads / role
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(repr((url, sorted((c, list(s)) for c, s in regions.items()),
                             keep_info is not None, __version__)).encode())  # fmt: skip
    part = folder / f"{_basename(url)}.{key.hexdigest()[:12]}.slice.gz"
    record = Path(f"{part}.json")
    index = _remote_index(run, folder, index_url)
    done = _read_record(record)
    if (
        part.exists()
        and done
        and done.get("index") == _stamp(index)
        and done.get("sha256") == sha256sum(part)
    ):
        return part, list(done["missing"]), TabixConf.of(index)
    conf = TabixConf.of(index)
    header, lines, missing = read_regions(url, index, regions, strict=strict, keep_info=keep_info)
    tmp = part.with_name(part.name + ".part")
    try:
        records = write_slice(tmp, header, lines, conf)
        _fsync(tmp)
        os.replace(tmp, part)
    finally:
        for leftover in (tmp, Path(f"{tmp}.tbi")):
            leftover.unlink(missing_ok=True)
    done = {"sha256": sha256sum(part), "records": records, "missing": missing,
            "index": _stamp(index), "url": url}  # fmt: skip
    _write_record(record, done)
    return part, missing, conf


def _remote_index(run: _Run, folder: Path, index_url: str) -> Path:
    """The source's index in ``downloads/``, fetched again when the server's copy changed (its
    size, ETag or date): an index of another release would read the wrong blocks."""
    index = folder / _basename(index_url)
    record = Path(f"{index}.json")
    now = run.fetcher.validators(index_url)
    kept = _read_record(record)
    if index.exists() and kept is not None and kept == now:
        return index
    index.unlink(missing_ok=True)
    run.fetcher.file(index_url, index)
    _write_record(record, now)
    return index


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_record(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(value))
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _say_missing(role: str, contigs: list[str]) -> None:
    if contigs:
        log.warning(f"{role}: no records on {', '.join(contigs)}; the filter will say "
                    "'not covered' there")  # fmt: skip


# -- shared


def _download(run: _Run, source: Source) -> tuple[Path, Checksum | None]:
    """The whole file in ``downloads/``, verified; one already there is checked again against
    the checksum published now (ClinVar's file of the same name changes every week)."""
    name = _basename(source.url)
    dest = run.downloads / name
    checksum = source.checksum
    if checksum is None and source.checksum_url:
        checksum = checksum_from_listing(run.fetcher.text(source.checksum_url), name,
                                         source.checksum_url)  # fmt: skip
    if dest.exists():
        if checksum is None or checksum.of(dest) == checksum.value:
            return dest, checksum
        dest.unlink()  # an older release: fetch the current one
    if checksum is None:
        log.warning(f"{source.url}: no checksum in the sources file; the download is not verified")
    run.fetcher.file(source.url, dest, checksum)
    return dest, checksum


def _entry(role: str, name: str, staged: Path, source: Source, raw: Path | None,
           checksum: Checksum | None) -> dict[str, Any]:  # fmt: skip
    src: dict[str, Any] = {"url": source.url}
    if raw is not None:
        src.update(size=raw.stat().st_size, checksum_url=source.checksum_url,
                   checksum=f"{checksum.algorithm}:{checksum.value}" if checksum else None,
                   verified=checksum is not None)  # fmt: skip
    return {
        "role": role,
        "file": name,
        "size": staged.stat().st_size,
        "sha256": sha256sum(staged),
        "release": source.release,
        "source": src,
    }


def _describe(kind: Callable[..., Any], path: Path) -> dict[str, Any]:
    """Version and date from the file's own header (ClinVar's fileDate, gnomAD's release),
    read while the index is still beside the staged file."""
    with kind(path) as reader:
        described = reader.describe()
    return {"version": described.get("version"), "date": described.get("date")}


def _regions(spans: Regions) -> list[str]:
    return [f"{c}:{s}-{e}" for c, ss in spans.items() for s, e in ss]


def _basename(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _manifest(opts: FetchOptions, panel: Panel, spans: Mapping, entries: list) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "build": opts.build,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": opts.command,
        "tool": "mmpsi-variants",
        "tool_version": __version__,
        "sources": str(Path(opts.sources).resolve())
        if opts.sources
        else "bundled data/sources.yaml",
        "panel": {
            "id": panel.id,
            "version": panel.version,
            "tiers": sorted({g.tier for g in panel.genes}),
            "genes": sorted(g.symbol for g in panel.genes),
        },  # fmt: skip
        "padding": opts.padding,
        "all_genes": opts.all_genes,
        "resources": entries,
    }
