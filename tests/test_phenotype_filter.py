"""The filter with the patient's HPO terms: each variant's gene match, research mode's order,
PP4 from terms, Phenopackets, and the options' errors."""

from __future__ import annotations

import json

import pytest

from mmpsi_variants.phenotype.ontology import ontology

from .conftest import DEMO, REAL
from .test_inheritance_rules import BASE

TRIO_GFF = """##gff-version 3
chr21\ttest\tgene\t500\t5000\t.\t+\t.\tID=gene:G1;Name=OR4F5;biotype=protein_coding
chr21\ttest\tgene\t10000\t15000\t.\t+\t.\tID=gene:G2;Name=STXBP1;biotype=protein_coding
"""

HEAD = [
    "##fileformat=VCFv4.2",
    "##contig=<ID=chr21,length=46709983>",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tkid\tdad\tmom",
]
PACKET = REAL / "phenopackets" / "KCNT1" / "PMID_23086397_Patient_1.json"


def _trio(tmp_path):
    """A trio with the same de novo A>G in an olfactory receptor gene (first) and in STXBP1."""
    calls = "GT:AD:DP:GQ\t0/1:20,20:40:99\t0/0:40,0:40:99\t0/0:40,0:40:99"
    body = [f"chr21\t{pos}\t.\tA\tG\t50\tPASS\t.\t{calls}" for pos in (1000, 12000)]
    vcf = tmp_path / "trio.vcf"
    vcf.write_text("\n".join(HEAD + body) + "\n")
    (tmp_path / "g.gff3").write_text(TRIO_GFF)
    (tmp_path / "t.ped").write_text(
        "F\tkid\tdad\tmom\t1\t2\nF\tdad\t0\t0\t1\t1\nF\tmom\t0\t0\t2\t1\n"
    )
    return [
        "filter",
        vcf,
        "--no-panel",
        "--genes",
        tmp_path / "g.gff3",
        "--ped",
        tmp_path / "t.ped",
    ]


def _disease_terms(omim: int) -> str:
    (disease,) = [d for d in ontology().omim_diseases if d.id == omim]
    return ";".join(f"HP:{t:07d}" for t in sorted(disease.hpo) if t != 6)  # not the mode term


def _doc(out, sample="kid"):
    return json.loads((out / f"{sample}.variants.json").read_text())


def test_research_mode_puts_the_gene_matching_the_terms_first(run, tmp_path):
    base = _trio(tmp_path)
    plain = run(*base, "-o", tmp_path / "plain")
    assert plain.exit_code == 0, plain.output
    before = _doc(tmp_path / "plain")["variants"]
    assert [v["gene"] for v in before] == ["OR4F5", "STXBP1"]  # a tie, broken by position
    assert before[0]["acmg"]["points"] == before[1]["acmg"]["points"]
    assert all(v["phenotype"] is None for v in before)
    # The terms of STXBP1's disease (OMIM:612164, developmental and epileptic encephalopathy 4).
    terms = _disease_terms(612164)
    result = run(*base, "--hpo", f"kid={terms}", "-o", tmp_path / "hpo")
    assert result.exit_code == 0, result.output
    doc = _doc(tmp_path / "hpo")
    after = doc["variants"]
    assert [v["gene"] for v in after] == ["STXBP1", "OR4F5"]
    assert after[0]["acmg"]["points"] == after[1]["acmg"]["points"]  # the class is untouched
    assert after[0]["phenotype"]["rank_among_genes"] == 1
    assert after[0]["phenotype"]["score"] > 10 and after[0]["phenotype"]["matched_terms"]
    assert after[1]["phenotype"] == {"score": None, "rank_among_genes": None, "matched_terms": []}
    assert doc["ranking_rule"].startswith("research mode with HPO terms")
    assert doc["phenotype"]["source"] == "--hpo kid="
    assert doc["phenotype"]["hpo_release"].startswith("20")
    assert doc["phenotype"]["top_genes"][0]["gene"] == "STXBP1"
    # The parents are unaffected: no terms reach them.
    assert _doc(tmp_path / "hpo", "dad")["phenotype"] is None
    tsv = (tmp_path / "hpo" / "kid.variants.tsv").read_text().splitlines()
    header = tsv[0].split("\t")
    first = dict(zip(header, tsv[1].split("\t"), strict=True))
    assert (first["gene"], first["phenotype_rank"]) == ("STXBP1", "1")


def _demo(run, tmp_path, *extra):
    out = tmp_path / "out"
    result = run("filter", DEMO / "demo.vcf.gz", *BASE, "--ped", DEMO / "demo.ped",
                 "--sample", "EIMFS01", "-o", out, *extra)  # fmt: skip
    return result, out


def _pp4(v):
    return next(c for c in v["acmg"]["criteria"] if c["code"].startswith("PP4"))


