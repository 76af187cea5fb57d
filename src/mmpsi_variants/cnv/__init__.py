"""Copy number of the panel genes' exons from read depth, compared across the samples of a run.

Takes the per-bin depth tables that ``mmpsi-variants coverage`` writes (``*.coverage.bins.tsv``:
each coding exon of a panel gene's primary transcript, cut into bins of at most 300 bp) and the
samples' sexes; gives, per sample, the exon-level deletions and duplications with their integer
copy number, log2 ratio, bins and confidence interval (:mod:`.calling`), and a plot per gene
with a call (:mod:`.plot`).

The work is CNVkit's (Talevich et al., PLoS Comput Biol 2016): a pooled reference from the
other samples of the run (the sample itself left out), bias correction, segmentation and
segment confidence intervals. What is ours: the bins, the leave-one-out and same-sex choice of
reference samples, and turning segments into per-gene calls with HGVS exon numbers.
"""
