"""Checks of the samples and the data before any variant is believed.

Takes the whole VCF (not just the panel) and the PED, or the alignments; gives each sample's
sex from chrX heterozygosity against its PED sex (``sex``), each child's parentage from
Mendelian errors (``parentage``), both computed in one pass over the genome
(``sample_checks``), and the per-exon depth of the panel genes (``coverage``). A de novo call
is only "confirmed" when the parentage check passed.
"""
