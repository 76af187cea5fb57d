"""The key of one variant allele: contig, position, REF and ALT after splitting and trimming.

The JSON contract, compound-heterozygote partners, curator rows and resource look-ups all name
an allele the same way, ``chrom:pos:ref:alt``; this is the one place that spells it.

>>> key = VariantKey("chr9", 12383, "C", "T")
>>> key.label
'chr9:12383:C:T'
>>> VariantKey.parse("chr9:12383:C:T") == key
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mmpsi_variants.core.contigs import canonical


@dataclass(frozen=True, slots=True)
class VariantKey:
    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def label(self) -> str:
        """``chrom:pos:ref:alt``, as the outputs name an allele."""
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    def __str__(self) -> str:
        return self.label

    @property
    def canonical(self) -> VariantKey:
        """The same allele with the contig name in its canonical form (``chr1`` = ``1``), so
        that keys from files with different naming match."""
        return VariantKey(canonical(self.chrom), self.pos, self.ref, self.alt)

    @classmethod
    def of(cls, variant: Mapping[str, Any]) -> VariantKey:
        """The key of a variant given as a mapping with chrom, pos, ref and alt."""
        return cls(variant["chrom"], variant["pos"], variant["ref"], variant["alt"])

    @classmethod
    def parse(cls, label: str) -> VariantKey:
        """The key written as ``chrom:pos:ref:alt`` (contig names may not contain ':')."""
        chrom, pos, ref, alt = label.rsplit(":", 3)
        return cls(chrom, int(pos), ref, alt)
