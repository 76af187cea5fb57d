"""`filter` on the bundled demo family: exactly the planted panel variants, per sample.

The expected calls come from resources/demo/truth_calls.tsv, written by the demo generator from
its design; bcftools norm and csq agree with that design (see resources/demo/README.md).
"""

import csv
import gzip
import hashlib
import json
import shutil
import subprocess

import jsonschema
import pytest

from mmpsi_variants.report.tables import TSV_COLUMNS

from .conftest import DEMO, ROOT, demo_vcf_text, needs_tool

SCHEMA = json.loads((ROOT / "src/mmpsi_variants/schemas/variants.schema.json").read_text())
SAMPLES = ["EIMFS01", "EIMFS01_FA", "EIMFS01_MO", *[f"EIMFS0{i}" for i in range(2, 8)]]
BASE = ["--genes", DEMO / "genes.gff3", "--reference", DEMO / "genome.fa", "--build", "none"]


def truth(kept=True):
    with open(DEMO / "truth_calls.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {
        (r["sample"], r["chrom"], int(r["pos"]), r["ref"], r["alt"]): r
        for r in rows
        if (r["expected_kept"] == "yes") == kept
    }


def load(outdir):
    calls, docs = {}, {}
    for sample in SAMPLES:
        path = outdir / f"{sample}.variants.json"
        if not path.exists():
            continue
        doc = json.loads(path.read_text())
        docs[sample] = doc
        for v in doc["variants"]:
            calls[(sample, v["chrom"], v["pos"], v["ref"], v["alt"])] = v
    return calls, docs


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("demo")
    args = ["filter", DEMO / "demo.vcf.gz", *BASE, "--ped", DEMO / "demo.ped", "-o", out]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, *load(out)


def test_keeps_exactly_the_planted_panel_variants(demo_run):
    _, calls, _ = demo_run
    expected = truth()
    assert set(calls) == set(expected)
    dropped = truth(kept=False)
    assert not set(calls) & set(dropped)
    assert {r["reason"] for r in dropped.values()} == {"off_panel", "filter_failed"}


@pytest.mark.parametrize("key", sorted(truth()), ids=lambda k: f"{k[0]}-{k[1]}:{k[2]}")
def test_each_planted_call(demo_run, key):
    _, calls, _ = demo_run
    want, got = truth()[key], calls[key]
    assert got["genotype"] == want["genotype"]
    assert got["zygosity"] == want["zygosity"]
    assert got["gene"] == want["gene"]
    assert got["depth"] and 0 < got["allele_fraction"] <= 1


def test_every_json_validates_against_the_schema(demo_run):
    _, _, docs = demo_run
    assert set(docs) == set(SAMPLES)
    for doc in docs.values():
        jsonschema.Draft202012Validator(SCHEMA).validate(doc)


def test_inputs_are_recorded_with_checksums_and_versions(demo_run):
    _, _, docs = demo_run
    inputs = {i["role"]: i for i in docs["EIMFS01"]["inputs"]}
    assert set(inputs) == {"vcf", "gene_models", "reference", "panel", "pedigree"}
    assert inputs["vcf"]["date"] == "20261122"
    assert inputs["gene_models"]["version"] == "mmpsi-demo synthetic"
    assert inputs["panel"]["version"].startswith("mmpsi ")
    assert all(len(i["sha256"]) == 64 and i["size"] > 0 for i in inputs.values())


def test_fields_not_computed_without_resources_are_null(demo_run):
    _, calls, _ = demo_run
    for v in calls.values():
        assert v["gnomad_af"] is None and v["clinvar"] is None
        assert v["population"]["status"] == "not_looked_up"
        # Without gnomAD, frequency criteria are "not evaluated", never negative.
        by_code = {c["criterion"]: c for c in v["acmg"]["criteria"]}
        assert by_code["PM2"]["status"] == by_code["BA1"]["status"] == "not_evaluated"


