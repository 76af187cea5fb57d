"""A variant record as the JSON contract writes it, and back.

This is the one place where a :class:`~mmpsi_variants.core.record.Variant` becomes a
``variants[]`` entry of ``<sample>.variants.json`` (``schemas/variants.schema.json``). The key
order is the contract's; every key is always present, null when its stage had nothing to say.
:func:`variant_from_json` reads an entry back (the cohort summary, curated re-runs, tests).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from mmpsi_variants.core.record import Annotation, Call, Inheritance, JsonDict, Lookups, Variant
from mmpsi_variants.core.variant import VariantKey


def _list(values) -> list | None:
    return None if values is None else list(values)


def variant_json(v: Variant) -> JsonDict:
    """The contract's entry for one variant."""
    a, lk, c = v.annotation, v.lookups, v.call
    o = v.inheritance if v.inheritance.analysed else None
    out: JsonDict = {
        "chrom": v.chrom,
        "pos": v.pos,
        "ref": v.ref,
        "alt": v.alt,
        "id": v.id,
        "gene": v.gene,
        "hgnc_id": v.hgnc_id,
        "transcript": a.transcript,
        "consequence": _list(a.consequence),
        "hgvs_c": a.hgvs_c,
        "hgvs_p": a.hgvs_p,
        "genotype": c.genotype,
        "zygosity": c.zygosity,
        "depth": c.depth,
        "allele_fraction": c.allele_fraction,
        "alt_depth": c.alt_depth,
        "genotype_quality": c.genotype_quality,
        "phased": c.phased,
        "phase_set": c.phase_set,
        "quality": v.quality,
        "filter": v.filter,
        "flags": list(v.flags),
        "original": v.original,
        "gnomad_af": lk.gnomad_af,
        "clinvar": lk.clinvar,
        "inheritance": list(o.tags) if o else None,
        "inheritance_fit": o.fit if o else None,
        "origin": o.reason if o else None,
        "de_novo": o.de_novo if o else None,
        "compound_het": o.compound_het if o else None,
        "together": v.together,
        "acmg": v.acmg,
        "notes": list(v.notes),
        "impact": a.impact,
        "exon": a.exon,
        "intron": a.intron,
        "protein_position": a.protein_position,
        "amino_acids": a.amino_acids,
        "nmd": a.nmd,
        "protein_fraction_removed": a.protein_fraction_removed,
        "protein_length": a.protein_length,
        "lof_detail": a.lof_detail,
        "annotation_source": a.source,
        "transcripts": _list(a.transcripts),
        "population": lk.population,
        "clinvar_status": lk.clinvar_status,
        "clinvar_protein": lk.clinvar_protein,
        "scores": lk.scores,
        "phenotype": v.phenotype,
    }
    if v.rank is not None:
        out["rank"] = v.rank
    return out


def _tuple(values) -> tuple | None:
    return None if values is None else tuple(values)


def variant_from_json(d: dict[str, Any]) -> Variant:
    """A record from a contract entry; keys an older or partial entry lacks take the defaults
    of a stage that found nothing."""
    inheritance = Inheritance(analysed=False)
    if d.get("inheritance") is not None:
        inheritance = Inheritance(
            tags=tuple(d.get("inheritance") or ()),
            fit=d.get("inheritance_fit"),
            reason=d.get("origin"),
            de_novo=d.get("de_novo"),
            compound_het=d.get("compound_het"),
        )
    default = Lookups()
    return Variant(
        key=VariantKey(d["chrom"], d["pos"], d["ref"], d["alt"]),
        id=d.get("id"),
        gene=d.get("gene"),
        hgnc_id=d.get("hgnc_id"),
        call=Call(
            genotype=d.get("genotype") or "",
            zygosity=d.get("zygosity") or "",
            depth=d.get("depth"),
            allele_fraction=d.get("allele_fraction"),
            alt_depth=d.get("alt_depth"),
            genotype_quality=d.get("genotype_quality"),
            phased=bool(d.get("phased")),
            phase_set=d.get("phase_set"),
        ),
        quality=d.get("quality"),
        filter=d.get("filter") or "PASS",
        flags=tuple(d.get("flags") or ()),
        original=d.get("original"),
        notes=tuple(d.get("notes") or ()),
        annotation=Annotation(
            transcript=d.get("transcript"),
            consequence=_tuple(d.get("consequence")),
            impact=d.get("impact"),
            hgvs_c=d.get("hgvs_c"),
            hgvs_p=d.get("hgvs_p"),
            exon=d.get("exon"),
            intron=d.get("intron"),
            protein_position=d.get("protein_position"),
            amino_acids=d.get("amino_acids"),
            nmd=d.get("nmd"),
            protein_fraction_removed=d.get("protein_fraction_removed"),
            protein_length=d.get("protein_length"),
            lof_detail=d.get("lof_detail"),
            source=d.get("annotation_source"),
            transcripts=_tuple(d.get("transcripts")),
        ),
        lookups=Lookups(
            gnomad_af=d.get("gnomad_af"),
            population=d.get("population") or default.population,
            clinvar=d.get("clinvar"),
            clinvar_status=d.get("clinvar_status") or default.clinvar_status,
            clinvar_protein=d.get("clinvar_protein"),
            scores=d.get("scores") or default.scores,
        ),
        inheritance=inheritance,
        together=d.get("together"),
        acmg=d.get("acmg"),
        rank=d.get("rank"),
        phenotype=d.get("phenotype"),
    )


_ACMG = "\x00acmg\x00"  # a stand-in no VCF string can hold
_ACMG_JSON = json.dumps(_ACMG)


@lru_cache(maxsize=65536)
def _criterion_text(values: tuple[Any, ...]) -> str:
    return json.dumps(dict(zip(_CRITERION_KEYS, values, strict=True)), ensure_ascii=False)


_CRITERION_KEYS = ("code", "criterion", "status", "strength", "points", "reason", "source")


def entry_text(entry: JsonDict) -> str:
    """``json.dumps(entry)`` (with ``ensure_ascii=False``), to the byte, but with each ACMG
    criterion's text encoded once per distinct criterion result: an exome's entries repeat
    the same few hundred results millions of times, and encoding them took a third of the
    writing."""
    acmg = entry.get("acmg")
    if not isinstance(acmg, dict) or not acmg.get("criteria") or next(iter(acmg)) != "criteria":
        return json.dumps(entry, ensure_ascii=False)
    texts = [
        _criterion_text(tuple(c.values())) if tuple(c) == _CRITERION_KEYS
        else json.dumps(c, ensure_ascii=False)
        for c in acmg["criteria"]
    ]  # fmt: skip
    rest = json.dumps({k: v for k, v in acmg.items() if k != "criteria"}, ensure_ascii=False)
    tail = ", " + rest[1:] if len(rest) > 2 else "}"
    acmg_text = '{"criteria": [' + ", ".join(texts) + "]" + tail
    text = json.dumps({**entry, "acmg": _ACMG}, ensure_ascii=False)
    return text.replace(_ACMG_JSON, acmg_text, 1)
