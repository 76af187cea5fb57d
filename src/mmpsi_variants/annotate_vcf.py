"""``mmpsi-variants annotate``: write a VCF whose records carry MMPSI_CSQ, in VEP's layout.

Every record is annotated (no panel restriction): one comma-separated entry per transcript and
ALT allele, pipe-separated fields named in the header's ``Format:`` list, so that
``bcftools +split-vep -a MMPSI_CSQ`` and any VEP-aware tool can read it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pysam

from .annotator import CSQ_FIELDS, Annotator
from .errors import InputFileError, VcfError
from .genemodels import load_gene_models
from .normalize import Reference
from .vcf_io import captured_stderr, prepare_indexed, sniff

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


def _annotate_records(records, header, annotator: Annotator, ref: Reference, counts: list):
    """Yield each record's VCF line with MMPSI_CSQ; counts = [records, annotated, mismatches]."""
    for rec in records:
        counts[0] += 1
        entries = []
        upper = rec.ref.upper()
        actual = ref.fetch(rec.chrom, rec.pos - 1, rec.pos - 1 + len(upper))
        if actual is not None and actual != upper and "N" not in actual:
            counts[2] += 1  # annotating against the wrong base would mislead
        else:
            symbolic = any((a or "").startswith("<") for a in rec.alts or ())
            end = rec.stop if symbolic else None
            for alt in rec.alts or ():
                for a in annotator.annotate(rec.chrom, rec.pos, rec.ref, alt, end):
                    values = a.csq_values()
                    values[0] = vep_allele(rec.ref, alt)
                    entries.append("|".join(values))
        rec.translate(header)
        if entries:
            rec.info[INFO_ID] = tuple(entries)
            counts[1] += 1
        yield str(rec)


# Set in the parent before the workers fork, so that they share the loaded gene models.
_WORKER: dict = {}


def _worker_start() -> None:
    """A forked worker must not share the parent's FASTA handle: reads would interleave."""
    w = _WORKER
    w["ref"] = Reference(w["ref_path"])
    w["annotator"].reference = w["ref"]


def _annotate_contig(contig: str) -> tuple[str, list[int]]:
    w = _WORKER
    counts = [0, 0, 0]
    with pysam.VariantFile(w["data"], index_filename=w["index"]) as src:
        text = "".join(
            _annotate_records(src.fetch(contig), w["header"], w["annotator"], w["ref"], counts)
        )
    return text, counts


def annotate_vcf(
    vcf: str | Path,
    genes: str | Path,
    reference: str | Path,
    output: str | Path,
    version: str,
    threads: int = 1,
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
    output = Path(output)
    compressed = output.suffix == ".gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    os.close(fd)
    counts = [0, 0, 0]
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
        opener = pysam.BGZFile if compressed else open
        with src, opener(tmp, "wb") as out:
            out.write(str(header).encode())
            if threads > 1:
                _annotate_parallel(vcf, header, annotator, ref, threads, out, counts)
            else:
                _annotate_serial(vcf, src, header, annotator, ref, out, counts)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
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


def _annotate_serial(vcf, src, header, annotator, ref, out, counts) -> None:
    last = ["the header"]

    def records():
        for rec in src:
            last[0] = f"{rec.chrom}:{rec.pos}"
            yield rec

    try:
        buf = []
        for line in _annotate_records(records(), header, annotator, ref, counts):
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


def _annotate_parallel(vcf, header, annotator, ref, threads, out, counts) -> None:
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
                       ref_path=ref.path)  # fmt: skip
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
