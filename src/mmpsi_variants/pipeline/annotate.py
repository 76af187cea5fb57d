"""``mmpsi-variants annotate``: write a VCF whose records carry MMPSI_CSQ, in VEP's layout.

Every record is annotated (no panel restriction): one comma-separated entry per transcript and
ALT allele, pipe-separated fields named in the header's ``Format:`` list, so that
``bcftools +split-vep -a MMPSI_CSQ`` and any VEP-aware tool can read it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pysam

from mmpsi_variants.annotation.annotator import CSQ_FIELDS, Annotator
from mmpsi_variants.annotation.sources.lookup import Resources
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.core.record import NOT_ANNOTATED
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.htslib import captured_stderr
from mmpsi_variants.io.normalize import Reference
from mmpsi_variants.io.outputs import temporary_beside
from mmpsi_variants.io.vcf import prepare_indexed, sniff

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


def _resource_values(resources, rec) -> dict[str, list]:
    """Per-ALT values of the resource fields ('.' = missing), by allele."""
    out: dict[str, list] = {name: [] for name, _, _ in RESOURCE_FIELDS}
    for alt in rec.alts or ():
        if alt.startswith("<") or alt == "*":
            found = None  # nothing to look up for a symbolic allele: every field missing
        else:
            found = resources.lookup(rec.chrom, rec.pos, rec.ref, alt, NOT_ANNOTATED)
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


def _annotate_records(records, header, annotator: Annotator, ref: Reference, counts: list,
                      resources=None):  # fmt: skip
    """Yield each record's VCF line with MMPSI_CSQ; counts = [records, annotated, mismatches]."""
    for rec in records:
        counts[0] += 1
        entries = []
        symbolic = any((a or "").startswith("<") for a in rec.alts or ())
        end = rec.stop if symbolic else None
        for alt in rec.alts or ():
            for a in annotator.annotate(rec.chrom, rec.pos, rec.ref, alt, end):
                values = a.csq_values()
                values[0] = vep_allele(rec.ref, alt)
                entries.append("|".join(values))
        if entries:
            # The REF is read only for records that got an annotation: far from every
            # transcript (most of a genome) there is nothing to protect, and each such record
            # would cost a read of a page of the reference of its own.
            upper = rec.ref.upper()
            actual = ref.fetch(rec.chrom, rec.pos - 1, rec.pos - 1 + len(upper))
            if actual is not None and actual != upper and "N" not in actual:
                counts[2] += 1  # annotating against the wrong base would mislead
                entries = []
        rec.translate(header)
        if entries:
            rec.info[INFO_ID] = tuple(entries)
            counts[1] += 1
        if resources is not None:
            for name, values in _resource_values(resources, rec).items():
                if any(x is not None for x in values):
                    rec.info[name] = tuple(values)
        yield str(rec)


# Set in the parent before the workers fork, so that they share the loaded gene models.
_WORKER: dict = {}


def _worker_start() -> None:
    """A forked worker must not share the parent's file handles: reads would interleave."""
    w = _WORKER
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
    with pysam.VariantFile(w["data"], index_filename=w["index"]) as src:
        text = "".join(
            _annotate_records(
                src.fetch(contig), w["header"], w["annotator"], w["ref"], counts, w.get("resources")
            )  # fmt: skip
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
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(output)
    os.close(fd)
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
        with captured_stderr() as err:
            try:
                src = pysam.VariantFile(str(vcf))
            except (OSError, ValueError):
                src = None
        if src is None:
            raise VcfError(
                f"cannot read the header ({err['text'] or 'htslib failed'}); expected a VCF",
                path=str(vcf),
            )
        header = src.header.copy()
        if INFO_ID in header.info:
            header.info.remove_header(INFO_ID)
        header.add_line(header_line(version))
        if with_resources:
            for name, kind, desc in RESOURCE_FIELDS:
                if name in header.info:
                    header.info.remove_header(name)
                header.add_line(f'##INFO=<ID={name},Number=A,Type={kind},Description="{desc}">')
        opener = pysam.BGZFile if compressed else open
        # pysam's stub wants a str path and an index, which BGZFile takes as optional.
        with src, opener(tmp, "wb") as out:  # type: ignore[call-arg, arg-type]
            out.write(str(header).encode())
            paths = (gnomad, clinvar, scores or {}) if with_resources else None
            if threads > 1:
                _annotate_parallel(vcf, header, annotator, ref, threads, out, counts, paths)
            else:
                _annotate_serial(vcf, src, header, annotator, ref, out, counts, resources)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()
        if resources is not None:
            resources.close()
        ref.close()
    if compressed:
        try:
            pysam.tabix_index(str(output), preset="vcf", force=True)
        except OSError as exc:
            raise InputFileError(
                f"annotated, but cannot index the output ({exc}); is the input sorted?",
                path=str(output),
            ) from None
    return AnnotateResult(counts[0], counts[1], counts[2], output)


def _annotate_serial(vcf, src, header, annotator, ref, out, counts, resources) -> None:
    last = ["the header"]

    def records():
        for rec in src:
            last[0] = f"{rec.chrom}:{rec.pos}"
            yield rec

    try:
        buf = []
        for line in _annotate_records(records(), header, annotator, ref, counts, resources):
            buf.append(line)
            if len(buf) >= 2000:
                out.write("".join(buf).encode())
                buf = []
        out.write("".join(buf).encode())
    except (OSError, ValueError) as exc:
        raise VcfError(
            f"cannot read the record after {last[0]} ({exc}); expected valid VCF records",
            path=str(vcf),
            where=f"near {last[0]}",
        ) from None


def _annotate_parallel(vcf, header, annotator, ref, threads, out, counts, paths) -> None:
    with tempfile.TemporaryDirectory(prefix="mmpsi-annotate-") as work:
        data, index = prepare_indexed(vcf, Path(work))
        with (
            pysam.TabixFile(str(data), index=str(index))
            if str(index).endswith(".tbi")
            else (contextlib.nullcontext(None)) as tbx
        ):
            present = set(tbx.contigs) if tbx is not None else None
        contigs = [c for c in header.contigs if present is None or c in present]
        if present is not None:
            contigs += sorted(present - set(contigs))
        _WORKER.update(data=str(data), index=str(index), header=header, annotator=annotator,
                       ref_path=ref.path, resource_paths=paths, work=work)  # fmt: skip
        try:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(threads, initializer=_worker_start) as pool:
                for text, c in pool.imap(_annotate_contig, contigs):
                    out.write(text.encode())
                    for i in range(3):
                        counts[i] += c[i]
        except (OSError, ValueError) as exc:
            raise VcfError(f"cannot read the records ({exc}); expected valid VCF records",
                           path=str(vcf)) from None  # fmt: skip
        finally:
            _WORKER.clear()
