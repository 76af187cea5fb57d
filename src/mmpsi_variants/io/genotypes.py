"""Per-sample genotype, zygosity, depth and allele fraction of one allele of a record.

Callers disagree on how they write the same evidence: GATK and DeepVariant give AD, freebayes
RO/AO, some give VAF or AF; bcftools writes males' chrX calls as haploid, GATK as diploid. We read
all of these and say which one we used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, SupportsFloat, SupportsInt, cast

import numpy as np
import numpy.typing as npt

from mmpsi_variants.core.contigs import Build, canonical

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
    # The GT allele indices as written (-1 for a missing allele) and whether any is called;
    # kept so that a parent's hom-ref or no-call can be told apart at an allele they lack.
    alleles: tuple[int, ...] = ()
    haplotype: int | None = None  # 1-based haplotype carrying the allele, when phased
    ref_depth: int | None = None  # reads of REF (AD or RO), for ALTs split from one site

    @property
    def called(self) -> bool:
        return any(a >= 0 for a in self.alleles)


_VECTOR_END = -2147483647  # htslib's bcf_int32_vector_end


def _int_or_none(value: SupportsInt | None) -> int | None:
    if value is None:
        return None
    v = int(value)
    return v if v >= 0 else None


def _float_or_none(value: SupportsFloat | None) -> float | None:
    if value is None:
        return None
    v = float(value)
    return None if np.isnan(v) or v < 0 else v


def _sample_count(record: Any, format_ids: Iterable[str]) -> int:
    for key in sorted(format_ids):
        try:
            return len(record.format(key))
        except (KeyError, ValueError, TypeError):
            continue
    return 0


class FormatFields:
    """The FORMAT arrays of one record, read once and shared by all its alleles."""

    def __init__(self, record: Any, format_ids: frozenset[str]) -> None:
        self.n_alleles = len(record.ALT) + 1
        self.genotypes: list[list[int | bool]]
        if "GT" in format_ids:
            self.genotypes = record.genotypes  # per sample: [a1, a2, ..., phased]
        else:
            # A VCF without GT (e.g. bcftools mpileup output before calling) has no calls;
            # cyvcf2 raises on .genotypes there.
            self.genotypes = [[-1, -1, False]] * _sample_count(record, format_ids)
        self.ad = self._get(record, "AD", format_ids)
        self.dp = self._get(record, "DP", format_ids)
        self.gq = self._get(record, "GQ", format_ids)
        self.ro = self._get(record, "RO", format_ids)
        self.ao = self._get(record, "AO", format_ids)
        self.vaf = self._get(record, "VAF", format_ids)
        if self.vaf is None:
            self.vaf = self._get(record, "AF", format_ids)
        self.ps = self._get(record, "PS", format_ids)
        # whatshap writes read-backed phase as FORMAT/HP "<PS>-<hap>,<PS>-<hap>".
        self.hp = self._get(record, "HP", format_ids)

    @staticmethod
    def _get(record: Any, key: str, format_ids: frozenset[str]) -> npt.NDArray[Any] | None:
        if key not in format_ids:
            return None
        try:
            values: npt.NDArray[Any] = record.format(key)
            return values
        except (KeyError, ValueError, TypeError):
            return None


def _allele_depths(
    ff: FormatFields, i: int, allele: int
) -> tuple[int | None, int | None, int | None]:
    """(depth of this allele, total over all alleles, depth of REF) from AD, else RO/AO."""
    if ff.ad is not None and ff.ad.shape[1] > allele:
        # Rows shorter than the widest one are padded with the vector-end value; AD is usable
        # only with exactly one non-missing count per allele.
        vals = [int(v) for v in ff.ad[i] if v != _VECTOR_END]
        if len(vals) == ff.n_alleles and all(v >= 0 for v in vals) and sum(vals) > 0:
            return vals[allele], sum(vals), vals[0]
    if ff.ro is not None and ff.ao is not None and ff.ao.shape[1] >= allele:
        ro = int(ff.ro[i][0])
        ao = [int(v) for v in ff.ao[i]]
        if ro >= 0 and all(v >= 0 for v in ao) and ro + sum(ao) > 0:
            return ao[allele - 1], ro + sum(ao), ro
    return None, None, None


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
    call = genotype_evidence(ff, i, sample, allele, chrom, pos, sex, build)
    return call if call.alt_copies else None


def genotype_evidence(
    ff: FormatFields,
    i: int,
    sample: str,
    allele: int,
    chrom: str,
    pos: int,
    sex: str,
    build: Build,
) -> SampleCall:
    """Sample ``i``'s genotype and read evidence for ALT number ``allele``, carried or not.

    A parent who lacks the allele (hom-ref, another ALT, or a no-call) still has depth, GQ and
    perhaps a few reads of it, which is what a de novo call must check.
    """
    gt = ff.genotypes[i]
    alleles, phased = tuple(int(a) for a in gt[:-1]), bool(gt[-1])
    copies = sum(1 for a in alleles if a == allele)
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

    alt_depth, total, ref_depth = _allele_depths(ff, i, allele)
    # _allele_depths gives all counts or none.
    af = cast(int, alt_depth) / total if total else None
    if af is None and ff.vaf is not None and ff.vaf.shape[1] >= allele:
        af = _float_or_none(ff.vaf[i][allele - 1])
    depth = _int_or_none(ff.dp[i][0]) if ff.dp is not None else None
    if depth is None:
        depth = total
    gq = _float_or_none(ff.gq[i][0]) if ff.gq is not None else None
    # cyvcf2 marks haploid calls as phased; phase means nothing there.
    phased = phased and ploidy > 1
    ps = _int_or_none(ff.ps[i][0]) if ff.ps is not None and phased else None
    haplotype = None
    if phased and 0 < copies < ploidy:
        haplotype = alleles.index(allele) + 1
    hp = _whatshap_hp(ff, i, allele, alleles)
    if hp is not None:
        ps, haplotype, phased = hp[0], hp[1], True
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
        alleles=alleles,
        haplotype=haplotype,
        ref_depth=ref_depth,
    )


def _whatshap_hp(
    ff: FormatFields, i: int, allele: int, alleles: tuple[int, ...]
) -> tuple[int, int] | None:
    """(phase set, haplotype) of a het allele from whatshap's HP ("ps-h,ps-h"), if written."""
    if ff.hp is None or alleles.count(allele) != 1 or len(alleles) != 2:
        return None
    text = str(ff.hp[i]).strip()
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        blocks = [tuple(int(x) for x in p.split("-")) for p in parts]
    except ValueError:
        return None
    if any(len(b) != 2 for b in blocks) or blocks[0][0] != blocks[1][0]:
        return None
    return blocks[0][0], blocks[alleles.index(allele)][1]


def pooled_fractions(calls: list[SampleCall]) -> list[float | None] | None:
    """Allele fractions of one sample's heterozygous ALTs at one site that the caller's
    records split apart (``bcftools norm -m``: a 1/2 becomes 1/0 and 0/1, each record's AD
    keeping REF and its own ALT only, so each ALT would read as the only allele). Each
    fraction is its ALT's reads over the site's reads, REF plus every ALT; None when the
    counts are incomplete."""
    if len(calls) < 2 or any(c.alt_depth is None or c.ref_depth is None for c in calls):
        return None
    total = max(c.ref_depth or 0 for c in calls) + sum(c.alt_depth or 0 for c in calls)
    if total <= 0:
        return None
    return [round((c.alt_depth or 0) / total, 4) for c in calls]
