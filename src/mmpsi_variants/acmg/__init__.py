"""ACMG/AMP evidence: the 28 criteria for each variant, their combination, and the ranking.

Takes a variant with its annotation, resource look-ups and inheritance, the panel gene and the
``acmg:`` settings; gives every criterion's result (met with its strength, not met, not
evaluated, retired) with the reason and the numbers used (``criterion``, ``pathogenic``,
``benign``), the class by the Tavtigian points and by Richards 2015 (``combining``,
``evaluation``), curator evidence merged in (``curation``), Whiffin's maximum credible allele
frequency (``frequency``), the PP4 reading of a free-text phenotype (``phenotype``) and the
order of a sample's report (``ranking``). The rules follow Richards et al. 2015 with the ClinGen
SVI refinements and the panel's gene-specific settings.
"""
