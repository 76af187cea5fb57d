"""Copy number in parts: the table format, the pooled reference, the segment refinement, what
an exon-level event does to a transcript, its ACMG evidence and its origin from the parents."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mmpsi_variants.acmg.copy_number import CnvFacts, Partner, assess_cnv, pvs1_cnv
from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.settings import AcmgSettings
from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.annotation.hgvs import exon_event_hgvs
from mmpsi_variants.annotation.protein import exon_skip_effect, exons_change_effect
from mmpsi_variants.cnv.candidates import origin
from mmpsi_variants.cnv.results import CnvCall, SampleCnv, cnv_tsv, read_cnv_tsv
from mmpsi_variants.cnv.segments import refine
from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.core.settings import load_settings
from mmpsi_variants.inheritance.families import Relative, SampleFamily
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.panel.knowledge import load_panel

from . import synthetic_tx

PANEL = load_panel()
SETTINGS = AcmgSettings.from_settings(load_settings(None))
CALL = CnvCall("SCN1A", "9-10", "chr2", 48729, 49859, 1, -0.997, "deletion", 3, -1.05, -0.96)


# -- the table


def test_the_table_reads_back_what_was_written(tmp_path):
    result = SampleCnv("S1", [CALL], notes=["chrX not called: x"], reference_samples=["a", "b"])
    path = tmp_path / "S1.cnv.tsv"
    path.write_text(cnv_tsv(result))
    back = read_cnv_tsv(path)
    assert (back.sample, back.calls, back.notes, back.reference_samples) == (
        "S1",
        [CALL],
        ["chrX not called: x"],
        ["a", "b"],
    )
    assert not back.x_called


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("deletion", "loss"), "line 4: call 'loss'; expected deletion or duplication"),
        (("\t1\t", "\tone\t"), "line 4: copy_number 'one' is not an integer"),
        (("9-10", "9_10"), "line 4: exons '9_10'; expected an exon number or a range"),
        (("gene\texons", "gene\texon"), "line 3: expected the header"),
    ],
)
def test_a_bad_table_is_named_with_its_line(tmp_path, change, message):
    path = tmp_path / "S1.cnv.tsv"
    path.write_text(cnv_tsv(SampleCnv("S1", [CALL])).replace(*change, 1))
    with pytest.raises(InputFileError, match=message):
        read_cnv_tsv(path)


# -- the pooled reference


def _cnn(directory, n, rng):
    bins = pd.DataFrame(
        {
            "chromosome": ["chr1"] * 40 + ["chr2"] * 40,
            "start": list(range(1000, 41000, 1000)) * 2,
            "gene": [f"G{i // 10}" for i in range(80)],
        }
    )
    bins["end"] = bins["start"] + 150
    files = []
    for i in range(n):
        depth = rng.gamma(50, 1.0, len(bins)) * rng.uniform(0.5, 1.5)
        table = bins.assign(depth=depth.round(2), log2=np.log2(depth).round(4))
        path = directory / f"{i:05d}.targetcoverage.cnn"
        table[["chromosome", "start", "end", "gene", "depth", "log2"]].to_csv(
            path, sep="\t", index=False
        )
        files.append(str(path))
    return files


def test_the_pool_gives_what_cnvkit_reference_gives_for_the_same_samples(tmp_path):
    from cnvlib import reference

    from mmpsi_variants.cnv.calling import Pool

    files = _cnn(tmp_path, 6, np.random.default_rng(7))
    pool = Pool(files, None)
    for rows in ([1, 2, 3, 4, 5], [0, 2, 5]):
        ours = pool.reference(rows).data
        theirs = reference.do_reference([files[r] for r in rows], female_samples=True).data
        for column in ("log2", "depth", "spread"):
            np.testing.assert_allclose(ours[column], theirs[column], rtol=1e-12, atol=1e-12)


# -- the segment refinement


def _bins(log2):
    n = len(log2)
    return pd.DataFrame(
        {
            "chromosome": ["chr1"] * n,
            "start": [i * 100 for i in range(n)],
            "end": [i * 100 + 90 for i in range(n)],
            "log2": log2,
            "weight": [1.0] * n,
        }
    )


def _segs(*spans):
    return pd.DataFrame(
        [
            {
                "chromosome": "chr1",
                "start": a * 100,
                "end": b * 100 + 90,
                "gene": "G",
                "log2": lg,
                "probes": b - a + 1,
            }
            for a, b, lg in spans
        ]
    )


def test_a_called_segment_is_narrowed_to_the_bins_that_lean_its_way():
    log2 = [0.0] * 4 + [-20.0] * 4 + [0.0] * 4
    segs = _segs((0, 2, 0.0), (3, 8, -17.0), (9, 11, 0.0))
    out, _ = refine(segs, _bins(log2), np.full(12, 0.05), lambda c: 2)
    assert list(out[["start", "end", "probes"]].itertuples(index=False, name=None))[1] == (
        400,
        790,
        4,
    )
    assert out["log2"][1] == pytest.approx(-20.0)


def test_a_single_exon_outlier_is_split_from_its_normal_segment():
    log2 = [0.01, -0.02, 0.0, -0.98, 0.02, 0.0, -0.3]  # -0.3: beyond 5 spreads, still 2 copies
    out, singles = refine(_segs((0, 6, -0.1)), _bins(log2), np.full(7, 0.04), lambda c: 2)
    assert list(out[["start", "probes"]].itertuples(index=False, name=None)) == [
        (0, 3),
        (300, 1),
        (400, 3),
    ]
    assert singles == {("chr1", 300, 390): 0.04}
    # The same bin in noisy bins (spread 0.25: 4 spreads) stays where it is.
    out, _ = refine(_segs((0, 6, -0.1)), _bins(log2), np.full(7, 0.25), lambda c: 2)
    assert len(out) == 1


# -- what the event does to the transcript


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    fasta, gff = synthetic_tx.write(tmp_path_factory.mktemp("syn"))
    annotator = Annotator(load_gene_models(gff), Reference(str(fasta)))
    out = {}
    for g in annotator.models.genes:
        for t in g.transcripts:
            if t.id.startswith("T_"):
                out[t.chrom] = annotator.transcript_seq(t)
    return out


@pytest.mark.parametrize("strand", ["plus", "minus"])
def test_exon_events_on_the_synthetic_transcript(synthetic, strand):
    ts = synthetic[strand]
    # Exon 2 is 90 nt of CDS (c.31..c.120): in frame, 30 of 59 residues lost.
    e = exons_change_effect(ts, 2, 2)
    assert (e["in_frame"], e["coding"], e["fraction_removed"]) == (True, True, 0.5085)
    assert exon_event_hgvs(ts, 2, 2, False).endswith(":c.(30+1_31-1)_(120+1_121-1)del")
    assert exons_change_effect(ts, 1, 2)["start_codon_lost"]
    assert exons_change_effect(ts, 1, 3)["whole_transcript"]
    assert exon_event_hgvs(ts, 1, 3, True).endswith(":c.(?_-30)_(*50_?)dup")
    dup = exons_change_effect(ts, 2, 2, duplicated=True)
    assert dup["in_frame"] and dup["fraction_removed"] == 0.0
    # The one-exon skip keeps the splice rule's old shape.
    assert exon_skip_effect(ts, 2) == {
        "exon": 2,
        "exon_length": 90,
        "in_frame": True,
        "coding": True,
        "nmd": None,
        "fraction_removed": 0.5085,
    }


# -- the evidence


def facts(**over):
    base = dict(
        gene="SCN1A",
        call="deletion",
        zygosity="heterozygous",
        copy_number=1,
        whole_gene=False,
        effect={
            "exons": [9, 10],
            "length": 554,
            "coding": True,
            "in_frame": False,
            "nmd": "NMD_predicted",
            "fraction_removed": 0.84,
            "start_codon_lost": False,
            "exon_count": 20,
        },
        origin="de_novo",
        de_novo_confidence="confirmed",
    )
    base.update(over)
    return CnvFacts(**base)


def ctx(gene, **over):
    return Context(settings=SETTINGS, panel_gene=PANEL.gene(gene), affected=True, **over)


def test_pvs1_by_the_deletion_branch():
    assert pvs1_cnv(facts(), ctx("SCN1A")).strength == "VeryStrong"
    whole = pvs1_cnv(facts(whole_gene=True, effect=None), ctx("SCN1A"))
    assert (whole.strength, "every coding exon" in whole.reason) == ("VeryStrong", True)
    inframe = {**facts().effect, "in_frame": True, "nmd": None, "fraction_removed": 0.3}
    assert pvs1_cnv(facts(effect=inframe), ctx("SCN1A")).strength == "Strong"
    small = {**inframe, "fraction_removed": 0.05}
    assert pvs1_cnv(facts(effect=small), ctx("SCN1A")).strength == "Moderate"


def test_a_duplication_presumed_in_tandem_is_at_most_strong():
    dup = pvs1_cnv(facts(call="duplication", copy_number=3), ctx("SCN1A"))
    assert (dup.status, dup.strength) == ("met", "Strong")
    inframe = {**facts().effect, "in_frame": True, "nmd": None}
    assert pvs1_cnv(facts(call="duplication", effect=inframe), ctx("SCN1A")).status == "not_met"
    assert pvs1_cnv(facts(call="duplication", whole_gene=True), ctx("SCN1A")).status == "not_met"


@pytest.mark.parametrize("gene", ["KCNT1", "SCN2A", "SCN8A"])
def test_no_pvs1_for_a_deletion_in_a_gain_of_function_gene(gene):
    f = facts(gene=gene)
    r = pvs1_cnv(f, ctx(gene))
    assert r.status == "not_met" and "not the EIMFS mechanism" in r.reason
    flags = assess_cnv(f, ctx(gene), SETTINGS.thresholds, True)["flags"]
    assert "mechanism_mismatch" in [x["flag"] for x in flags]


def test_a_gene_of_unknown_mechanism_is_not_evaluated():
    assert pvs1_cnv(facts(gene="KCNQ2"), ctx("KCNQ2")).status == "not_evaluated"


def test_a_confirmed_de_novo_deletion_in_scn1a_is_pathogenic():
    a = assess_cnv(facts(), ctx("SCN1A"), SETTINGS.thresholds, True)
    assert a["met"][0] == "PVS1" and any(m.startswith("PS2") for m in a["met"])
    assert a["classification"] == "Pathogenic"
    assert len(a["criteria"]) == 28


def test_a_recessive_gene_needs_both_alleles():
    het = assess_cnv(
        facts(gene="ALDH7A1", origin="unknown", de_novo_confidence=None),
        ctx("ALDH7A1"),
        SETTINGS.thresholds,
        False,
    )
    assert het["genotype"]["classification"] == "Uncertain significance"
    partner = Partner("chr5:100:C:T", "trans", "the parents", "Likely pathogenic")
    pair = assess_cnv(
        facts(gene="ALDH7A1", origin="inherited_paternal", partners=(partner,)),
        ctx("ALDH7A1"),
        SETTINGS.thresholds,
        True,
    )
    assert "PM3" in pair["met"]
    assert pair["genotype"]["partner"] == "chr5:100:C:T"
    hom = assess_cnv(
        facts(gene="PLCB1", zygosity="homozygous", copy_number=0, origin="unknown"),
        ctx("PLCB1"),
        SETTINGS.thresholds,
        False,
    )
    assert "PM3_Supporting" in hom["met"]


# -- the origin


def _family(sex="female", father=True, mother=True):
    def rel(role, name, index):
        return Relative(role, name, index, "male" if role == "father" else "female", "unaffected")

    return SampleFamily(
        "C",
        0,
        sex,
        "affected",
        rel("father", "F", 1) if father else None,
        rel("mother", "M", 2) if mother else None,
    )


def test_origin_from_the_parents_calls():
    none = {"F": SampleCnv("F"), "M": SampleCnv("M")}
    o = origin(CALL, _family(), none, None)
    assert (o.tags, o.confidence) == (("de_novo",), "assumed")
    mum = {**none, "M": SampleCnv("M", [CALL])}
    assert origin(CALL, _family(), mum, None).tags == ("inherited_maternal",)
    skipped = {**none, "F": SampleCnv("F", skipped="too few samples")}
    o = origin(CALL, _family(), skipped, None)
    assert o.status == "unknown" and "too few samples" in o.reason
    assert origin(CALL, _family(), {"M": SampleCnv("M")}, None).status == "unknown"


def test_a_sons_x_comes_from_his_mother():
    x = CnvCall("ATP7A", "3-4", "chrX", 7215, 8924, 0, -25.9, "deletion", 5, -25.9, -25.8)
    dad = {"F": SampleCnv("F", [x]), "M": SampleCnv("M")}
    assert origin(x, _family(sex="male"), dad, None).tags == ("de_novo",)
    not_called = {"F": SampleCnv("F"), "M": SampleCnv("M", notes=["chrX not called: few"])}
    assert origin(x, _family(sex="male"), not_called, None).status == "unknown"


# -- second alleles


def _snv(pos, zygosity, tags, cls="Likely pathogenic", gene="ALDH7A1"):
    from mmpsi_variants.report.record import variant_from_json

    pg = PANEL.gene(gene)
    v = variant_from_json({
        "chrom": "chr5", "pos": pos, "ref": "C", "alt": "T", "gene": gene,
        "hgnc_id": pg.hgnc_id, "zygosity": zygosity, "inheritance": tags,
    })  # fmt: skip
    genotype = {"classification": "Uncertain significance", "partner": None,
                "reason": "one allele of a recessive gene"}  # fmt: skip
    return replace(v, acmg={"classification": cls, "points": 7, "genotype": genotype}, rank=1)


FAM = None  # set below, once _family exists

DEL = CnvCall("ALDH7A1", "7", "chr5", 19669, 19751, 1, -0.98, "deletion", 1, -1.05, -0.89)


def test_a_variant_inside_a_deletion_is_on_the_other_copy():
    from mmpsi_variants.cnv.candidates import Origin, partners

    unknown = Origin((), "unknown", None, "", ())
    inside = _snv(19700, "homozygous", [])
    (p,), notes = partners(DEL, "heterozygous", unknown, PANEL.gene("ALDH7A1"), [inside], FAM)
    assert (p.phase, notes) == ("trans", [])
    het = _snv(19700, "heterozygous", [])
    _, notes = partners(DEL, "heterozygous", unknown, PANEL.gene("ALDH7A1"), [het], FAM)
    assert "called heterozygous inside the deletion" in notes[0]
    from mmpsi_variants.cnv.candidates import ParentState

    states = (ParentState("father", "F", "carries", "", "unaffected"),
              ParentState("mother", "M", "does_not_carry", "", "unaffected"))  # fmt: skip
    paternal = Origin(("inherited_paternal",), "inherited_paternal", None, "", states)
    outside = _snv(25000, "heterozygous", ["inherited_maternal"])
    (p,), _ = partners(DEL, "heterozygous", paternal, PANEL.gene("ALDH7A1"), [outside], FAM)
    assert (p.phase, p.phased_by) == ("trans", "the parents")
    same = _snv(25000, "heterozygous", ["inherited_paternal"])
    assert partners(DEL, "heterozygous", paternal, PANEL.gene("ALDH7A1"), [same], FAM)[0][
        0
    ].phase == ("cis")


def test_a_sequence_variant_paired_with_a_deletion_takes_the_pairs_class():
    from mmpsi_variants.pipeline.copy_number import with_copy_number_partners

    snv = _snv(25000, "heterozygous", ["inherited_maternal"])
    other = replace(_snv(30000, "heterozygous", [], gene="ALDH7A1"), rank=2)
    section = {"candidates": [{
        "gene": "ALDH7A1", "call": "deletion", "exons": "7",
        "acmg": {"classification": "Pathogenic", "genotype": {"partner": snv.label}},
    }]}  # fmt: skip
    section["candidates"][0].update(
        copy_number=1,
        partners=[
            {"variant": snv.label, "phase": "trans", "phased_by": "it lies inside the deletion"}
        ],
    )
    out = with_copy_number_partners([other, snv], section)
    first = out[0]
    assert first.label == snv.label and first.rank == 1
    assert first.acmg["genotype"]["classification"] == "Likely pathogenic"
    assert first.acmg["genotype"]["partner"] == "ALDH7A1 deletion of exon 7"
    assert out[1].acmg["genotype"]["classification"] == "Uncertain significance"
    (flag,) = first.acmg["flags"]
    assert flag["flag"] == "inside_deletion" and "hemizygous over the deletion" in flag["text"]


FAM = _family()


def test_no_phase_from_a_parent_that_was_not_assessed():
    from mmpsi_variants.cnv.candidates import Origin, ParentState, partners

    states = (ParentState("father", "F", "carries", "", "unaffected"),
              ParentState("mother", "M", "not_assessed", "", "unaffected"))  # fmt: skip
    paternal = Origin(("inherited_paternal",), "inherited_paternal", None, "", states)
    outside = _snv(25000, "heterozygous", ["inherited_maternal"])
    (p,), _ = partners(DEL, "heterozygous", paternal, PANEL.gene("ALDH7A1"), [outside], FAM)
    assert p.phase == "unknown"


def test_origin_needs_both_parents_and_reads_a_homozygous_deletion_with_care():
    none = {"F": SampleCnv("F"), "M": SampleCnv("M")}
    duo = origin(CALL, _family(father=False), {"M": SampleCnv("M")}, None)
    assert duo.status == "unknown" and "no father in the pedigree" in duo.reason
    hom = CnvCall("PLCB1", "5-8", "chr20", 7964, 9195, 0, -25.9, "deletion", 4, -25.9, -25.8)
    neither = origin(hom, _family(), none, None, copies=0)
    assert neither.status == "unknown" and "implausible" in neither.reason
    one = origin(hom, _family(), {**none, "F": SampleCnv("F", [hom])}, None, copies=0)
    assert one.tags == ("inherited_paternal",) and "other copy" in one.reason
    both = {"F": SampleCnv("F", [CALL]), "M": SampleCnv("M", [CALL])}
    assert origin(CALL, _family(), both, None, copies=1).tags == ("inherited",)


@pytest.mark.parametrize("strand", ["plus", "minus"])
def test_a_deletion_of_the_last_exon_is_a_3_prime_truncation(synthetic, strand):
    ts = synthetic[strand]
    e = exons_change_effect(ts, 3, 3)
    assert e["stop_codon_lost"] and e["nmd"] == "NMD_escaping"
    assert e["fraction_removed"] == round(19 / 59, 4)
    assert exon_event_hgvs(ts, 3, 3, False).endswith(":c.(120+1_121-1)_(*50_?)del")
    r = pvs1_cnv(facts(effect=e), ctx("SCN1A"))
    assert r.strength == "Strong" and "3' end" in r.reason
    dup = exons_change_effect(ts, 3, 3, duplicated=True)
    assert pvs1_cnv(facts(call="duplication", effect=dup), ctx("SCN1A")).status == "not_met"


def test_a_start_codon_deletion_is_left_to_a_reviewer():
    e = {**facts().effect, "start_codon_lost": True}
    assert pvs1_cnv(facts(effect=e), ctx("SCN1A")).status == "not_evaluated"


def test_a_male_with_a_pcdh19_deletion_is_not_explained_by_it():
    x = assess_cnv(
        facts(gene="PCDH19", zygosity="hemizygous", copy_number=0, origin="unknown"),
        ctx("PCDH19"), SETTINGS.thresholds, False,
    )  # fmt: skip
    assert "inheritance_misfit" in [f["flag"] for f in x["flags"]]
    assert x["genotype"]["classification"] in ("Uncertain significance", "Likely benign")