def _truth_variants():
    with open(DEMO / "truth_variants.tsv") as fh:
        return {
            (r["chrom"], int(r["pos"]), r["ref"], r["alt"]): r
            for r in csv.DictReader(fh, delimiter="\t")
        }


def test_consequence_and_hgvs_of_every_planted_variant(demo_run):
    """Against the demo generator's own design values (resources/demo/truth_variants.tsv)."""
    _, calls, _ = demo_run
    design = _truth_variants()
    seen = set()
    for (_, chrom, pos, ref, alt), v in calls.items():
        want = design[(chrom, pos, ref, alt)]
        seen.add(want["id"])
        assert v["transcript"] == want["transcript"]
        assert v["consequence"][0] == want["consequence"]
        assert v["hgvs_c"] == want["hgvs_c"]
        # The design leaves p. empty for splice variants; HGVS recommends p.? for them.
        expected_p = want["hgvs_p"].replace("Ter", "*") or ("p.?" if "splice" in want["consequence"]
                                                           else None)  # fmt: skip
        assert v["hgvs_p"] == expected_p
        assert any(t["primary"] for t in v["transcripts"])
    assert len(seen) == 18


def test_truncating_variants_carry_nmd_and_fraction(demo_run):
    _, calls, _ = demo_run
    atp7a = calls[("EIMFS05", "chrX", 12277, "C", "T")]
    assert atp7a["consequence"] == ["stop_gained"] and atp7a["nmd"] == "NMD_predicted"
    assert 0 < atp7a["protein_fraction_removed"] < 1
    scn2a = calls[("EIMFS02", "chr2", 27152, "T", "A")]
    alts = {t["transcript"] for t in scn2a["transcripts"]}
    assert {"ENST00000375437.7", "ENST00000631182.3"} <= alts  # MANE Select and Plus Clinical


def test_left_alignment_and_multiallelic_split(demo_run):
    _, calls, _ = demo_run
    plcb1 = calls[("EIMFS02", "chr20", 11381, "GAAA", "G")]
    assert plcb1["original"] == "chr20:11384:AAAA:A" and "normalised" in plcb1["flags"]
    a1 = calls[("EIMFS04", "chr20", 33268, "G", "A")]
    a2 = calls[("EIMFS04", "chr20", 33268, "G", "T")]
    assert a1["genotype"] == a2["genotype"] == "1/2"
    assert "multiallelic_split" in a1["flags"]


def test_hemizygous_boy_and_mosaic_looking_boy(demo_run):
    _, calls, docs = demo_run
    assert docs["EIMFS05"]["sex"] == "male"
    atp7a = next(v for k, v in calls.items() if k[0] == "EIMFS05" and v["gene"] == "ATP7A")
    assert atp7a["zygosity"] == "hemizygous" and atp7a["genotype"] == "1/1"
    pcdh19 = next(v for k, v in calls.items() if k[0] == "EIMFS07" and v["gene"] == "PCDH19")
    assert pcdh19["zygosity"] == "heterozygous" and pcdh19["allele_fraction"] < 0.3


def test_gene_notes_carry_verification(demo_run):
    _, calls, _ = demo_run
    kcnt1 = calls[("EIMFS01", "chr9", 12383, "C", "T")]
    treatments = [n for n in kcnt1["notes"] if n["kind"] == "treatment"]
    assert any("quinidine" in n["therapy"] for n in treatments)
    for n in kcnt1["notes"]:
        assert n["sources"], n
        if n["verification"] != "V":
            from mmpsi_variants.panel.knowledge import VERIFICATION_LABELS

            label = VERIFICATION_LABELS[n["verification"]]
            assert not n["established"] and label in n["text"], n


def test_tsv_matches_json(demo_run):
    out, calls, _ = demo_run
    for sample in SAMPLES:
        with open(out / f"{sample}.variants.tsv") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        assert list(rows[0].keys()) == TSV_COLUMNS if rows else True
        keys = {(r["sample"], r["chrom"], int(r["pos"]), r["ref"], r["alt"]) for r in rows}
        assert keys == {k for k in calls if k[0] == sample}


