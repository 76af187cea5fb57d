"""``mmpsi-variants annotate``: write a VCF whose records carry MMPSI_CSQ, in VEP's layout.

Every record is annotated (no panel restriction): one comma-separated entry per transcript and
ALT allele, pipe-separated fields named in the header's ``Format:`` list, so that
``bcftools +split-vep -a MMPSI_CSQ`` and any VEP-aware tool can read it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pysam

from .annotator import CSQ_FIELDS, Annotator
from .errors import InputFileError, VcfError
from .genemodels import load_gene_models
from .normalize import Reference
from .vcf_io import captured_stderr, sniff

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


def annotate_vcf(
    vcf: str | Path, genes: str | Path, reference: str | Path, output: str | Path, version: str
) -> AnnotateResult:
    """Annotate every record of ``vcf`` and write ``output`` (bgzipped + indexed if .gz)."""
    sniff(vcf)
    models = load_gene_models(genes)
    ref = Reference(str(reference))
    annotator = Annotator(models, ref)
    output = Path(output)
    compressed = output.suffix == ".gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    os.close(fd)
    n = annotated = mismatches = 0
    last = "the header"
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
        with src, pysam.VariantFile(tmp, "wz" if compressed else "w", header=header) as out:
            try:
                for rec in src:
                    last = f"{rec.chrom}:{rec.pos}"
                    n += 1
                    entries = []
                    upper = rec.ref.upper()
                    actual = ref.fetch(rec.chrom, rec.pos - 1, rec.pos - 1 + len(upper))
                    if actual is not None and actual != upper and "N" not in actual:
                        mismatches += 1  # annotating against the wrong base would mislead
                    else:
                        end = (
                            rec.stop
                            if any((a or "").startswith("<") for a in rec.alts or ())
                            else None
                        )
                        for alt in rec.alts or ():
                            for a in annotator.annotate(rec.chrom, rec.pos, rec.ref, alt, end):
                                values = a.csq_values()
                                values[0] = vep_allele(rec.ref, alt)
                                entries.append("|".join(values))
                    rec.translate(header)
                    if entries:
                        rec.info[INFO_ID] = tuple(entries)
                        annotated += 1
                    out.write(rec)
            except (OSError, ValueError) as exc:
                raise VcfError(
                    f"cannot read the record after {last} ({exc}); expected valid VCF records",
                    path=str(vcf),
                    where=f"near {last}",
                ) from None
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
    return AnnotateResult(n, annotated, mismatches, output)
