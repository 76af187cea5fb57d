"""A minimal SNV-to-protein translator for tests of the ClinVar protein index.

It stands in for the consequence engine: coding SNVs only, complete CDS, standard code. Built
from the demo's own gene models and genome, so the protein changes it gives are computed, not
copied from the truth tables (which the tests then compare against).
"""

from __future__ import annotations

from mmpsi_variants.annotation.sources.clinvar_terms import AA3, ProteinChange
from mmpsi_variants.core.contigs import canonical
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.gene_cache import load_gene_models

_BASES = "TCAG"
_AAS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {
    a + b + c: _AAS[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
_COMP = str.maketrans("ACGT", "TGCA")


class CodonAnnotator:
    """``annotator(chrom, pos, ref, alt)`` -> [ProteinChange] for coding SNVs."""

    def __init__(self, genes_path, fasta_path):
        self.reference = Reference(str(fasta_path))
        self.transcripts = {}
        for gene in load_gene_models(genes_path).genes:
            for tx in gene.transcripts:
                if tx.cds:
                    self.transcripts.setdefault(canonical(tx.chrom), []).append((gene, tx))
        self.calls = 0

    def _cds(self, tx) -> tuple[str, list[tuple[int, int]]]:
        segs = sorted(((s, e) for s, e, _ in tx.cds), reverse=tx.strand == "-")
        seq = "".join(self.reference.fetch(tx.chrom, s - 1, e) for s, e in sorted(segs))
        if tx.strand == "-":
            seq = seq.translate(_COMP)[::-1]
        return seq, segs

    def __call__(self, chrom, pos, ref, alt):
        self.calls += 1
        if len(ref) != 1 or len(alt) != 1:
            return []
        out = []
        for gene, tx in self.transcripts.get(canonical(chrom), []):
            if not tx.start <= pos <= tx.end:
                continue
            seq, segs = self._cds(tx)
            offset, c = 0, None
            for s, e in segs:
                if s <= pos <= e:
                    c = offset + (pos - s if tx.strand == "+" else e - pos)
                offset += e - s + 1
            if c is None:
                continue
            base = alt if tx.strand == "+" else alt.translate(_COMP)
            k = c // 3
            codon = seq[3 * k : 3 * k + 3]
            new = codon[: c % 3] + base + codon[c % 3 + 1 :]
            a, b = AA3[CODE[codon]], AA3[CODE[new]]
            if a == b:
                csq, hgvs = ("synonymous_variant",), f"p.({a}{k + 1}=)"
            elif b == "Ter":
                csq, hgvs = ("stop_gained",), f"p.({a}{k + 1}Ter)"
            else:
                csq, hgvs = ("missense_variant",), f"p.({a}{k + 1}{b})"
            out.append(ProteinChange(gene.symbol, tx.versioned_id, k + 1, a, b, hgvs, csq))
        return out
