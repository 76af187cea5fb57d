"""``mmpsi-variants reads``: the sample's reads page (see :mod:`mmpsi_variants.report.reads`).

Inputs are checked before anything is sliced: the report's JSON, each BAM and its index, the
family VCF and its index, and every candidate's contig in the reference, each BAM and the VCF
(a missing contig is an error, never an empty track). The page is written whole or not at
all, and igv-reports' working files go to a temporary folder that is always removed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pysam

from mmpsi_variants.core.errors import InputFileError, UsageError
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.outputs import read_json_object
from mmpsi_variants.io.sheet_files import index_of
from mmpsi_variants.io.vcf import VariantFile
from mmpsi_variants.report.igvjs import igv_js_for_page
from mmpsi_variants.report.reads import FLANK, Locus, Track, candidate_loci, reads_html

_INDEXES = {"BAM": ".bai or .csi", "CRAM": ".crai"}


def write_reads_page(
    variants_json: str,
    bams: Sequence[str],
    vcf: str | None,
    reference: str,
    genes: str | None,
    output: str,
    report: str | None = None,
    igv_js: str | None = None,
) -> int:
    """Write the page; returns the number of candidate loci it shows."""
    if not bams:
        raise UsageError("give at least one --bam NAME=PATH (the sample's reads first)")
    doc = _read_doc(variants_json)
    loci = candidate_loci(doc, variants_json)
    _need_contigs(reference, _contigs(reference), loci)
    tracks = [_bam_track(value, loci, reference) for value in bams]
    script = igv_js_for_page(igv_js)  # after the inputs: it may have to fetch igv.js
    with tempfile.TemporaryDirectory(prefix="mmpsi-reads-") as tmp:
        work = Path(tmp)
        if vcf:
            if not Path(vcf).is_file():
                raise InputFileError("no such file; expected a VCF", path=vcf)
            vf = VariantFile(vcf, work, indexed=False)
            try:
                if vf.region_index is None:  # igv-reports slices it through its index
                    raise InputFileError("no index beside it (.tbi or .csi)", path=vcf)
                _need_contigs(vcf, set(vf.header.contigs), loci)
            finally:
                vf.close()
            tracks.append(Track(f"calls ({Path(vcf).name})", vcf, "variant"))
        if genes:
            bed = work / "transcripts.bed"
            bed.write_text(_transcripts_bed(genes, loci))
            tracks.append(Track(f"transcripts ({Path(genes).name})", str(bed), "annotation"))
        page = reads_html(doc, loci, tracks, reference, script, report, work)
        out = Path(output)
        with AtomicOutputs(out.parent) as files:
            files.add(out.name, page)
            files.commit()
    return len(loci)


def _read_doc(path: str) -> dict:
    expected = "the variants JSON of mmpsi-variants filter"
    doc = read_json_object(path, expected)
    if not isinstance(doc.get("variants"), list):
        raise InputFileError(f"expected {expected}", path=path)
    return doc


def _contigs(fasta: str) -> set[str]:
    fai = Path(fasta + ".fai")
    if not Path(fasta).is_file():
        raise InputFileError("no such file; expected the reference FASTA", path=fasta)
    if not fai.is_file():
        raise InputFileError("no .fai index beside it (samtools faidx makes one)", path=fasta)
    return {line.split("\t", 1)[0] for line in fai.read_text().splitlines() if line}


def _need_index(path: str, kind: str) -> None:
    if not Path(path).is_file():
        raise InputFileError(f"no such file; expected a {kind}", path=path)
    if index_of(Path(path)) is None:
        raise InputFileError(f"no index beside it ({_INDEXES[kind]})", path=path)


def _need_contigs(path: str, have: set[str], loci: Sequence[Locus]) -> None:
    for x in loci:
        if x.chrom not in have:
            raise InputFileError(
                f"has no contig {x.chrom}, where candidate {x.label} lies; expected the files "
                "the report was made from",
                path=path,
            )


def _bam_track(value: str, loci: Sequence[Locus], reference: str) -> Track:
    name, sep, path = value.partition("=")
    if not sep or not name or not path:
        raise UsageError(f"--bam {value}: expected NAME=PATH")
    cram = path.endswith(".cram")
    kind = "CRAM" if cram else "BAM"
    _need_index(path, kind)
    try:
        # A CRAM is decoded against the reference (igv-reports slices it to BAM for the page).
        with pysam.AlignmentFile(
            path, "rc" if cram else "rb", reference_filename=reference if cram else None
        ) as bam:
            contigs = set(bam.references)
    except (OSError, ValueError) as exc:
        raise InputFileError(f"cannot read as {kind} ({exc})", path=path) from None
    _need_contigs(path, contigs, loci)
    return Track(name, path, "alignment")


def _transcripts_bed(genes: str, loci: Sequence[Locus]) -> str:
    """BED12 of every transcript that reaches a shown locus, named GENE:TRANSCRIPT."""
    models = load_gene_models(genes)
    rows = []
    for i, g in enumerate(models.outlines()):
        near = [x for x in loci if x.chrom == g.chrom and g.start <= x.end + FLANK
                and g.end >= x.start - FLANK]  # fmt: skip
        if not near:
            continue
        for t in models.gene_at(i).transcripts:
            rows.append(_bed12(g.symbol or g.id, t))
    return "".join(sorted(rows))


def _bed12(symbol: str, t) -> str:
    start, end = t.start - 1, t.end
    exons = sorted(t.exons)
    thick = (min(s for s, _, _ in t.cds) - 1, max(e for _, e, _ in t.cds)) if t.cds else (end, end)
    sizes = ",".join(str(e - s + 1) for s, e in exons)
    starts = ",".join(str(s - 1 - start) for s, _ in exons)
    name = f"{symbol}:{t.versioned_id}" + (":MANE" if t.is_mane_select else "")
    return (f"{t.chrom}\t{start}\t{end}\t{name}\t0\t{t.strand}\t{thick[0]}\t{thick[1]}\t0\t"
            f"{len(exons)}\t{sizes}\t{starts}\n")  # fmt: skip
