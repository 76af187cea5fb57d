"""Panel coverage QC: read depth over the coding exons of each panel gene.

Targets are the exons of each panel gene's primary transcript (MANE Select when the gene models
tag it, see :func:`genemodels.primary_transcript`), restricted to their coding part and widened
by a small splice margin on each side. Exons are numbered along the transcript (5' to 3'),
counting non-coding exons too, so that "exon 5" means what it means in HGVS and in the clinic.

Depth at a base counts the reads that cover it with a base (deletions and skips do not count),
leaving out unmapped, secondary, QC-failed and duplicate reads and reads below a mapping quality;
both mates count where they overlap. That is what ``samtools depth -a -Q <min_mapq>`` reports,
and a test holds us to it.

A panel gene that cannot be found in the gene models, or has no transcript there, stops the run
with its name: a gene we cannot place must never show up as "0 of 0 exons below".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mmpsi_variants import __version__
from mmpsi_variants.core.contigs import ContigMap
from mmpsi_variants.core.errors import AlignmentError, InputFileError, PanelError
from mmpsi_variants.io.genemodels import GeneModels, Transcript, primary_transcript
from mmpsi_variants.panel.knowledge import Panel, resolve_gene

log = logging.getLogger("mmpsi_variants")

DEFAULT_SPLICE_MARGIN = 10
DEFAULT_MIN_DEPTH = 20
DEFAULT_MIN_MAPQ = 20
# Copy-number bins: an exon longer than this is cut into equal parts no longer than it, near
# the bin size CNVkit uses for capture targets (267 bp), so one long exon weighs as much as a
# few short ones in segmentation rather than as one.
MAX_BIN = 300
BIN_COLUMNS = ("chromosome", "start", "end", "gene", "exon", "depth", "log2")
# CNVkit's log2 for a bin without reads.
NULL_LOG2 = -20.0
BED_COLUMNS = (
    "chrom",
    "start",
    "end",
    "gene",
    "hgnc_id",
    "transcript",
    "exon",
    "exon_count",
    "strand",
)


@dataclass(frozen=True)
class ExonTarget:
    """The coding part of one exon plus the splice margin; 1-based, inclusive."""

    chrom: str
    start: int
    end: int
    gene: str
    hgnc_id: str
    transcript: str
    exon: int
    exon_count: int
    strand: str

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def label(self) -> str:
        return f"{self.gene} exon {self.exon}/{self.exon_count}"


@dataclass(frozen=True)
class ExonDepth:
    target: ExonTarget
    mean_depth: float
    pct_at_min_depth: float  # percentage of bases with depth >= min_depth
    bases_below: int
    min_observed: int
    # The exon cut into copy-number bins: (start, end, mean depth), 1-based inclusive.
    bins: tuple[tuple[int, int, float], ...] = ()

    @property
    def below(self) -> bool:
        return self.bases_below > 0


def transcript_targets(t: Transcript, symbol: str, hgnc_id: str, margin: int) -> list[ExonTarget]:
    """Coding part of each exon of ``t`` plus ``margin`` bases on each side."""
    exons = sorted(t.exons)
    n = len(exons)
    out = []
    for i, (es, ee) in enumerate(exons):
        number = i + 1 if t.strand != "-" else n - i
        if t.cds:
            pieces = [(max(es, cs), min(ee, ce)) for cs, ce, _ in t.cds if cs <= ee and ce >= es]
            if not pieces:
                continue  # an untranslated exon
            start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
        else:
            start, end = es, ee  # a non-coding primary transcript: its whole exons
        out.append(
            ExonTarget(
                t.chrom,
                max(1, start - margin),
                end + margin,
                symbol,
                hgnc_id,
                t.versioned_id,
                number,
                n,
                t.strand,
            )
        )
    return sorted(out, key=lambda x: x.exon)


def panel_targets(
    panel: Panel, models: GeneModels, splice_margin: int = DEFAULT_SPLICE_MARGIN
) -> list[ExonTarget]:
    """Targets for every panel gene; raises :class:`PanelError` naming genes we cannot place."""
    missing, no_transcript, targets = [], [], []
    for pg in panel.genes:
        gene = resolve_gene(pg, models)
        if gene is None:
            missing.append(f"{pg.symbol} ({pg.hgnc_id})")
            continue
        t = primary_transcript(gene, pg.preferred_transcripts)
        if t is None or not t.exons:
            no_transcript.append(f"{pg.symbol} ({gene.id})")
            continue
        targets += transcript_targets(t, pg.symbol, pg.hgnc_id, splice_margin)
    if missing:
        raise PanelError(
            "panel gene(s) not found in the gene models by HGNC ID, Ensembl ID, symbol or alias: "
            f"{', '.join(missing)}; coverage cannot be measured for a gene that cannot be placed",
            path=models.path,
        )
    if no_transcript:
        raise PanelError(
            f"panel gene(s) with no transcript or exon in the gene models: "
            f"{', '.join(no_transcript)}; expected exon lines for each panel gene",
            path=models.path,
        )
    return targets


def targets_bed(targets: list[ExonTarget]) -> str:
    """Targets as BED (0-based start) with gene, HGNC ID, transcript, exon, exon count, strand."""
    lines = ["#" + "\t".join(BED_COLUMNS)]
    for t in sorted(targets, key=lambda t: (t.chrom, t.start, t.gene)):
        lines.append(
            f"{t.chrom}\t{t.start - 1}\t{t.end}\t{t.gene}\t{t.hgnc_id}\t{t.transcript}"
            f"\t{t.exon}\t{t.exon_count}\t{t.strand}"
        )
    return "\n".join(lines) + "\n"


def read_targets_bed(path: str | Path) -> list[ExonTarget]:
    """Read targets written by :func:`targets_bed`."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError("file not found; expected a targets BED", path=str(path))
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            cols = line.rstrip("\n").split("\t")
            try:
                if len(cols) != len(BED_COLUMNS):
                    raise ValueError
                out.append(
                    ExonTarget(
                        cols[0],
                        int(cols[1]) + 1,
                        int(cols[2]),
                        cols[3],
                        cols[4],
                        cols[5],
                        int(cols[6]),
                        int(cols[7]),
                        cols[8],
                    )
                )
            except ValueError:
                raise InputFileError(
                    f"expected {len(BED_COLUMNS)} tab-separated columns "
                    f"({', '.join(BED_COLUMNS)}) as written by `mmpsi-variants targets`",
                    path=str(path),
                    where=f"line {lineno}",
                ) from None
    if not out:
        raise InputFileError("no targets in the file", path=str(path))
    return out


