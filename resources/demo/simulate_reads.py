#!/usr/bin/env python3
"""Simulate paired-end FASTQ for the demo samples from the demo genome and the planted calls.

SYNTHETIC DATA. Each sample's haplotypes are built from ``genome.fa`` and the genotypes that
``demo.vcf.gz`` plants for it, so the reads and the demo calls agree by construction:

- autosomes carry two haplotypes; a male's chrX carries one (the demo genome has no
  pseudoautosomal region and no chrY);
- a heterozygous genotype on a male's chrX cannot be germline, so it is simulated as a somatic
  mosaic: the single X is split into a reference and an alternative cell population, the
  alternative one with the allele fraction the VCF's AD gives (EIMFS07's PCDH19 stop: 9/49);
- the copy-number changes of ``planted_cnvs.tsv`` (a deletion or a tandem duplication of a
  stretch, on one or both copies) are made in the haplotypes themselves: no fragment starts in
  a deleted stretch, fragments that start before it read across the junction, and a duplicated
  stretch gets a second copy's fragments, so depth alone shows them, as in real reads;
- records whose FILTER is not PASS (the LowQual DOCK6 call) stand for caller artefacts, not for
  variants, and are not put into the reads; missing genotypes (``./.``) are simulated as
  reference.

Fragment lengths, strands and sequencing errors are random (seeded); fragment starts are
stratified, one in each equal slice of the contig at a random offset within it. The haplotype a
fragment comes from is not drawn independently but from a low-discrepancy sequence (the golden
ratio) over the fragments in position order, so that the allele fraction at every site stays
close to the planted one even at modest depth: calling is reliable without a deep simulation.

Every run with the same parameters writes byte-identical files (gzip with no time stamp). The
output directory gets ``MANIFEST.tsv`` last; a run whose manifest already matches the parameters
and this script does nothing, so ``make demo`` and the tests can call it unconditionally.

    python resources/demo/simulate_reads.py                 # writes resources/demo/reads/
    python resources/demo/simulate_reads.py --outdir /tmp/reads --depth 20

Needs Python 3, numpy and pysam.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam

HERE = Path(__file__).resolve().parent
SEED = "mmpsi-demo-reads-v1"
# The trio proband is sequenced on two lanes so that the workflow's merge of units is exercised.
LANES = {"EIMFS01": 2}
BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
_CODE = np.full(256, 255, dtype=np.uint8)
for _i, _b in enumerate(b"ACGT"):
    _CODE[_b] = _i
    _CODE[ord(chr(_b).lower())] = _i
GOLDEN = (math.sqrt(5) - 1) / 2


@dataclass(frozen=True)
class Params:
    depth: float
    read_length: int
    fragment_mean: int
    fragment_sd: int
    error_rate: float
    seed: str

    def line(self) -> str:
        return (
            f"# depth={self.depth:g} read_length={self.read_length} "
            f"fragment_mean={self.fragment_mean} fragment_sd={self.fragment_sd} "
            f"error_rate={self.error_rate:g} seed={self.seed} script_sha256={_script_hash()}"
        )


@dataclass(frozen=True)
class Edit:
    """One allele applied to a haplotype: 0-based start on the reference, REF and ALT."""

    start: int
    ref: str
    alt: str


@dataclass
class Haplotype:
    """A contig copy with its edits, and the offsets that map reference to haplotype positions."""

    seq: np.ndarray  # base codes 0-3
    weight: float
    starts: list[int]
    shifts: list[int]  # cumulative length change after each edit
    gaps: tuple[tuple[int, int], ...] = ()  # deleted reference stretches, 0-based half-open
    extra_copies: tuple[tuple[int, int], ...] = ()  # haplotype stretches of duplicated copies

    def starts_in_gap(self, ref_pos: np.ndarray) -> np.ndarray:
        inside = np.zeros(len(ref_pos), dtype=bool)
        for lo, hi in self.gaps:
            inside |= (ref_pos >= lo) & (ref_pos < hi)
        return inside

    def to_hap(self, ref_pos: np.ndarray) -> np.ndarray:
        if not self.starts:
            return ref_pos
        idx = np.searchsorted(np.asarray(self.starts), ref_pos, side="right") - 1
        shift = np.where(idx >= 0, np.asarray(self.shifts)[np.maximum(idx, 0)], 0)
        return ref_pos + shift


def _script_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _inputs_hash(demo: Path, cnvs: Path) -> str:
    """The genome, calls, pedigree and copy-number changes the reads are made from: reads from
    an older genome or call set must be made again, not reused."""
    h = hashlib.sha256()
    for path in (demo / "genome.fa", demo / "demo.vcf.gz", demo / "demo.ped", cnvs):
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _rng(seed: str, *parts: str) -> np.random.Generator:
    digest = hashlib.sha256("|".join((seed, *parts)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def read_sexes(ped: Path) -> dict[str, str]:
    sexes = {}
    for line in ped.read_text().splitlines():
        cols = line.split()
        if len(cols) >= 5 and not line.startswith("#"):
            sexes[cols[1]] = {"1": "male", "2": "female"}.get(cols[4], "unknown")
    return sexes


def planted_alleles(vcf: Path, sexes: dict[str, str]):
    """Per sample and contig: a list of haplotype specs [(weight, [Edit, ...]), ...].

    Autosomes: two haplotypes of weight 1 with the GT alleles in the order written. A male's chrX:
    one copy, split into reference and alternative cell populations for a heterozygous call.
    """
    out: dict[str, dict[str, list[tuple[float, list[Edit]]]]] = {}
    with pysam.VariantFile(str(vcf)) as vf:
        samples = list(vf.header.samples)
        for rec in vf:
            if list(rec.filter.keys()) not in ([], ["PASS"]):
                continue
            alleles = rec.alleles
            for s in samples:
                gt = rec.samples[s]["GT"]
                if gt is None or any(a is None for a in gt):
                    continue
                per_contig = out.setdefault(s, {})
                male_x = sexes.get(s) == "male" and rec.chrom in ("chrX", "X")
                if male_x:
                    haps = per_contig.setdefault(rec.chrom, [(1.0, [])])
                    alts = [a for a in gt if a]
                    if not alts:
                        continue
                    alt = alts[0]
                    if all(a == alt for a in gt):
                        frac = 1.0
                    else:
                        ad = rec.samples[s].get("AD")
                        frac = ad[alt] / sum(ad) if ad and None not in ad and sum(ad) else 0.5
                    _split_mosaic(haps, Edit(rec.pos - 1, alleles[0], alleles[alt]), frac)
                else:
                    haps = per_contig.setdefault(rec.chrom, [(1.0, []), (1.0, [])])
                    for copy, a in enumerate(gt[:2]):
                        if a:
                            haps[copy][1].append(Edit(rec.pos - 1, alleles[0], alleles[a]))
    return out


def planted_cnvs(path: Path) -> dict[str, dict[str, list[tuple[int, int, int]]]]:
    """Per sample and contig: (start0, end0, copy_number) of each planted copy-number change."""
    out: dict[str, dict[str, list[tuple[int, int, int]]]] = {}
    if not path.exists():
        return out
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        out.setdefault(row["sample"], {}).setdefault(row["chrom"], []).append(
            (int(row["start"]) - 1, int(row["end"]), int(row["copy_number"]))
        )
    return out


def add_cnvs(specs: list, cnvs: list[tuple[int, int, int]], seq: str, male_x: bool) -> list:
    """The haplotype specs with each copy-number change as an edit: a deletion (ALT empty) or a
    tandem duplication (ALT twice REF) on as many copies as the change needs. On a male's single
    X every cell population gets it."""
    specs = [(w, list(e)) for w, e in specs]
    normal = 1 if male_x else 2
    for lo, hi, cn in cnvs:
        if cn not in ((0, 2) if male_x else (0, 1, 3, 4)):
            expected = "0 or 2 on a male's X" if male_x else "0, 1, 3 or 4"
            raise SystemExit(f"copy number {cn} at {lo + 1}-{hi}: expected {expected}")
        ref = seq[lo:hi]
        edit = Edit(lo, ref, "") if cn < normal else Edit(lo, ref, ref * 2)
        for k in range(len(specs)) if male_x else range(abs(cn - normal)):
            specs[k][1].append(edit)
    return specs


def _split_mosaic(haps: list, edit: Edit, frac: float) -> None:
    # Every existing cell population is split in the same proportion.
    if frac >= 1.0:
        for _, edits in haps:
            edits.append(edit)
        return
    new = []
    for weight, edits in haps:
        new.append((weight * (1 - frac), list(edits)))
        new.append((weight * frac, [*edits, edit]))
    haps[:] = new


def build_haplotype(ref: np.ndarray, edits: list[Edit], weight: float, where: str) -> Haplotype:
    pieces, starts, shifts = [], [], []
    gaps, extra = [], []
    cursor, shift = 0, 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < cursor:
            raise SystemExit(f"{where}: overlapping planted alleles at {e.start + 1}")
        ref_here = bytes(BASES[ref[e.start : e.start + len(e.ref)]]).decode()
        if ref_here.upper() != e.ref.upper():
            raise SystemExit(f"{where}: REF {e.ref} at {e.start + 1} does not match the genome")
        if not e.alt:
            gaps.append((e.start, e.start + len(e.ref)))
        elif len(e.ref) > 1 and e.alt == e.ref * 2:
            second = e.start + shift + len(e.ref)  # where the second copy starts in the haplotype
            extra.append((second, second + len(e.ref)))
        pieces.append(ref[cursor : e.start])
        pieces.append(_CODE[np.frombuffer(e.alt.encode(), dtype=np.uint8)])
        cursor = e.start + len(e.ref)
        shift += len(e.alt) - len(e.ref)
        # Positions after the edited stretch move by the accumulated length change.
        starts.append(cursor)
        shifts.append(shift)
    pieces.append(ref[cursor:])
    return Haplotype(np.concatenate(pieces), weight, starts, shifts, tuple(gaps), tuple(extra))


def simulate_contig(sample: str, chrom: str, ref: np.ndarray, haps: list[Haplotype], p: Params):
    """Read pairs (r1, r2 as base-code matrices) for one contig of one sample."""
    rng = _rng(p.seed, sample, chrom)
    copies = sum(h.weight for h in haps)
    per_copy = p.depth / 2
    n = int(round(len(ref) * per_copy * copies / (2 * p.read_length)))
    lengths = np.clip(
        np.rint(rng.normal(p.fragment_mean, p.fragment_sd, n)).astype(np.int64),
        p.read_length,
        None,
    )
    # Stratified starts (one per equal slice of the contig, jittered within it): coverage as
    # even as a capture's, so that a low-fraction allele gets its share of reads at every site
    # rather than at a Poisson draw of them.
    span = len(ref) - lengths.max() - 1
    starts = ((np.arange(n) + rng.random(n)) * (span / n)).astype(np.int64)
    # The haplotype of fragment i: golden-ratio sequence against cumulative weights.
    u = (np.arange(n) * GOLDEN + rng.random()) % 1.0
    cum = np.cumsum([h.weight for h in haps]) / copies
    which = np.searchsorted(cum, u, side="right")
    which = np.minimum(which, len(haps) - 1)
    r1 = np.empty((n, p.read_length), dtype=np.uint8)
    r2 = np.empty((n, p.read_length), dtype=np.uint8)
    keep = np.ones(n, dtype=bool)
    offs = np.arange(p.read_length)
    for k, hap in enumerate(haps):
        sel = np.nonzero(which == k)[0]
        # A fragment cannot start in a stretch this copy lacks.
        gone = hap.starts_in_gap(starts[sel])
        keep[sel[gone]] = False
        sel = sel[~gone]
        if not len(sel):
            continue
        r1[sel], r2[sel] = _pairs(hap, hap.to_hap(starts[sel]), lengths[sel], offs)
    r1, r2 = r1[keep], r2[keep]
    # Each duplicated copy gets fragments at the same density as the rest of the contig.
    for hap in haps:
        for lo, hi in hap.extra_copies:
            m = int(round((hi - lo) * per_copy * hap.weight / (2 * p.read_length)))
            hs = lo + ((np.arange(m) + rng.random(m)) * ((hi - lo) / m)).astype(np.int64)
            ln = np.clip(
                np.rint(rng.normal(p.fragment_mean, p.fragment_sd, m)).astype(np.int64),
                p.read_length,
                None,
            )
            e1, e2 = _pairs(hap, hs, ln, offs)
            r1, r2 = np.concatenate([r1, e1]), np.concatenate([r2, e2])
    n = len(r1)
    flip = rng.random(n) < 0.5
    r1[flip], r2[flip] = r2[flip].copy(), r1[flip].copy()
    for reads in (r1, r2):
        errors = rng.random(reads.shape) < p.error_rate
        reads[errors] = (reads[errors] + rng.integers(1, 4, errors.sum())) % 4
    return r1, r2


def _pairs(hap: Haplotype, hs: np.ndarray, lengths: np.ndarray, offs: np.ndarray):
    """Read 1 from each fragment's start, read 2 reverse-complemented from its end."""
    ln = np.minimum(lengths, len(hap.seq) - hs)
    r1 = hap.seq[hs[:, None] + offs]
    ends = hs + ln - 1
    r2 = 3 - hap.seq[ends[:, None] - offs]  # reverse complement (A<->T, C<->G)
    return r1, r2


