"""Outside evidence for an allele: population frequency, ClinVar, and in-silico scores.

Takes the user's resource files (gnomAD sites VCF, ClinVar VCF, REVEL/CADD tables, SpliceAI
VCF) and normalised alleles; gives, for each source, whether the allele was found, is absent,
lies where the source has no data, or was not looked up, with the values found (``gnomad``,
``clinvar`` with ``clinvar_terms``, ``scores``). ``lookup`` opens the sources of one run and
turns the answers into the JSON fields; "absent from gnomAD" is evidence, "not looked up" is not.
"""
