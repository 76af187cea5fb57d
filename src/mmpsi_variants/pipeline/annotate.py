"""``mmpsi-variants annotate``: write a VCF whose records carry MMPSI_CSQ, in VEP's layout.

Every record is annotated (no panel restriction): one comma-separated entry per transcript and
ALT allele, pipe-separated fields named in the header's ``Format:`` list, so that
``bcftools +split-vep -a MMPSI_CSQ`` and any VEP-aware tool can read it.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import signal
import struct
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam

from mmpsi_variants.annotation.annotator import CSQ_FIELDS, Annotator
from mmpsi_variants.annotation.sources.lookup import Resources
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.core.record import NOT_ANNOTATED
from mmpsi_variants.core.stops import temporary_folder
from mmpsi_variants.io.commit import AtomicOutputs, disk_full
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.normalize import allele_problem
from mmpsi_variants.io.vcf import VariantFile, record_end, sniff

INFO_ID = "MMPSI_CSQ"


@dataclass
class AnnotateResult:
    records: int
    annotated: int
    ref_mismatches: int
    output: Path


def vep_allele(ref: str, alt: str) -> str:
    """The allele as VEP writes it in CSQ: the ALT without the shared first base, or '-'."""
    if alt.startswith("<") or len(ref) == len(alt) == 1:
        return alt
    if ref and alt and ref[0] == alt[0]:
        return alt[1:] or "-"
    return alt


def header_line(version: str) -> str:
    fields = "|".join(CSQ_FIELDS)
    return (
        f'##INFO=<ID={INFO_ID},Number=.,Type=String,Description="Consequence annotations '
        f'from mmpsi-variants {version}. Format: {fields}">'
    )


# Per-ALT INFO fields written when resources are given: (ID, Type, Description).
RESOURCE_FIELDS = [
    ("MMPSI_gnomAD_AF", "Float", "gnomAD allele frequency of each ALT (. when not found)"),
    ("MMPSI_gnomAD_FAF", "Float", "gnomAD maximum filtering allele frequency of each ALT"),
    ("MMPSI_gnomAD", "String", "gnomAD look-up of each ALT: found, absent, not_covered, "
     "not_looked_up"),
    ("MMPSI_ClinVar", "String", "ClinVar significance of each ALT (. when absent)"),
    ("MMPSI_ClinVar_stars", "Integer", "ClinVar review stars of each ALT"),
    ("MMPSI_REVEL", "Float", "REVEL score of each ALT"),
    ("MMPSI_CADD", "Float", "CADD PHRED score of each ALT"),
    ("MMPSI_SpliceAI", "Float", "largest SpliceAI delta score of each ALT"),
]  # fmt: skip


def _float(value: float) -> str:
    """A Float INFO value as htslib writes it: the 32-bit float BCF holds, in %g form."""
    return f"{struct.unpack('f', struct.pack('f', value))[0]:g}"


def _info_value(value: object) -> str:
    if value is None:
        return "."
    if isinstance(value, float):
        return _float(value)
    return str(value)


def _resource_values(resources: Resources, rec: Any) -> dict[str, list[Any]]:
    """Per-ALT values of the resource fields (None = missing), by allele."""
    out: dict[str, list[Any]] = {name: [] for name, _, _ in RESOURCE_FIELDS}
    for alt in rec.ALT:
        if alt.startswith("<") or alt == "*":
            found = None  # nothing to look up for a symbolic allele: every field missing
        else:
            found = resources.lookup(rec.CHROM, rec.POS, rec.REF, alt, NOT_ANNOTATED)
        pop = found.population if found else {}
        clin = (found.clinvar if found else None) or {}
        scores = found.scores if found else {}
        values = {
            "MMPSI_gnomAD_AF": found.gnomad_af if found else None,
            "MMPSI_gnomAD_FAF": pop.get("faf95_max") if pop.get("status") == "found" else None,
            "MMPSI_gnomAD": pop.get("status"),
            "MMPSI_ClinVar": (clin.get("significance") or "").replace(" ", "_") or None,
            "MMPSI_ClinVar_stars": clin.get("stars"),
            "MMPSI_REVEL": scores.get("revel"),
            "MMPSI_CADD": scores.get("cadd"),
            "MMPSI_SpliceAI": scores.get("spliceai"),
        }
        for name, value in values.items():
            out[name].append(value)
    return out


RESOURCE_KEYS = frozenset(name for name, _, _ in RESOURCE_FIELDS)


@dataclass(frozen=True)
class _Layout:
    """What every output line must look like: the INFO keys this run writes (an earlier run's
    values of them are replaced in place, or dropped), and the header's column count."""

    owned: frozenset[str]
    columns: int
    source: str  # the input, for messages


