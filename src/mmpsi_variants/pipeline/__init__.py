"""The commands as stages: each opens its inputs once and runs the stages below in order.

``filter`` (the panel filter of any VCF) goes inputs -> collect (records to calls with their
annotation and resource look-ups) -> interpret (inheritance, codons shared by two variants) ->
score (ACMG) -> report; ``annotate`` writes a VCF with MMPSI_CSQ; ``plan`` is what the Snakemake
workflow will do with a configuration, validated at parse time. Takes options; gives files
written as one set.
"""
