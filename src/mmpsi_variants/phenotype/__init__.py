"""The patient's phenotype in HPO terms, and the genes ranked by how well they match it.

Takes HPO IDs (observed and excluded); checks each against the ontology shipped with hpo3
(unknown and obsolete IDs are errors, an obsolete one naming its replacement) and ranks every
gene with HPO annotations by the enrichment of the patient's terms among the gene's (see
:mod:`.ranking`). The ontology and its gene annotations come inside the hpo3 package, so this
works offline; they load in about a second, once per run.
"""
