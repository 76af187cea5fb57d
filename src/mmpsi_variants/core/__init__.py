"""The ground floor: what every stage needs and nothing of the domain's logic.

Takes nothing from the rest of the package. Gives the exceptions a user can cause
(``errors``), contig names and genome builds with their pseudoautosomal regions (``contigs``),
the package settings merged with a user's YAML (``settings``), JSON Schema validation with
messages that name the key or the sheet's cell (``schemas``), the cache folder (``cache``),
interval look-ups (``intervals``), user text made safe to print (``text``), a bounded cache
of recent objects (``recent``), the one spelling of an allele, ``chrom:pos:ref:alt``
(``variant``), and the variant record the stages build (``record``).
"""
