"""What a variant does: consequences, HGVS names and the evidence of outside resources.

Takes alleles (from ``io``), gene models and the reference; gives, per transcript, Sequence
Ontology terms as VEP names them (``effects``, ``location``, ``protein``, ``consequence``),
HGVS c./p. names (``hgvs``), transcripts with their sequence (``transcripts``), the annotator
that ties them together (``annotator``), the primary transcript's annotation as the report
shows it (``primary``), changes of one haplotype read together
(``haplotypes``), and the VCF's own VEP/snpEff/bcftools annotation read instead
(``existing_parse``, ``existing``). ``sources/`` looks alleles up in gnomAD, ClinVar and score
tables.
"""
