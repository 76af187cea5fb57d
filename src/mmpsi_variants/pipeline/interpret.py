"""The filter's interpretation: the family's checks, each variant's origin, shared codons.

Takes the collected variants; runs the sex and parentage checks over the whole VCF when a PED
is given (once), then, one sample at a time, the inheritance analysis (origin, compound
heterozygotes, fit to the gene) and the reading together of variants that change one codon.
Gives the sample's variants with their inheritance part (and ``together`` where it applies).
"""

from __future__ import annotations

from mmpsi_variants.annotation.haplotypes import mark_shared_codons
from mmpsi_variants.core.record import Variant
from mmpsi_variants.inheritance.analysis import analyse_sample
from mmpsi_variants.inheritance.evidence import pool_split_sites
from mmpsi_variants.inheritance.origin import pair_phase
from mmpsi_variants.pipeline.collect import Collected
from mmpsi_variants.pipeline.inputs import FilterInputs
from mmpsi_variants.qc.sample_checks import SampleChecks, run_sample_checks


def family_checks(inputs: FilterInputs) -> SampleChecks | None:
    """Sex and parentage of every sample, from the whole VCF (not just the panel)."""
    if inputs.ped is None:
        return None
    checks = run_sample_checks(
        inputs.vcf,
        inputs.vcf.samples,
        inputs.ped,
        inputs.build,
        inputs.inheritance.parentage,
        inputs.inheritance.sex_check,
    )
    for message in checks.warnings:
        inputs.warn(message)
    return checks


def interpret(
    inputs: FilterInputs, collected: Collected, sample: str, checks: SampleChecks | None
) -> list[Variant]:
    """One sample's variants with their inheritance part, and ``together`` where two of them
    change one codon. The family checks (:func:`family_checks`) are run once, before."""
    st = inputs.inheritance
    family = inputs.families[sample]
    variants, sites = pool_split_sites(collected.variants[sample], collected.evidence.sites[sample])
    parentage = checks.parentage.get(sample) if checks else None
    analysed = analyse_sample(
        family,
        variants,
        sites,
        inputs.gene_modes,
        st,
        parentage,
        inputs.models is not None,
    )

    def phase(i: int, j: int) -> str:
        return pair_phase(family, sites[i], sites[j], st, parentage)

    return mark_shared_codons(analysed, inputs.annotator, phase)