def _fastq(names: list[str], reads: np.ndarray, qual: bytes) -> bytes:
    seqs = BASES[reads]
    lines = []
    for name, seq in zip(names, seqs, strict=True):
        lines.append(b"@" + name.encode() + b"\n" + seq.tobytes() + b"\n+\n" + qual + b"\n")
    return b"".join(lines)


def _write_gz(path: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    with (
        os.fdopen(fd, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=1) as gz,
    ):
        gz.write(data)
    os.chmod(tmp, 0o644)
    return Path(tmp)


def simulate(outdir: Path, p: Params, demo: Path = HERE, cnvs: Path | None = None) -> Path:
    """Write every sample's FASTQ pair(s) and MANIFEST.tsv into ``outdir``; return the manifest.
    ``cnvs`` replaces the demo's planted_cnvs.tsv (a test cohort with other changes)."""
    manifest = outdir / "MANIFEST.tsv"
    cnvs = cnvs or demo / "planted_cnvs.tsv"
    header = f"{p.line()} inputs_sha256={_inputs_hash(demo, cnvs)}"
    if manifest.exists() and manifest.read_text().splitlines()[:1] == [header]:
        print(f"reads are up to date in {outdir}")
        return manifest
    outdir.mkdir(parents=True, exist_ok=True)
    sexes = read_sexes(demo / "demo.ped")
    planted = planted_alleles(demo / "demo.vcf.gz", sexes)
    cnv_plan = planted_cnvs(cnvs)
    fasta = pysam.FastaFile(str(demo / "genome.fa"))
    qual_char = chr(33 + min(41, int(round(-10 * math.log10(p.error_rate)))))
    qual = (qual_char * p.read_length).encode()
    rows = [header, "sample\tunit\tfq1\tfq2\tread_pairs"]
    pending = []
    for sample in sexes:
        r1s, r2s = [], []
        for chrom in fasta.references:
            ref = _CODE[np.frombuffer(fasta.fetch(chrom).encode(), dtype=np.uint8)]
            if (ref == 255).any():
                raise SystemExit(f"{chrom}: the simulator expects only A, C, G, T in the genome")
            male_x = sexes[sample] == "male" and chrom in ("chrX", "X")
            default = [(1.0, [])] if male_x else [(1.0, []), (1.0, [])]
            specs = planted.get(sample, {}).get(chrom, default)
            cnvs = cnv_plan.get(sample, {}).get(chrom)
            if cnvs:
                specs = add_cnvs(specs, cnvs, fasta.fetch(chrom).upper(), male_x)
            haps = [build_haplotype(ref, e, w, f"{sample} {chrom}") for w, e in specs]
            r1, r2 = simulate_contig(sample, chrom, ref, haps, p)
            r1s.append(r1)
            r2s.append(r2)
        r1, r2 = np.concatenate(r1s), np.concatenate(r2s)
        order = _rng(p.seed, sample, "order").permutation(len(r1))
        r1, r2 = r1[order], r2[order]
        lanes = LANES.get(sample, 1)
        for lane in range(lanes):
            unit = f"L{lane + 1:03d}"
            sel = slice(lane, None, lanes)
            names = [f"{sample}.{unit}.{i}" for i in range(len(r1[sel]))]
            for mate, reads in (("R1", r1[sel]), ("R2", r2[sel])):
                final = outdir / f"{sample}_{unit}_{mate}.fastq.gz"
                pending.append((_write_gz(final, _fastq(names, reads, qual)), final))
            rows.append(
                f"{sample}\t{unit}\t{sample}_{unit}_R1.fastq.gz\t{sample}_{unit}_R2.fastq.gz"
                f"\t{len(names)}"
            )
        print(f"{sample}: {len(r1)} read pairs in {lanes} unit(s)")
    for tmp, final in pending:
        os.replace(tmp, final)
    # The manifest goes last: its presence means every FASTQ is complete.
    tmp_manifest = outdir / ".MANIFEST.tsv.part"
    tmp_manifest.write_text("\n".join(rows) + "\n")
    os.replace(tmp_manifest, manifest)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outdir", type=Path, default=HERE / "reads")
    ap.add_argument("--depth", type=float, default=60.0, help="diploid depth (default 60)")
    ap.add_argument("--read-length", type=int, default=100)
    ap.add_argument("--fragment-mean", type=int, default=250)
    ap.add_argument("--fragment-sd", type=int, default=25)
    ap.add_argument("--error-rate", type=float, default=0.001)
    ap.add_argument("--seed", default=SEED)
    ap.add_argument(
        "--cnvs", type=Path, default=None,
        help="copy-number changes to make (default: planted_cnvs.tsv beside this script)",
    )  # fmt: skip
    a = ap.parse_args(argv)
    p = Params(a.depth, a.read_length, a.fragment_mean, a.fragment_sd, a.error_rate, a.seed)
    simulate(a.outdir, p, cnvs=a.cnvs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