def _with_info(line: str, added: dict[str, str], layout: _Layout) -> str:
    """The record's VCF line with this run's INFO values; a line whose columns do not match the
    header is an error (htslib passes a short line through without a word)."""
    cols = line.rstrip("\n").split("\t")
    if len(cols) != layout.columns:
        raise VcfError(
            f"expected {layout.columns} tab-separated columns, found {len(cols)}",
            path=layout.source,
            where=f"record {cols[0]}:{cols[1] if len(cols) > 1 else '?'}",
        )
    items = []
    for item in [] if cols[7] == "." else cols[7].split(";"):
        key = item.partition("=")[0]
        if key not in layout.owned:
            items.append(item)
        elif key in added:
            items.append(f"{key}={added.pop(key)}")
        # else: a value of an earlier run that this run does not give is stale: dropped
    items += [f"{key}={value}" for key, value in added.items()]
    cols[7] = ";".join(items) or "."
    return "\t".join(cols) + "\n"


def _annotate_records(
    records: Iterable[Any],
    annotator: Annotator,
    ref: Reference,
    counts: list[int],
    layout: _Layout,
    resources: Resources | None = None,
) -> Iterator[str]:
    """Yield each record's VCF line with MMPSI_CSQ; counts = [records, annotated, mismatches]."""
    for rec in records:
        counts[0] += 1
        problem = allele_problem(rec.REF, rec.ALT)
        if problem:
            raise VcfError(problem, path=layout.source, where=f"record {rec.CHROM}:{rec.POS}")
        entries = []
        alts = rec.ALT
        symbolic = any(a.startswith("<") for a in alts)
        end = record_end(rec) if symbolic else None
        for alt in alts:
            for a in annotator.annotate(rec.CHROM, rec.POS, rec.REF, alt, end):
                values = a.csq_values()
                values[0] = vep_allele(rec.REF, alt)
                entries.append("|".join(values))
        if entries:
            # The REF is read only for records that got an annotation: far from every
            # transcript (most of a genome) there is nothing to protect, and each such record
            # would cost a read of a page of the reference of its own.
            upper = rec.REF.upper()
            actual = ref.fetch(rec.CHROM, rec.POS - 1, rec.POS - 1 + len(upper))
            if actual is not None and actual != upper and "N" not in actual:
                counts[2] += 1  # annotating against the wrong base would mislead
                entries = []
        added = {}
        if entries:
            added[INFO_ID] = ",".join(entries)
            counts[1] += 1
        if resources is not None:
            for name, values in _resource_values(resources, rec).items():
                if any(x is not None for x in values):
                    added[name] = ",".join(_info_value(x) for x in values)
        yield _with_info(str(rec), added, layout)


def layout_of(vf: VariantFile, with_resources: bool) -> _Layout:
    owned = frozenset({INFO_ID} | (RESOURCE_KEYS if with_resources else set()))
    columns = vf.raw_header.rstrip("\n").split("\n")[-1].count("\t") + 1
    return _Layout(owned, columns, str(vf.path))


def output_header(raw_header: str, version: str, with_resources: bool) -> str:
    """The input's header with the INFO lines of what this run writes replaced by this run's
    (an earlier run's resource fields stay when this run looks nothing up)."""
    owned = {INFO_ID} | (RESOURCE_KEYS if with_resources else set())
    ours = [header_line(version)]
    if with_resources:
        ours += [
            f'##INFO=<ID={name},Number=A,Type={kind},Description="{desc}">'
            for name, kind, desc in RESOURCE_FIELDS
        ]
    keep = [
        ln
        for ln in raw_header.rstrip("\n").split("\n")
        if not (ln.startswith("##INFO=<ID=") and ln[11:].split(",", 1)[0] in owned)
    ]
    return "\n".join([*keep[:-1], *ours, keep[-1]]) + "\n"


# Set in the parent before the workers fork, so that they share the loaded gene models.
_WORKER: dict[str, Any] = {}


def _worker_start() -> None:
    """A forked worker must not share the parent's file handles: reads would interleave."""
    w = _WORKER
    # The parent handles a stop and ends its workers; a worker just ends (SIGTERM) or leaves
    # the interrupt to the parent (SIGINT), with no handler of the parent's running twice.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Whatever a worker leaves (temporary resource indexes: a pool's workers end without
    # running their clean-up) stays inside the parent's work folder, which the parent removes.
    tempfile.tempdir = w["work"]
    w["ref"] = Reference(w["ref_path"])
    w["annotator"].reference = w["ref"]
    if w["resource_paths"] is not None:
        gnomad, clinvar, scores = w["resource_paths"]
        w["resources"] = Resources.open(gnomad, clinvar, scores, w["ref"], lambda m: None)


def _annotate_contig(contig: str) -> tuple[str, list[int]]:
    w = _WORKER
    counts = [0, 0, 0]
    records = w["vcf"].scan(contig)  # a handle of the worker's own
    text = "".join(
        _annotate_records(
            records, w["annotator"], w["ref"], counts, w["layout"], w.get("resources")
        )
    )
    return text, counts


