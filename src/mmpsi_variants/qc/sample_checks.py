"""Sample-level checks over the whole VCF: sex from chrX, and parentage from Mendelian errors.

A de novo call is only as good as the family it comes from: a sample swap or a non-paternity
turns inherited variants into false de novos. So before any de novo is called "confirmed" we
check, over the genome and not just the panel, that

* each sample's chrX heterozygosity agrees with its PED sex (peddy's het_ratio = het / hom-alt
  calls on chrX outside the pseudoautosomal regions; low means male), and
* each child and each parent share an allele wherever they can be compared: the rate of opposite
  homozygotes (child 0/0 and parent 1/1, or the reverse) among sites where either carries the
  ALT is near zero for a true parent and a few percent for an unrelated person.

For trios we also count Mendelian errors the way ``bcftools +mendelian2`` does, chrX and chrY
included, so that the numbers can be checked against bcftools' own output.

The VCF is streamed once with cyvcf2, biallelic PASS SNVs only. Counting stops for a pair after
``max_informative_sites`` sites and for the sex check after ``max_sites`` chrX sites, so a genome
costs little more than an exome; with an index, chrX is reached by a region query once the
autosomal counts are full. Both caps are reported in the JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mmpsi_variants.core.contigs import AUTOSOME, CHR_X, MITO, Build, canonical, region_of
from mmpsi_variants.io.genotypes import FEMALE, MALE, UNKNOWN_SEX
from mmpsi_variants.io.ped import Pedigree
from mmpsi_variants.io.vcf import VariantFile
from mmpsi_variants.qc.parentage import (
    PairCounts,
    Parentage,
    ParentageSettings,
    TrioCounts,
    mendelian_status,
    pair_check,
    ped_where,
    relevant_parents,
)
from mmpsi_variants.qc.sex import SexCheck, SexCheckSettings, SexCounts

_MISSING_INT = -2147483648

_VECTOR_END = -2147483647


@dataclass
class SampleChecks:
    sex: dict[str, SexCheck] = field(default_factory=dict)
    parentage: dict[str, Parentage] = field(default_factory=dict)
    x_sites: int = 0
    warnings: list[str] = field(default_factory=list)


class _Accumulator:
    """Counts per pair, trio and sample, fed one record at a time."""

    def __init__(
        self,
        samples: Iterable[str],
        ped: Pedigree,
        build: Build,
        parentage: ParentageSettings,
        sex_settings: SexCheckSettings,
        format_ids: frozenset[str],
    ) -> None:
        self.samples = list(samples)
        self.index = {s: i for i, s in enumerate(self.samples)}
        self.build = build
        self.ps = parentage
        self.ss = sex_settings
        self.has_dp = "DP" in format_ids
        self.has_gq = "GQ" in format_ids
        self.sex_of = {s: ped.sex_of(s) for s in self.samples}
        self.pairs: dict[tuple[str, str], PairCounts] = {}
        self.trios: dict[str, tuple[int, int | None, int | None]] = {}
        self.trio_counts: dict[str, TrioCounts] = {}
        for s in self.samples:
            father, mother = ped.parents(s)
            fi = self.index.get(father) if father else None
            mi = self.index.get(mother) if mother else None
            for parent in (p for p in (father, mother) if p in self.index):
                self.pairs[(s, parent)] = PairCounts()
            if fi is not None and mi is not None:
                self.trios[s] = (self.index[s], fi, mi)
                self.trio_counts[s] = TrioCounts()
        self.sex = [SexCounts() for _ in self.samples]
        self.x_sites = 0

    @property
    def autosomes_full(self) -> bool:
        cap = self.ps.max_informative_sites
        return all(c.informative >= cap for c in self.pairs.values()) and all(
            c.good_alt + c.error >= cap for c in self.trio_counts.values()
        )

    @property
    def x_full(self) -> bool:
        return self.x_sites >= self.ss.max_sites

    def _quality(self, record, min_depth, min_gq):
        ok = [True] * len(self.samples)
        if self.has_dp:
            dp = _format(record, "DP")
            if dp is not None:
                for i, v in enumerate(dp[:, 0]):
                    if v not in (_MISSING_INT, _VECTOR_END) and v < min_depth:
                        ok[i] = False
        if self.has_gq and min_gq > 0:
            gq = _format(record, "GQ")
            if gq is not None:
                for i, v in enumerate(gq[:, 0]):
                    if v == v and v >= 0 and v < min_gq and v not in (_MISSING_INT, _VECTOR_END):
                        ok[i] = False
        return ok

    def add(self, record) -> None:
        if record.FILTER not in (None, "PASS"):
            return
        alts = record.ALT
        if len(alts) != 1 or len(record.REF) != 1 or len(alts[0]) != 1 or alts[0] in "*.":
            return
        region = region_of(record.CHROM, record.POS, self.build)
        if region == MITO:
            return
        gts = _alleles(record)
        if region == CHR_X and not self.x_full:
            self._add_sex(record, gts)
        if self.autosomes_full:
            return
        ok = self._quality(record, self.ps.min_depth, self.ps.min_genotype_quality)
        if region == AUTOSOME:
            self._add_pairs(gts, ok)
        self._add_trios(gts, ok, region)

    def _add_sex(self, record, gts) -> None:
        ok = self._quality(record, self.ss.min_depth, 0)
        self.x_sites += 1
        for i, gt in enumerate(gts):
            if not ok[i] or not gt or any(a < 0 for a in gt):
                continue
            counts = self.sex[i]
            if len(set(gt)) > 1:
                counts.het += 1
            elif gt[0] == 0:
                counts.hom_ref += 1
            else:
                counts.hom_alt += 1

    def _add_pairs(self, gts, ok) -> None:
        cap = self.ps.max_informative_sites
        for (child, parent), counts in self.pairs.items():
            if counts.informative >= cap:
                continue
            ci, pi = self.index[child], self.index[parent]
            c, p = gts[ci], gts[pi]
            if not (ok[ci] and ok[pi]) or len(c) != 2 or len(p) != 2 or min(c + p) < 0:
                continue
            if not any(c) and not any(p):
                continue
            counts.informative += 1
            if len(set(c)) == 1 and len(set(p)) == 1 and c[0] != p[0]:
                counts.errors += 1

    def _add_trios(self, gts, ok, region) -> None:
        for child, (ci, fi, mi) in self.trios.items():
            if not (ok[ci] and ok[fi] and ok[mi]):
                continue
            error, missing = mendelian_status(gts[ci], gts[fi], gts[mi], region, self.sex_of[child])
            counts = self.trio_counts[child]
            if error:
                counts.error += 1
            if missing:
                counts.missing += 1
            if not error and not missing:
                counts.good += 1
                roles = relevant_parents(gts[ci], region, self.sex_of[child])
                looked = [gts[ci]] + [gts[fi] if r == "father" else gts[mi] for r in roles]
                if any(a > 0 for g in looked for a in g):
                    counts.good_alt += 1


def _alleles(record) -> list[tuple[int, ...]]:
    """Per sample, the GT allele indices without the padding of shorter ploidies."""
    arr = record.genotype.array()
    return [tuple(int(a) for a in row[:-1] if a != -2) for row in arr]


def _format(record, key):
    try:
        return record.format(key)
    except (KeyError, ValueError, TypeError):
        return None


def run_sample_checks(
    vcf: VariantFile,
    samples: Iterable[str],
    ped: Pedigree,
    build: Build,
    parentage: ParentageSettings,
    sex_settings: SexCheckSettings,
    format_ids: frozenset[str] | None = None,
) -> SampleChecks:
    """Stream the VCF once and return the sex check and parentage of every VCF sample.

    ``format_ids`` are the FORMAT fields to use (default: all the header declares).
    """
    samples = list(samples)
    fields = vcf.header.format_ids if format_ids is None else format_ids
    acc = _Accumulator(samples, ped, build, parentage, sex_settings, fields)
    if "GT" in fields:
        _stream(vcf, acc)
    # Without genotypes there is nothing to count: every check comes out "not assessed".
    return _results(acc, ped, samples, parentage, sex_settings)


def _stream(vcf: VariantFile, acc: _Accumulator) -> None:
    x_name = next((c for c in vcf.header.contigs if canonical(c) == "X"), None)
    indexed = vcf.region_index is not None
    x_seen = jump = False
    for record in vcf.scan():
        if acc.autosomes_full:
            if acc.x_full or x_name is None:
                return
            if x_name != record.CHROM:
                if indexed and not x_seen:
                    jump = True
                    break
                continue  # cheap: cyvcf2 parses FORMAT lazily
        x_seen |= x_name == record.CHROM
        acc.add(record)
    if jump and x_name is not None:
        for record in vcf.scan(x_name):
            if acc.x_full:
                return
            acc.add(record)


def _results(acc, ped, samples, ps: ParentageSettings, ss: SexCheckSettings) -> SampleChecks:
    out = SampleChecks(x_sites=acc.x_sites)
    for i, s in enumerate(samples):
        counts = acc.sex[i]
        ped_sex = ped.sex_of(s)
        calls = counts.het + counts.hom_alt
        if calls < ss.min_sites:
            check = SexCheck(
                ped_sex,
                None,
                None,
                counts,
                "not_assessed",
                f"{calls} heterozygous or homozygous-ALT chrX calls outside the PAR "
                f"(at least {ss.min_sites} needed)",
            )
        else:
            # peddy's ratio; a sample without hom-alt calls counts one, as peddy does.
            ratio = counts.het / max(counts.hom_alt, 1)
            predicted = MALE if ratio < ss.male_max_het_ratio else FEMALE
            basis = (
                f"chrX het/hom-ALT ratio {ratio:.2f} over {calls} calls outside the PAR "
                f"(male below {ss.male_max_het_ratio})"
            )
            if ped_sex == UNKNOWN_SEX:
                status, reason = "unknown_ped_sex", f"no sex in the PED; {basis}"
            elif ped_sex == predicted:
                status, reason = "consistent", basis
            else:
                status, reason = "mismatch", f"{ped_sex} in the PED but {predicted} by {basis}"
                out.warnings.append(
                    f"sex check: {s} ({ped_where(ped, s)}) is {ped_sex} in the PED but its "
                    f"chrX looks {predicted}: {basis}; check for a sample swap or a PED error"
                )
            check = SexCheck(ped_sex, predicted, ratio, counts, status, reason)
        out.sex[s] = check

    for s in samples:
        father, mother = ped.parents(s)
        if father is None and mother is None:
            continue
        pairs = []
        capped = False
        for role, parent in (("father", father), ("mother", mother)):
            counts = acc.pairs.get((s, parent)) if parent else None
            if counts is None:
                continue
            capped |= counts.informative >= ps.max_informative_sites
            pairs.append(pair_check(s, parent, role, counts, ps, ped, out.warnings))
        out.parentage[s] = Parentage(
            child=s,
            father=father,
            mother=mother,
            pairs=tuple(pairs),
            trio=acc.trio_counts.get(s),
            capped=capped,
            max_informative_sites=ps.max_informative_sites,
        )
    return out
