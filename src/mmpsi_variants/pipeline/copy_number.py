"""The filter's copy-number part: the ``--cnv`` tables read once, and each sample's section.

Each ``--cnv`` file is a ``<sample>.cnv.tsv`` of ``mmpsi-variants cnv`` (``SAMPLE=FILE`` names
the sample; otherwise the file's ``# sample:`` line does). The workflow passes the tables of
every sample of the run: a family's parents are read for the origin of a child's calls, the
rest are unused. Each reported sample's document gains ``copy_number``: whether copy number was
assessed (and if not, why), and its calls in the panel genes as classed candidates.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.phenotype import sample_says_eimfs
from mmpsi_variants.acmg.ranking import CLASS_ORDER, rank_key, weaker
from mmpsi_variants.cnv.candidates import METHOD, candidate
from mmpsi_variants.cnv.results import SampleCnv, read_cnv_tsv
from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.core.record import Variant
from mmpsi_variants.io.genemodels import primary_transcript
from mmpsi_variants.pipeline.inputs import FilterInputs
from mmpsi_variants.pipeline.patients import onset_of
from mmpsi_variants.qc.sample_checks import SampleChecks


def read_tables(specs: tuple[str, ...]) -> dict[str, SampleCnv]:
    """The ``--cnv`` tables by sample; a sample named twice is an error."""
    out: dict[str, SampleCnv] = {}
    for spec in specs:
        named, sep, path = spec.partition("=")
        if not sep or not named or Path(spec).exists():
            named, path = "", spec
        table = read_cnv_tsv(path)
        if named and named != table.sample:
            raise InputFileError(
                f"--cnv names sample {named!r}, but the table is {table.sample!r}'s "
                "(its # sample: line)",
                path=path,
            )
        if table.sample in out:
            raise InputFileError(
                f"a second copy-number table for {table.sample!r} (the first is "
                f"{out[table.sample].path}); expected one per sample",
                path=path,
            )
        out[table.sample] = table
    return out


def _not_assessed(status: str, reason: str) -> dict[str, Any]:
    return {"status": status, "reason": reason, "method": None, "source": None,
            "reference_samples": [], "notes": [], "candidates": []}  # fmt: skip


def copy_number_section(
    inputs: FilterInputs,
    tables: dict[str, SampleCnv],
    sample: str,
    checks: SampleChecks | None,
    variants: list[Variant],
) -> dict[str, Any]:
    """The document's ``copy_number``: the sample's calls in the reported genes, classed."""
    if not inputs.options.cnv:
        return _not_assessed("not_assessed", "no copy-number table was given (filter --cnv)")
    table = tables.get(sample)
    if table is None:
        return _not_assessed(
            "not_assessed",
            f"no copy-number table for {sample} among the --cnv files (a sample that starts "
            "from a VCF has no read depth to compare)",
        )
    if table.skipped:
        return {**_not_assessed("skipped", table.skipped), "source": table.path}
    family = inputs.families[sample]
    phenotype = family.phenotype
    affected = None if phenotype == "unknown" else phenotype == "affected"
    eimfs = sample_says_eimfs(sample, affected, inputs.options.phenotypes)
    onset = onset_of(sample, inputs.options.onsets, inputs.patients)
    patient = inputs.patients.get(sample)

    def context(gene) -> Context:
        terms = patient.match(gene.symbol) if patient else None
        return Context(settings=inputs.acmg, panel_gene=gene, affected=affected,
                       phenotype_eimfs=eimfs, onset_days=onset,
                       phenotype_terms=terms)  # fmt: skip

    regions = {r.symbol: r for r in inputs.regions}
    notes = list(table.notes)
    left_out = []
    found = []
    for call in table.calls:
        pg = inputs.known_genes.gene(call.gene)
        region = regions.get(pg.symbol) if pg else None
        if pg is None or (inputs.panel is not None and region is None):
            left_out.append(f"{call.gene} exons {call.exons}")
            continue
        ts = None
        if region is not None and inputs.annotator is not None:
            tx = primary_transcript(region.gene, pg.preferred_transcripts)
            ts = inputs.annotator.transcript_seq(tx) if tx is not None else None
        plot = Path(str(table.path)).parent / sample / f"{pg.symbol}.png"

        found.append(
            {
                **candidate(
                    call,
                    sex=inputs.sexes[sample],
                    family=family,
                    results=tables,
                    parentage=checks.parentage.get(sample) if checks else None,
                    gene=pg,
                    ts=ts,
                    variants=variants,
                    context=context,
                    thresholds=inputs.acmg.thresholds,
                    plot=str(plot) if plot.is_file() else None,
                ),
                "phenotype": patient.match(pg.symbol).to_json() if patient else None,
            }  # fmt: skip
        )
    if left_out:
        notes.append(f"calls outside the reported genes, not listed: {', '.join(left_out)}")
    found.sort(key=_rank)
    return {
        "status": "assessed",
        "reason": None,
        "method": METHOD,
        "source": table.path,
        "reference_samples": table.reference_samples,
        "notes": notes,
        "candidates": found,
    }


def _rank(c: dict[str, Any]) -> tuple[int, int, int, str, int]:
    acmg = c["acmg"]
    return (
        CLASS_ORDER.get(acmg["genotype"]["classification"], 2),
        CLASS_ORDER.get(acmg["classification"], 2),
        -acmg["points"],
        c["chrom"],
        c["start"],
    )


def with_copy_number_partners(variants: list[Variant], section: dict[str, Any]) -> list[Variant]:
    """The sequence variants, where one pairs with a copy-number call of a recessive gene (the
    call's genotype names it as its partner), with the pair's genotype class, as a sequence
    partner would give; then ranked again. A better pair the variant already has stays."""
    pairs, inside = {}, {}
    for c in section.get("candidates") or []:
        partner = c["acmg"]["genotype"].get("partner")
        if partner:
            pairs[partner] = c
        for p in c["partners"]:
            if (p.get("phased_by") or "").startswith("it lies inside"):
                inside[p["variant"]] = c
    if not pairs and not inside:
        return variants
    out = []
    for v in variants:
        if v.label in inside:
            v = _inside_flag(v, inside[v.label])
        c = pairs.get(v.label)
        acmg = v.acmg or {}
        genotype = acmg.get("genotype") or {}
        if c is None:
            out.append(v)
            continue
        event = _event(c)
        paired = weaker(acmg.get("classification"), c["acmg"]["classification"])
        if CLASS_ORDER.get(paired, 2) >= CLASS_ORDER.get(genotype.get("classification"), 2):
            out.append(v)
            continue
        new = {
            **genotype,
            "classification": paired,
            "partner": event,
            "reason": f"recessive pair with the {event} ({c['acmg']['classification']}): the "
            "genotype counts as its weaker allele",
        }
        out.append(replace(v, acmg={**acmg, "genotype": new}))
    order = sorted(out, key=rank_key)
    return [replace(v, rank=rank) for rank, v in enumerate(order, 1)]


def _event(c: dict[str, Any]) -> str:
    return f"{c['gene']} {c['call']} of exon{'s' if '-' in c['exons'] else ''} {c['exons']}"


def _inside_flag(v: Variant, c: dict[str, Any]) -> Variant:
    """A variant called inside a heterozygous deletion is the only copy left: the caller's
    "homozygous" (and what rests on it) is read as hemizygous over the deletion."""
    acmg = v.acmg or {}
    flag = {
        "flag": "inside_deletion",
        "text": f"lies inside the {_event(c)} (copy number {c['copy_number']}): its only copy, "
        f"so the call reads hemizygous over the deletion, not {v.call.zygosity}; the zygosity "
        "and the criteria that rest on it (PM3 for a homozygote) are the caller's",
        "verification": None,
    }
    return replace(v, acmg={**acmg, "flags": [*(acmg.get("flags") or []), flag]})
