"""The EIMFS gene panel: what is known about each gene, and where each gene lies.

Takes the knowledge base (``panels/mmpsi.yaml``, validated against its schema) and the user's
gene models; gives the panel genes with their inheritance, mechanism, ACMG settings and
treatment notes, each fact with its source and verification tag (``knowledge``), the panel's
regions on the genome with padding (``regions``), and the gene-linked clinical notes a report
shows beside a variant (``notes``), which say so when a fact is unverified.
"""