def _run_filter(run, vcf, out, *extra):
    result = run("filter", vcf, *BASE, "--ped", DEMO / "demo.ped", "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return load(out)[0]


def _plain_copy(tmp_path, rename=None):
    text = demo_vcf_text()
    if rename:
        text = text.replace("ID=chr", "ID=").replace("\nchr", "\n")
    path = tmp_path / "plain.vcf"
    path.write_text(text)
    return path


def test_plain_text_and_plain_gzip_inputs(run, tmp_path, demo_run):
    _, expected, _ = demo_run
    plain = _plain_copy(tmp_path)
    assert set(_run_filter(run, plain, tmp_path / "a")) == set(expected)
    gz = tmp_path / "plain.vcf.gz"
    with open(plain, "rb") as fin, gzip.open(gz, "wb") as fout:
        fout.write(fin.read())
    assert set(_run_filter(run, gz, tmp_path / "b")) == set(expected)
    assert not list(tmp_path.glob("*.csi")) and not list(tmp_path.glob("*.tbi"))


def test_unindexed_bgzip_gets_a_temporary_index(run, tmp_path, demo_run):
    _, expected, _ = demo_run
    copy = tmp_path / "demo.vcf.gz"
    shutil.copy(DEMO / "demo.vcf.gz", copy)
    copy.chmod(0o444)
    tmp_path.chmod(0o555)  # nothing may be written beside the user's file
    try:
        assert set(_run_filter(run, copy, tmp_path.parent / "out-ro")) == set(expected)
    finally:
        tmp_path.chmod(0o755)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.vcf.gz"]


@needs_tool("bcftools")
def test_bcf_input(run, tmp_path, demo_run):
    _, expected, _ = demo_run
    bcf = tmp_path / "demo.bcf"
    subprocess.run(["bcftools", "view", "-Ob", "-o", bcf, DEMO / "demo.vcf.gz"], check=True)
    assert set(_run_filter(run, bcf, tmp_path / "out")) == set(expected)


def test_contig_names_without_chr_prefix(run, tmp_path, demo_run):
    _, expected, _ = demo_run
    renamed = _plain_copy(tmp_path, rename=True)
    got = _run_filter(run, renamed, tmp_path / "out")
    assert {(s, "chr" + c, p, r, a) for s, c, p, r, a in got} == set(expected)


def test_gtf_gene_models_give_the_same_result(run, tmp_path, demo_run):
    _, expected, _ = demo_run
    result = run(
        "filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gtf", "--reference",
        DEMO / "genome.fa", "--build", "none", "--ped", DEMO / "demo.ped", "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert set(load(tmp_path)[0]) == set(expected)


def test_sample_selection(run, tmp_path):
    got = _run_filter(run, DEMO / "demo.vcf.gz", tmp_path, "--sample", "EIMFS05")
    assert {k[0] for k in got} == {"EIMFS05"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".mmpsi-manifest",
        "EIMFS05.report.html",
        "EIMFS05.variants.json",
        "EIMFS05.variants.tsv",
        "EIMFS05.vcf.gz",
        "EIMFS05.vcf.gz.tbi",
    ]
    # The manifest, written last, names the set and lets a reader check each file.
    manifest = json.loads((tmp_path / ".mmpsi-manifest").read_text())
    assert manifest["command"] == "filter"
    assert [f["name"] for f in manifest["files"]] == [
        "EIMFS05.variants.json",
        "EIMFS05.variants.tsv",
        "EIMFS05.report.html",
        "EIMFS05.vcf.gz",
        "EIMFS05.vcf.gz.tbi",
    ]
    for f in manifest["files"]:
        data = (tmp_path / f["name"]).read_bytes()
        assert f["bytes"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest()


def test_include_filtered_keeps_and_marks_failing_records(run, tmp_path):
    got = _run_filter(run, DEMO / "demo.vcf.gz", tmp_path, "--include-filtered")
    dock6 = got[("EIMFS05", "chr19", 17567, "C", "T")]
    assert dock6["filter"] == "LowQual"


def _planted(calls):
    """Drop the off-panel background SNVs (IDs bg_...) that the demo has for sample checks."""
    return {k: v for k, v in calls.items() if not (v.get("id") or "").startswith("bg_")}


def test_no_panel_keeps_off_panel_variants_too(run, tmp_path):
    got = _planted(_run_filter(run, DEMO / "demo.vcf.gz", tmp_path, "--no-panel", "--keep-all"))
    wanted = set(truth()) | {k for k, r in truth(kept=False).items() if r["reason"] == "off_panel"}
    assert set(got) == wanted
    assert got[("EIMFS01", "chr9", 12383, "C", "T")]["gene"] == "KCNT1"
    assert got[("EIMFS04", "chr9", 26596, "A", "G")]["gene"] is None


def test_no_panel_needs_no_gene_models(run, tmp_path):
    result = run("filter", DEMO / "demo.vcf.gz", "--no-panel", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert len(_planted(load(tmp_path)[0])) == len(truth()) + 6


def test_core_tier_only(run, tmp_path):
    got = _run_filter(run, DEMO / "demo.vcf.gz", tmp_path, "--tier", "core")
    assert set(got) == set(truth())
    doc = json.loads((tmp_path / "EIMFS01.variants.json").read_text())
    assert len(doc["panel_genes"]) == 13


def test_sample_names_are_sanitised_for_file_names(run, tmp_path):
    text = demo_vcf_text()
    text = text.replace("\tEIMFS02\t", "\t../evil name\t").replace(
        "\tEIMFS03\t", "\t.._evil_name\t"
    )
    vcf = tmp_path / "weird.vcf"
    vcf.write_text(text)
    out = tmp_path / "out"
    result = run("filter", vcf, *BASE, "-o", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name != ".mmpsi-manifest")
    assert "evil_name.variants.json" in names and "evil_name_2.variants.json" in names
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert not (tmp_path / "evil name.variants.json").exists()
    doc = json.loads((out / "evil_name.variants.json").read_text())
    assert doc["sample"] == "../evil name"


@pytest.fixture(scope="module")
def with_resources(tmp_path_factory):
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("res")
    args = [
        "filter", DEMO / "demo.vcf.gz", *BASE, "--ped", DEMO / "demo.ped", "-o", out,
        "--gnomad", DEMO / "gnomad.demo.vcf.gz", "--clinvar", DEMO / "clinvar.demo.vcf.gz",
        "--scores", DEMO / "revel.demo.tsv.gz", "--scores",
        f"spliceai={DEMO / 'spliceai.demo.vcf.gz'}",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return load(out)


@pytest.mark.parametrize(
    "key, population, af, clinvar",
    [
        (("EIMFS01", "chr9", 12383, "C", "T"), "absent", None, "absent"),  # the de novo
        (("EIMFS01", "chr2", 23191, "G", "A"), "found", 0.31, "found"),  # common, Benign
        # The demo ClinVar has no records on chr20, chr17 or chrX: not covered, not absent.
        (("EIMFS02", "chr20", 11381, "GAAA", "G"), "found", 1.3683e-06, "not_covered"),
        (("EIMFS02", "chr20", 33268, "G", "A"), "found", 3.4206e-06, "not_covered"),
        (("EIMFS04", "chr20", 33268, "G", "T"), "absent", None, "not_covered"),  # its other ALT
        (("EIMFS04", "chr17", 9176, "C", "T"), "absent", None, "not_covered"),
        (("EIMFS05", "chrX", 12277, "C", "T"), "absent", None, "not_covered"),
    ],
)
def test_population_and_clinvar_lookups(with_resources, key, population, af, clinvar):
    calls, _ = with_resources
    v = calls[key]
    assert v["population"]["status"] == population
    assert v["gnomad_af"] == (pytest.approx(af) if af else None)
    assert v["clinvar_status"] == clinvar


def test_ps1_and_pm5_anchors_by_protein_change(with_resources):
    calls, _ = with_resources
    kcnt1 = calls[("EIMFS01", "chr9", 12383, "C", "T")]["clinvar_protein"]
    assert kcnt1["same_amino_acid_change"] == []
    (pm5,) = kcnt1["other_missense_same_residue"]  # ClinVar p.Arg474His, Pathogenic
    assert pm5["significance_class"] == "pathogenic" and pm5["protein"]["hgvs_p"].endswith(
        "(Arg474His)"
    )
    scn2a = calls[("EIMFS02", "chr2", 27152, "T", "A")]["clinvar_protein"]
    (ps1,) = scn2a["same_amino_acid_change"]  # same Asp1545Glu through GAT>GAG
    assert ps1["stars"] == 3


def test_scores_and_provenance_of_resources(with_resources):
    calls, docs = with_resources
    kcnt1 = calls[("EIMFS01", "chr9", 12383, "C", "T")]
    assert kcnt1["scores"]["revel"] == pytest.approx(0.85)
    assert kcnt1["scores"]["status"]["cadd"] == "not_looked_up"
    donor = calls[("EIMFS01", "chr5", 20236, "C", "T")]
    assert donor["scores"]["spliceai"] == pytest.approx(0.97)
    roles = [i["role"] for i in docs["EIMFS01"]["inputs"]]
    assert roles.count("scores") == 2 and "gnomad" in roles and "clinvar" in roles
    clinvar = next(i for i in docs["EIMFS01"]["inputs"] if i["role"] == "clinvar")
    assert clinvar["date"]


def test_research_mode_reports_rare_variants_not_harmless_by_consequence(run, tmp_path):
    """By default --no-panel leaves out, as Exomiser's template does, the alleles gnomAD finds
    common (above 2% overall or in a group) and those whose every consequence is intergenic,
    intronic, UTR or up/downstream; each output says so and counts them."""
    result = run("filter", DEMO / "demo.vcf.gz", *BASE, "--ped", DEMO / "demo.ped", "-o",
                 tmp_path, "--no-panel", "--gnomad", DEMO / "gnomad.demo.vcf.gz")  # fmt: skip
    assert result.exit_code == 0, result.output
    got, docs = load(tmp_path)
    doc = docs["EIMFS01"]
    # The run's last line says what the filter left out, as the documents do.
    common = doc["summary"]["alleles_left_out_as_common"]
    harmless = doc["summary"]["alleles_left_out_by_consequence"]
    assert result.stderr.strip().splitlines()[-1] == (
        f"mmpsi-variants: info: research filter: {common} allele(s) left out as common (gnomAD "
        f"above 0.02), {harmless} as harmless by consequence alone; --keep-all reports every "
        "variant"
    )
    assert doc["settings"]["research_filter"]["applied"] is True
    assert doc["settings"]["research_filter"]["max_population_af"] == 0.02
    assert doc["summary"]["alleles_left_out_as_common"] >= 1
    assert doc["summary"]["alleles_left_out_by_consequence"] >= 1
    assert ("EIMFS01", "chr9", 12383, "C", "T") in got  # the de novo KCNT1 missense stays
    assert ("EIMFS01", "chr2", 23191, "G", "A") not in got  # SCN2A synonymous, AF 0.31
    assert all(v["gene"] for v in got.values())  # the intergenic background is gone
    _run_filter(run, DEMO / "demo.vcf.gz", tmp_path / "all", "--no-panel", "--keep-all",
                "--gnomad", DEMO / "gnomad.demo.vcf.gz")  # fmt: skip
    kept, docs = load(tmp_path / "all")
    assert ("EIMFS01", "chr2", 23191, "G", "A") in kept
    assert docs["EIMFS01"]["settings"]["research_filter"] == {
        "applied": False,
        "reason": "--keep-all",
    }


def test_keep_all_goes_with_no_panel(run, tmp_path):
    result = run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--keep-all",
                 "-o", tmp_path)  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("mmpsi-variants: error: --keep-all goes with --no-panel")