def annotate_vcf(
    vcf: str | Path,
    genes: str | Path,
    reference: str | Path,
    output: str | Path,
    version: str,
    threads: int = 1,
    gnomad: str | None = None,
    clinvar: str | None = None,
    scores: dict | None = None,
    warn=None,
) -> AnnotateResult:
    """Annotate every record of ``vcf`` and write ``output`` (bgzipped + indexed if .gz).

    With ``threads`` > 1 the contigs are annotated in parallel by forked worker processes
    (through the VCF's index, built in a temporary directory when missing) and written back in
    the header's order.
    """
    sniff(vcf)
    models = load_gene_models(genes)
    ref = Reference(str(reference))
    annotator = Annotator(models, ref)
    with_resources = bool(gnomad or clinvar or scores)
    resources = (
        Resources.open(gnomad, clinvar, scores or {}, ref, warn or (lambda m: None))
        if with_resources
        else None
    )
    output = Path(output)
    compressed = output.suffix == ".gz"
    outputs = AtomicOutputs(output.parent)  # the VCF and its index are put in place together
    counts = [0, 0, 0]
    # A genome's gene models are millions of tuples that live as long as the run: without this
    # every full collection walks them all again (a third of the run on 100,000 records). Each
    # record then makes a few hundred short-lived objects: collecting the young generation
    # every 20,000 allocations instead of 700 saves about a tenth of the rest.
    thresholds = gc.get_threshold()
    freezing = gc.get_freeze_count() == 0  # a caller's own frozen objects stay frozen
    if freezing:
        gc.freeze()
    gc.set_threshold(20_000, *thresholds[1:])
    try:
        with outputs, temporary_folder("mmpsi-annotate-") as work:
            tmp = outputs.staged(output.name) if compressed else None
            vf = VariantFile(vcf, Path(work), indexed=threads > 1)
            try:
                sink = (
                    # pysam's stub wants an index, which BGZFile takes as optional.
                    pysam.BGZFile(str(tmp), "wb")  # type: ignore[call-arg]
                    if tmp is not None
                    else outputs.binary_writer(output.name)
                )
                with sink as out:
                    out.write(output_header(vf.raw_header, version, with_resources).encode())
                    layout = layout_of(vf, with_resources)
                    if threads > 1:
                        paths = (gnomad, clinvar, scores or {}) if with_resources else None
                        _annotate_parallel(
                            vf, annotator, ref, threads, out, counts, layout, paths, work
                        )
                    else:
                        _annotate_serial(vf, annotator, ref, out, counts, layout, resources)
            except OSError as exc:
                if tmp is not None and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise disk_full(output, tmp.stat().st_size if tmp.exists() else 0) from None
                raise
            finally:
                vf.close()
            if tmp is not None:
                _index(tmp, output)
                os.replace(f"{tmp}.tbi", outputs.staged(f"{output.name}.tbi"))
            outputs.commit()
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()
        if resources is not None:
            resources.close()
        ref.close()
    return AnnotateResult(counts[0], counts[1], counts[2], output)


def _index(staged: Path, output: Path) -> None:
    try:
        pysam.tabix_index(str(staged), preset="vcf", force=True)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(output, staged.stat().st_size) from None
        raise InputFileError(
            f"annotated, but cannot index the output ({exc}); is the input sorted?",
            path=str(output),
        ) from None


def _annotate_serial(
    vf: VariantFile,
    annotator: Annotator,
    ref: Reference,
    out: Any,
    counts: list[int],
    layout: _Layout,
    resources: Resources | None,
) -> None:
    buf = []
    for line in _annotate_records(vf.fetch_all(), annotator, ref, counts, layout, resources):
        buf.append(line)
        if len(buf) >= 2000:
            out.write("".join(buf).encode())
            buf = []
    out.write("".join(buf).encode())


def _contigs_with_records(vf: VariantFile) -> list[str]:
    """The contigs to hand to the workers, in the header's order; a tabix index also lists
    contigs the header lacks."""
    index = vf.region_index
    if index is None or not str(index).endswith(".tbi"):
        return list(vf.header.contigs)
    with pysam.TabixFile(str(vf.data), index=str(index)) as tbx:
        present = set(tbx.contigs)
    contigs = [c for c in vf.header.contigs if c in present]
    return contigs + sorted(present - set(contigs))


def _annotate_parallel(
    vf: VariantFile,
    annotator: Annotator,
    ref: Reference,
    threads: int,
    out: Any,
    counts: list[int],
    layout: _Layout,
    paths: tuple[str | None, str | None, dict[str, str]] | None,
    work: str,
) -> None:
    _WORKER.update(vcf=vf, annotator=annotator, ref_path=ref.path, resource_paths=paths,
                   work=work, layout=layout)  # fmt: skip
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(threads, initializer=_worker_start) as pool:
            for text, c in pool.imap(_annotate_contig, _contigs_with_records(vf)):
                out.write(text.encode())
                for i in range(3):
                    counts[i] += c[i]
    finally:
        _WORKER.clear()