def _open_alignments(path: str | Path, reference: str | None):
    import pysam

    from mmpsi_variants.io.htslib import captured_stderr

    path = str(path)
    if not Path(path).is_file():
        raise AlignmentError("file not found; expected a BAM or CRAM file", path=path)
    try:
        with captured_stderr():
            af = pysam.AlignmentFile(path, reference_filename=reference)
            af.check_truncation()  # a BAM/CRAM cut short: one line, before any depth
    except (OSError, ValueError) as exc:
        raise AlignmentError(f"cannot read as BAM/CRAM ({exc})", path=path) from None
    if not af.has_index():
        af.close()
        raise AlignmentError("no index found; run samtools index on it", path=path)
    return af


def measure(
    alignments: str | Path,
    targets: list[ExonTarget],
    *,
    min_depth: int = DEFAULT_MIN_DEPTH,
    min_mapq: int = DEFAULT_MIN_MAPQ,
    reference: str | None = None,
) -> tuple[list[ExonDepth], list[str]]:
    """Depth over each target; returns the results and warnings."""
    skip_flags = 0x4 | 0x100 | 0x200 | 0x400  # unmapped, secondary, QC fail, duplicate

    def keep(read) -> bool:
        return not (read.flag & skip_flags) and read.mapping_quality >= min_mapq

    warnings: list[str] = []
    af = _open_alignments(alignments, reference)
    try:
        contigs = ContigMap(af.references)
        contigs.require_overlap(
            [t.chrom for t in targets],
            what="panel targets'",
            path=str(alignments),
            target=f"the alignments {alignments}",
        )
        absent = sorted({t.gene for t in targets if contigs.get(t.chrom) is None})
        if absent:
            warnings.append(
                f"the alignments have no contig for panel gene(s) {', '.join(absent)}; "
                "their exons are reported with depth 0"
            )
        out = []
        for t in targets:
            name = contigs.get(t.chrom)
            if name is None:
                depth = np.zeros(t.length, dtype=np.int64)
            else:
                try:
                    acgt = af.count_coverage(
                        name, t.start - 1, t.end, quality_threshold=0, read_callback=keep
                    )
                except (OSError, ValueError) as exc:  # a truncated or damaged BAM/CRAM
                    raise AlignmentError(
                        f"cannot read the reads of {t.gene} exon {t.exon} ({exc}); the file "
                        "may be truncated",
                        path=str(alignments),
                    ) from None
                depth = np.sum(np.asarray(acgt, dtype=np.int64), axis=0)
            below = int((depth < min_depth).sum())
            cuts = np.linspace(0, len(depth), -(-len(depth) // MAX_BIN) + 1).round().astype(int)
            bins = tuple(
                (t.start + int(a), t.start + int(b) - 1, round(float(depth[a:b].mean()), 2))
                for a, b in zip(cuts[:-1], cuts[1:], strict=True)
            )
            out.append(
                ExonDepth(
                    t,
                    round(float(depth.mean()), 2),
                    round(100.0 * (len(depth) - below) / len(depth), 2),
                    below,
                    int(depth.min()),
                    bins,
                )
            )
    finally:
        af.close()
    return out, warnings


TSV_COLUMNS = (
    "sample",
    "gene",
    "hgnc_id",
    "transcript",
    "exon",
    "chrom",
    "start",
    "end",
    "length",
    "mean_depth",
    "pct_at_min_depth",
    "bases_below_min_depth",
    "min_depth_observed",
    "status",
)


def report(
    sample: str, results: list[ExonDepth], settings: dict, warnings: list[str], inputs: list
) -> tuple[str, dict]:
    """(TSV text, JSON document) of a coverage run."""
    rows = ["\t".join(TSV_COLUMNS)]
    for r in results:
        t = r.target
        rows.append(
            "\t".join(
                str(x)
                for x in (
                    sample,
                    t.gene,
                    t.hgnc_id,
                    t.transcript,
                    f"{t.exon}/{t.exon_count}",
                    t.chrom,
                    t.start,
                    t.end,
                    t.length,
                    f"{r.mean_depth:.2f}",
                    f"{r.pct_at_min_depth:.2f}",
                    r.bases_below,
                    r.min_observed,
                    "below" if r.below else "ok",
                )
            )
        )
    genes: dict[str, list[ExonDepth]] = {}
    for r in results:
        genes.setdefault(r.target.gene, []).append(r)
    doc = {
        "sample": sample,
        "tool": "mmpsi-variants",
        "tool_version": __version__,
        "inputs": inputs,
        "settings": settings,
        "summary": _summary(results),
        "genes": [
            {
                "gene": g,
                "hgnc_id": rs[0].target.hgnc_id,
                "transcript": rs[0].target.transcript,
                **_summary(rs),
            }
            for g, rs in genes.items()
        ],
        "exons": [_exon_json(r) for r in results],
        "exons_below": [_exon_json(r) for r in results if r.below],
        "warnings": warnings,
    }
    return "\n".join(rows) + "\n", doc


def bins_tsv(results: list[ExonDepth]) -> str:
    """The copy-number bins as a CNVkit coverage table (.cnn: 0-based starts, log2 of the mean
    depth, -20 for none as CNVkit writes it) with the HGVS exon number added."""
    rows = ["\t".join(BIN_COLUMNS)]
    for r in results:
        t = r.target
        for start, end, depth in r.bins:
            log2 = f"{np.log2(depth):.4f}" if depth > 0 else f"{NULL_LOG2:g}"
            rows.append(f"{t.chrom}\t{start - 1}\t{end}\t{t.gene}\t{t.exon}\t{depth:.2f}\t{log2}")
    return "\n".join(rows) + "\n"


def _summary(rs: list[ExonDepth]) -> dict:
    bases = sum(r.target.length for r in rs)
    below = sum(r.bases_below for r in rs)
    return {
        "exons": len(rs),
        "exons_below": sum(1 for r in rs if r.below),
        "bases": bases,
        "mean_depth": round(sum(r.mean_depth * r.target.length for r in rs) / bases, 2)
        if bases
        else None,
        "pct_at_min_depth": round(100.0 * (bases - below) / bases, 2) if bases else None,
    }


def _exon_json(r: ExonDepth) -> dict:
    t = r.target
    return {
        "gene": t.gene,
        "hgnc_id": t.hgnc_id,
        "transcript": t.transcript,
        "exon": t.exon,
        "exon_count": t.exon_count,
        "chrom": t.chrom,
        "start": t.start,
        "end": t.end,
        "length": t.length,
        "mean_depth": r.mean_depth,
        "pct_at_min_depth": r.pct_at_min_depth,
        "bases_below_min_depth": r.bases_below,
        "min_depth_observed": r.min_observed,
    }
