"""What a user reads: the per-sample documents and tables, and the cohort summary.

Takes the scored variants of each sample (and, for the cohort, the sample sheet and coverage);
gives the JSON contract's per-variant entries and per-sample document (``record``,
``document``), the TSV view of it (``tables``) and the cohort summary with each sample's top
candidates in ACMG order (``cohort``). Nothing here computes evidence; every output says it is
for research use.
"""
