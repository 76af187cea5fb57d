"""Reading and writing files: everything that knows a file format, and nothing that interprets.

Takes paths from the user; gives parsed, checked records. VCF/BCF through an index (``vcf``),
the reference FASTA (``fasta``), allele normalisation (``normalize``), per-sample genotypes as
callers write them (``genotypes``), tabix-indexed resource files (``tabix``), the compression
sniffing, indexing and htslib messages both readers share (``htslib``), gene models from
GFF3/GTF (``gff_features``, ``gff``, ``genemodels``, ``gene_cache``), PED files (``ped``), the
workflow's sample sheets (``samplesheet``, ``sheet_files``), input provenance
(``provenance``) and outputs committed all at once (``outputs``). A malformed line raises an
error naming the file and the line.
"""
