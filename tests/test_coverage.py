"""Panel coverage QC: targets from the gene models, depth checked against samtools depth."""

from __future__ import annotations

import json
import random
import re
import subprocess

import pysam
import pytest

from mmpsi_variants.panel.knowledge import load_panel
from mmpsi_variants.panel.regions import load_panel_models
from mmpsi_variants.qc.coverage import (
    ExonTarget,
    measure,
    panel_targets,
    read_targets_bed,
    targets_bed,
)

from .conftest import DEMO, needs_tool

PANEL = load_panel()


@pytest.fixture(scope="module")
def demo_targets():
    return panel_targets(PANEL, load_panel_models(DEMO / "genes.gff3", PANEL), 10)


def _readme_exon_counts() -> dict[str, int]:
    """Exon counts of the MANE transcripts, from the demo README's gene table."""
    counts = {}
    for line in (DEMO / "README.md").read_text().splitlines():
        cols = [c.strip() for c in line.strip("|").split("|")]
        if len(cols) == 10 and re.fullmatch(r"HGNC:\d+", cols[1]):
            counts[cols[0]] = int(cols[6])
    return counts


def _gff_cds(transcript: str) -> list[tuple[int, int]]:
    """CDS pieces of one transcript, read straight from the GFF3 (not through our parser)."""
    out = []
    for line in (DEMO / "genes.gff3").read_text().splitlines():
        cols = line.split("\t")
        if len(cols) == 9 and cols[2] == "CDS" and f"Parent=transcript:{transcript}" in cols[8]:
            out.append((int(cols[3]), int(cols[4])))
    return sorted(out)


def test_every_panel_gene_has_targets_with_the_readme_exon_count(demo_targets):
    counts = _readme_exon_counts()
    assert len(counts) == len(PANEL.genes) == 30
    by_gene = {}
    for t in demo_targets:
        by_gene.setdefault(t.gene, []).append(t)
    assert set(by_gene) == set(counts)
    for gene, ts in by_gene.items():
        assert {t.exon_count for t in ts} == {counts[gene]}, gene
        assert len(ts) <= counts[gene]
        assert len({t.exon for t in ts}) == len(ts)


@pytest.mark.parametrize(
    "gene,transcript", [("SCN1A", "ENST00000674923"), ("KCNT1", "ENST00000371757")]
)
def test_targets_are_the_cds_plus_margin(demo_targets, gene, transcript):
    ts = sorted((t for t in demo_targets if t.gene == gene), key=lambda t: t.start)
    cds = _gff_cds(transcript)
    assert [(t.start + 10, t.end - 10) for t in ts] == cds
    assert all(t.transcript.startswith(transcript) for t in ts)


def test_exons_are_numbered_5_prime_to_3_prime(demo_targets):
    scn1a = sorted((t for t in demo_targets if t.gene == "SCN1A"), key=lambda t: t.start)
    assert scn1a[0].strand == "-"
    numbers = [t.exon for t in scn1a]
    assert numbers == sorted(numbers, reverse=True)  # minus strand: exon 1 is rightmost
    kcnt1 = sorted((t for t in demo_targets if t.gene == "KCNT1"), key=lambda t: t.start)
    assert [t.exon for t in kcnt1] == sorted(t.exon for t in kcnt1)


def test_targets_bed_round_trip(tmp_path, demo_targets):
    path = tmp_path / "t.bed"
    path.write_text(targets_bed(demo_targets))
    assert sorted(read_targets_bed(path), key=lambda t: (t.chrom, t.start)) == sorted(
        demo_targets, key=lambda t: (t.chrom, t.start)
    )


def _without_gene(tmp_path, gene_id: str, keep_gene_line: bool):
    """The demo GFF3 without one gene's features (optionally keeping its gene line)."""
    lines, transcripts = [], set()
    for line in (DEMO / "genes.gff3").read_text().splitlines():
        cols = line.split("\t")
        if len(cols) == 9 and f"Parent=gene:{gene_id}" in cols[8]:
            transcripts.add(re.search(r"ID=transcript:([^;]+)", cols[8]).group(1))
    for line in (DEMO / "genes.gff3").read_text().splitlines():
        cols = line.split("\t")
        if len(cols) == 9:
            is_gene = f"ID=gene:{gene_id}" in cols[8]
            child = any(f"Parent=transcript:{t}" in cols[8] for t in transcripts)
            if child or f"Parent=gene:{gene_id}" in cols[8] or (is_gene and not keep_gene_line):
                continue
        lines.append(line)
    out = tmp_path / "genes.gff3"
    out.write_text("\n".join(lines) + "\n")
    return out


@pytest.mark.parametrize(
    "keep_gene_line,words",
    [
        (
            False,
            "panel gene(s) not found in the gene models by HGNC ID, Ensembl ID, symbol or "
            "alias: KCNT1 (HGNC:18865)",
        ),
        (True, "panel gene(s) with no transcript or exon in the gene models: KCNT1"),
    ],
)
def test_a_panel_gene_missing_from_the_models_stops_with_its_name(
    tmp_path, run, keep_gene_line, words
):
    genes = _without_gene(tmp_path, "ENSG00000107147", keep_gene_line)
    result = run("targets", "--genes", genes)
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    bam = tmp_path / "x.bam"
    _write_bam(bam, [])
    result = run("coverage", bam, "--genes", genes, "-o", tmp_path / "cov")
    assert result.exit_code == 2 and words in result.stderr
    assert not list(tmp_path.glob("cov*"))


# -- depth against samtools depth ------------------------------------------------------------

CONTIG_LEN = 3000