def _panel_curating(tmp_path, gene: str, terms: list[str]):
    """The shipped panel with ``terms`` listed as specific for ``gene``: a test curation."""
    import yaml

    from mmpsi_variants.panel.knowledge import default_panel_path

    doc = yaml.safe_load(default_panel_path().read_text())
    (entry,) = [g for g in doc["genes"] if g["symbol"] == gene]
    entry["acmg"]["pp4"] = {"applicable": True, "specific_terms": terms, "verification": "V",
                            "sources": ["S45"], "note": "test curation"}  # fmt: skip
    path = tmp_path / "panel.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_pp4_from_terms_only_where_the_panel_curates_them(run, tmp_path):
    """Raised alpha-aminoadipic semialdehyde (HP:0034365) is annotated to ALDH7A1 alone in HPO,
    but that does not make it PP4: the shipped panel curates no specific term, so the match is
    shown, not counted. A panel that lists the term gives PP4 for the demo child's ALDH7A1
    pair in trans, and never for its de novo KCNT1 variant."""
    terms = "EIMFS01=HP:0034365;HP:0001250"
    result, out = _demo(run, tmp_path / "shipped", "--hpo", terms)
    assert result.exit_code == 0, result.output
    variants = _doc(out, "EIMFS01")["variants"]
    aldh = [v for v in variants if v["gene"] == "ALDH7A1"]
    assert len(aldh) == 2
    for v in aldh:
        assert v["phenotype"]["rank_among_genes"] == 1
        assert _pp4(v)["status"] == "not_met"
        assert "curates no HPO term as highly specific for ALDH7A1" in _pp4(v)["reason"]
    panel = _panel_curating(tmp_path, "ALDH7A1", ["HP:0034365"])
    result, out = _demo(run, tmp_path / "curated", "--hpo", terms, "--panel", panel)
    assert result.exit_code == 0, result.output
    variants = _doc(out, "EIMFS01")["variants"]
    for v in (v for v in variants if v["gene"] == "ALDH7A1"):
        pp4 = _pp4(v)
        assert pp4["status"] == "met" and pp4["strength"] == "Supporting", pp4
        assert "HP:0034365 Elevated circulating alpha-aminoadipic" in pp4["reason"]
        assert "ranks 1 of" in pp4["reason"]
    kcnt1 = next(v for v in variants if v["gene"] == "KCNT1" and "de_novo" in v["inheritance"])
    assert _pp4(kcnt1)["status"] == "not_met"
    # A panel naming a term the ontology does not have stops the run, naming the gene.
    bad = _panel_curating(tmp_path, "ALDH7A1", ["HP:9999999"])
    result, _ = _demo(run, tmp_path / "bad", "--hpo", terms, "--panel", bad)
    assert result.exit_code == 2
    assert "gene ALDH7A1, acmg.pp4.specific_terms: HP:9999999 is not in the HPO" in result.output


def test_a_phenopacket_names_its_sample_or_is_given_one(run, tmp_path):
    result, _ = _demo(run, tmp_path, "--phenopacket", PACKET)
    assert result.exit_code == 2
    assert "its subject 'Patient 1' is not a sample of the VCF" in result.output
    result, out = _demo(run, tmp_path, "--phenopacket", f"EIMFS01={PACKET}")
    assert result.exit_code == 0, result.output
    section = _doc(out, "EIMFS01")["phenotype"]
    assert section["source"] == f"Phenopacket {PACKET}"
    excluded = [t["id"] for t in section["terms"] if t["excluded"]]
    assert excluded == ["HP:0033725", "HP:0032773", "HP:0002266", "HP:0011169", "HP:0008936"]
    assert (section["onset"], section["onset_days"]) == ("P1M", 30)
    # The packet is of 'Patient 1', used for EIMFS01 as asked: said, not refused.
    said = "the Phenopacket's subject is 'Patient 1'; its terms are used for sample EIMFS01"
    assert said in result.output
    assert any(said in w for w in _doc(out, "EIMFS01")["warnings"])
    kcnt1 = next(v for v in _doc(out, "EIMFS01")["variants"] if v["gene"] == "KCNT1")
    assert kcnt1["phenotype"]["rank_among_genes"] <= 10


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--hpo", "NOBODY=HP:0001250"], "NOBODY is not a sample of the VCF"),
        (
            ["--hpo", "EIMFS01=HP:0001250", "--phenopacket", f"EIMFS01={PACKET}"],
            "sample EIMFS01 has both --hpo and --phenopacket",
        ),
        (["--hpo", "EIMFS01=HP:0000057"], "HP:0000057 (obsolete Clitoromegaly) is obsolete"),
        (["--hpo", "EIMFS01=-HP:0001250"], "no observed HPO term"),
        (["--phenopacket", "EIMFS01=missing.json"], "missing.json: no such file"),
    ],
)
def test_bad_terms_stop_the_run_with_one_line(run, tmp_path, extra, message):
    result, out = _demo(run, tmp_path, *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_the_report_shows_the_terms_and_the_matches_escaped(run, tmp_path):
    hostile = tmp_path / "<b>x"
    hostile.mkdir()
    packet = hostile / "p.json"
    packet.write_text(PACKET.read_text())
    result, out = _demo(run, tmp_path, "--phenopacket", f"EIMFS01={packet}")
    assert result.exit_code == 0, result.output
    page = (out / "EIMFS01.report.html").read_text()
    assert "<b>x" not in page and "&lt;b&gt;x" in page
    assert "HP:0011167 Focal tonic seizure" in page  # an observed term, named
    assert "not present: HP:0033725 Thin corpus callosum" in page
    assert "Phenotype match</th><td>ranks " in page and "<th>phenotype rank</th>" in page
    assert "Order: genotypes that contradict" in page
