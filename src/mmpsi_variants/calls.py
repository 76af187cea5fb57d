"""Per-sample genotype, zygosity, depth and allele fraction of one allele of a record.

Callers disagree on how they write the same evidence: GATK and DeepVariant give AD, freebayes
RO/AO, some give VAF or AF; bcftools writes males' chrX calls as haploid, GATK as diploid. We read
all of these and say which one we used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .contigs import Build, canonical

MALE, FEMALE, UNKNOWN_SEX = "male", "female", "unknown"


@dataclass(frozen=True)
class SampleCall:
    sample: str
    genotype: str
    alt_copies: int
    ploidy: int
    zygosity: str  # heterozygous / homozygous / hemizygous
    depth: int | None
    allele_fraction: float | None
    genotype_quality: float | None
    phased: bool
    phase_set: int | None
    alt_depth: int | None


def _int_or_none(value) -> int | None:
    if value is None:
        return None
    v = int(value)
    return v if v >= 0 else None


def _float_or_none(value) -> float | None:
    if value is None:
        return None
    v = float(value)
    return None if np.isnan(v) or v < 0 else v


class FormatFields:
    """The FORMAT arrays of one record, read once and shared by all its alleles."""

    def __init__(self, record, format_ids: frozenset[str]):
        self.genotypes = record.genotypes  # per sample: [a1, a2, ..., phased]
        self.ad = self._get(record, "AD", format_ids)
        self.dp = self._get(record, "DP", format_ids)
        self.gq = self._get(record, "GQ", format_ids)
        self.ro = self._get(record, "RO", format_ids)
        self.ao = self._get(record, "AO", format_ids)
        self.vaf = self._get(record, "VAF", format_ids)
        if self.vaf is None:
            self.vaf = self._get(record, "AF", format_ids)
        self.ps = self._get(record, "PS", format_ids)

    @staticmethod
    def _get(record, key, format_ids):
        if key not in format_ids:
            return None
        try:
            return record.format(key)
        except (KeyError, ValueError, TypeError):
            return None


def _allele_depths(ff: FormatFields, i: int, allele: int) -> tuple[int | None, int | None]:
    """(depth of this allele, total over all alleles) from AD, else RO/AO."""
    if ff.ad is not None and ff.ad.shape[1] > allele:
        row = ff.ad[i]
        vals = [int(v) for v in row if v >= 0]
        if len(vals) == len(row) and sum(vals) > 0:
            return int(row[allele]), sum(vals)
    if ff.ro is not None and ff.ao is not None and ff.ao.shape[1] >= allele:
        ro = int(ff.ro[i][0])
        ao = [int(v) for v in ff.ao[i]]
        if ro >= 0 and all(v >= 0 for v in ao) and ro + sum(ao) > 0:
            return ao[allele - 1], ro + sum(ao)
    return None, None


def sample_call(
    ff: FormatFields,
    i: int,
    sample: str,
    allele: int,
    chrom: str,
    pos: int,
    sex: str,
    build: Build,
) -> SampleCall | None:
    """The call of sample ``i`` for ALT number ``allele``, or None when it does not carry it."""
    gt = ff.genotypes[i]
    alleles, phased = gt[:-1], bool(gt[-1])
    copies = sum(1 for a in alleles if a == allele)
    if copies == 0:
        return None
    ploidy = len(alleles)
    sep = "|" if phased else "/"
    genotype = sep.join("." if a < 0 else str(a) for a in alleles)
    key = canonical(chrom)
    # A male's X and Y outside the pseudoautosomal regions are single copies, whatever
    # ploidy the caller wrote.
    haploid_region = key in ("X", "Y") and sex == MALE and not build.in_par(chrom, pos)
    if ploidy == 1 or (haploid_region and copies == ploidy):
        zygosity = "hemizygous"
    elif copies == ploidy:
        zygosity = "homozygous"
    else:
        zygosity = "heterozygous"

    alt_depth, total = _allele_depths(ff, i, allele)
    af = alt_depth / total if total else None
    if af is None and ff.vaf is not None and ff.vaf.shape[1] >= allele:
        af = _float_or_none(ff.vaf[i][allele - 1])
    depth = _int_or_none(ff.dp[i][0]) if ff.dp is not None else None
    if depth is None:
        depth = total
    gq = _float_or_none(ff.gq[i][0]) if ff.gq is not None else None
    ps = _int_or_none(ff.ps[i][0]) if ff.ps is not None and phased else None
    return SampleCall(
        sample=sample,
        genotype=genotype,
        alt_copies=copies,
        ploidy=ploidy,
        zygosity=zygosity,
        depth=depth,
        allele_fraction=round(af, 4) if af is not None else None,
        genotype_quality=gq,
        phased=phased,
        phase_set=ps,
        alt_depth=alt_depth,
    )