def _write_bam(path, reads):
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "chrT", "LN": CONTIG_LEN}],
        "RG": [{"ID": "rg", "SM": "S1"}],
    }
    rng = random.Random("coverage-oracle")
    with pysam.AlignmentFile(str(path) + ".unsorted.bam", "wb", header=header) as out:
        for i, (pos, cigar, flag, mapq) in enumerate(reads):
            a = pysam.AlignedSegment(out.header)
            a.query_name = f"r{i // 2}" if flag & 1 else f"s{i}"
            a.reference_id = 0
            a.reference_start = pos
            a.cigarstring = cigar
            a.flag = flag
            a.mapping_quality = mapq
            qlen = a.query_length or sum(int(n) for n, op in re.findall(r"(\d+)([MIS=X])", cigar))
            a.query_sequence = "".join(rng.choice("ACGT") for _ in range(qlen))
            a.query_qualities = pysam.qualitystring_to_array("I" * qlen)
            a.set_tag("RG", "rg")
            out.write(a)
    pysam.sort("-o", str(path), str(path) + ".unsorted.bam")
    pysam.index(str(path))


def _oracle_reads():
    """Reads exercising every counting rule: flags, MAPQ, deletions, clips, overlapping mates."""
    rng = random.Random("oracle-reads")
    reads = []
    for _ in range(400):
        reads.append((rng.randrange(0, CONTIG_LEN - 120), "100M", 0, 60))
    reads += [(rng.randrange(0, 2800), "100M", 0x400, 60) for _ in range(30)]  # duplicates
    reads += [(rng.randrange(0, 2800), "100M", 0x100, 60) for _ in range(30)]  # secondary
    reads += [(rng.randrange(0, 2800), "100M", 0x200, 60) for _ in range(30)]  # QC fail
    reads += [(rng.randrange(0, 2800), "100M", 0, rng.choice((0, 5, 19))) for _ in range(40)]
    reads += [(rng.randrange(0, 2800), "40M10D50M", 0, 60) for _ in range(40)]  # deletions
    reads += [(rng.randrange(0, 2800), "10S80M10S", 0, 60) for _ in range(40)]  # soft clips
    reads += [(rng.randrange(0, 2800), "50M3I47M", 0, 60) for _ in range(40)]  # insertions
    reads += [(rng.randrange(0, 2800), "30M500N70M", 0, 60) for _ in range(10)]  # spliced
    for _ in range(40):  # overlapping mates: both count, as in samtools depth by default
        p = rng.randrange(0, 2700)
        reads.append((p, "100M", 0x1 | 0x2 | 0x20 | 0x40, 60))
        reads.append((p + 50, "100M", 0x1 | 0x2 | 0x10 | 0x80, 60))
    return reads


def _target(start, end, exon):
    return ExonTarget("chrT", start, end, "GENE", "HGNC:1", "T1", exon, 9, "+")


TARGETS = [_target(1, 60, 1), _target(200, 450, 2), _target(1200, 1340, 3), _target(2900, 3000, 4)]


@needs_tool("samtools")
@pytest.mark.parametrize("min_mapq,min_depth", [(20, 20), (0, 25), (60, 5)])
def test_depth_agrees_with_samtools_depth(tmp_path, min_mapq, min_depth):
    bam = tmp_path / "oracle.bam"
    _write_bam(bam, _oracle_reads())
    results, warnings = measure(bam, TARGETS, min_depth=min_depth, min_mapq=min_mapq)
    assert warnings == []
    for r in results:
        t = r.target
        out = subprocess.run(
            ["samtools", "depth", "-a", "-Q", str(min_mapq), "-r", f"chrT:{t.start}-{t.end}", bam],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        depths = [int(line.split("\t")[2]) for line in out.splitlines()]
        assert len(depths) == t.length
        assert r.mean_depth == pytest.approx(sum(depths) / len(depths), abs=0.005)
        assert r.bases_below == sum(1 for d in depths if d < min_depth)
        assert r.min_observed == min(depths)
        assert r.below == (min(depths) < min_depth)


def test_coverage_command_writes_tsv_and_json(tmp_path, run):
    bam = tmp_path / "s.bam"
    _write_bam(bam, _oracle_reads())
    bed = tmp_path / "t.bed"
    bed.write_text(targets_bed(TARGETS))
    result = run("coverage", bam, "--targets", bed, "--min-depth", "20", "-o", tmp_path / "S1.cov")
    assert result.exit_code == 0, result.stderr
    doc = json.loads((tmp_path / "S1.cov.json").read_text())
    assert doc["sample"] == "S1"  # from the read group
    assert doc["summary"]["exons"] == 4
    below = [e["exon"] for e in doc["exons"] if e["bases_below_min_depth"]]
    assert [e["exon"] for e in doc["exons_below"]] == below
    assert below, "the contig ends are covered thinly, so some exon must be below 20x"
    rows = (tmp_path / "S1.cov.tsv").read_text().splitlines()
    assert rows[0].split("\t")[:5] == ["sample", "gene", "hgnc_id", "transcript", "exon"]
    assert len(rows) == 5
    assert {r.split("\t")[-1] for r in rows[1:]} <= {"ok", "below"}


def test_coverage_errors_are_one_line(tmp_path, run):
    bam = tmp_path / "noindex.bam"
    _write_bam(bam, [])
    bam.with_suffix(".bam.bai").unlink()
    bed = tmp_path / "t.bed"
    bed.write_text(targets_bed(TARGETS))
    result = run("coverage", bam, "--targets", bed, "-o", tmp_path / "x")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"mmpsi-variants: error: {bam}: no index found; run samtools index on it"
    )
    bed.write_text("chrT\t1\t100\n")
    result = run("coverage", tmp_path / "noindex.bam", "--targets", bed, "-o", tmp_path / "x")
    assert result.exit_code == 2 and f"{bed}: line 1: expected 9 tab-separated" in result.stderr
