"""Where each variant came from and whether the genotype fits its gene.

Takes each sample's variants, the family's genotypes at the same alleles, the parentage check
and the panel's inheritance modes; gives de novo (confirmed or assumed), inherited, mosaic and
parental-mosaic calls, Mendelian errors, homozygous, hemizygous and compound-heterozygous
genotypes with their phase, and the fit of the genotype to the gene (yes / partly / no /
unknown), each with the reason written out. ``settings`` holds the thresholds, ``families``
the pedigree view, ``evidence`` the parents' reads, ``origin`` the per-allele decision and
``analysis`` the per-sample pass.
"""
