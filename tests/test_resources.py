"""Issue 14: `resources fetch` against a real HTTP server on loopback (nginx), and the filter
reading the fetched folder through its manifest. Never the internet."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from mmpsi_variants.io.download import Checksum, bsd_sum, checksum_from_listing

from .nginx_server import NGINX, nginx
from .resource_server import CLINVAR_DATE, DEMO, build_www, sources_yaml

needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx not installed (make setup installs it as root)"
)
CLI = [sys.executable, "-m", "mmpsi_variants"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx not installed (make setup installs it as root)")
    root = tmp_path_factory.mktemp("www")
    sums = build_www(root)
    with nginx(root, tmp_path_factory.mktemp("nginx")) as url:
        yield url, root, sums


def fetch(tmp_path, sources_text, dest, *extra):
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_text)
    return subprocess.run(
        [*CLI, "resources", "fetch", "--build", "demo", "--dest", str(dest), "--sources",
         str(sources), "--retries", "0", *extra],
        capture_output=True, text=True, env=_env(tmp_path),
    )  # fmt: skip


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp / "tmp")}


def final_files(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir() if p.is_file()) if dest.exists() else []


def one_error_line(proc) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ": error: " in ln]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture
def tmp(tmp_path):
    (tmp_path / "tmp").mkdir()
    yield tmp_path
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing left in $TMPDIR


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory):
    url, _, _ = server
    work = tmp_path_factory.mktemp("fetched")
    (work / "tmp").mkdir()
    proc = fetch(work, sources_yaml(url), work / "res")
    assert proc.returncode == 0, proc.stderr
    return work / "res", proc


@needs_nginx
def test_a_full_fetch_cuts_every_resource_to_the_panel_and_writes_the_manifest(server, fetched):
    url, _, sums = server
    dest, proc = fetched
    assert final_files(dest) == [
        "clinvar.vcf.gz", "clinvar.vcf.gz.tbi", "gene_models.gff3", "gnomad.regions.bed",
        "gnomad.vcf.gz", "gnomad.vcf.gz.tbi", "manifest.json",
    ]  # fmt: skip
    gff = (dest / "gene_models.gff3").read_text()
    assert "DECOY" not in gff and "Name=KCNT1" in gff and gff.startswith("##gff-version 3")
    with pysam.VariantFile(str(dest / "clinvar.vcf.gz")) as vf:
        ids = [r.id for r in vf]
    assert len(ids) == 6 and not any(i.startswith("99") for i in ids)  # decoys left out
    with pysam.VariantFile(str(dest / "gnomad.vcf.gz")) as vf:
        positions = [(r.chrom, r.pos) for r in vf.fetch()]
    assert len(positions) == 9 and ("chr9", 24500) not in positions  # one per contig left out
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["build"] == "demo" and "resources fetch" in manifest["command"]
    by_role = {e["role"]: e for e in manifest["resources"]}
    assert set(by_role) == {"gene_models", "clinvar", "gnomad"}
    clinvar = by_role["clinvar"]
    assert clinvar["source"]["url"] == f"{url}/clinvar/clinvar.vcf.gz"
    assert clinvar["source"]["checksum"] == f"md5:{sums['clinvar.vcf.gz']}"
    assert clinvar["source"]["verified"] is True
    assert clinvar["date"] == CLINVAR_DATE and clinvar["release"] == "test ClinVar weekly"
    assert "chr9:5001-21996" in clinvar["subset"]["regions"]  # KCNT1 6001-20996 +- 1000
    assert by_role["gene_models"]["source"]["checksum"] == f"md5:{sums['genes.gff.gz']}"
    assert "KCNT1" in by_role["gene_models"]["subset"]["genes"]
    gnomad = by_role["gnomad"]
    assert len(gnomad["source"]["files"]) == 15  # one file per panel contig, read remotely
    assert gnomad["source"]["files"][0]["url"].startswith(f"{url}/gnomad/sites.chr")
    for entry in by_role.values():
        path = dest / entry["file"]
        assert entry["size"] == path.stat().st_size
    assert not list(dest.rglob("*.part"))


@needs_nginx
def test_the_filter_reads_the_fetched_folder_and_reports_its_releases(fetched, tmp):
    dest, _ = fetched
    common = [str(DEMO / "demo.vcf.gz"), "--sample", "EIMFS01", "--reference",
              str(DEMO / "genome.fa"), "--ped", str(DEMO / "demo.ped")]  # fmt: skip
    run = subprocess.run([*CLI, "filter", *common, "--resources", str(dest), "--outdir",
                          str(tmp / "a")], capture_output=True, text=True,
                         env=_env(tmp))  # fmt: skip
    assert run.returncode == 0, run.stderr
    doc = json.loads((tmp / "a" / "EIMFS01.variants.json").read_text())
    releases = {i["role"]: i.get("release") for i in doc["inputs"]}
    assert releases["clinvar"] == "test ClinVar weekly"
    assert releases["gnomad"] == "test gnomAD v9"
    assert releases["gene_models"] == "test gene models v1"
    html = (tmp / "a" / "EIMFS01.report.html").read_text()
    assert "test ClinVar weekly" in html and "test gnomAD v9" in html
    # The same evidence as from the whole demo resources: the cut loses nothing in the panel.
    whole = subprocess.run(
        [*CLI, "filter", *common, "--genes", str(DEMO / "genes.gff3"), "--gnomad",
         str(DEMO / "gnomad.demo.vcf.gz"), "--clinvar", str(DEMO / "clinvar.demo.vcf.gz"),
         "--outdir", str(tmp / "b")], capture_output=True, text=True, env=_env(tmp),
    )  # fmt: skip
    assert whole.returncode == 0, whole.stderr
    other = json.loads((tmp / "b" / "EIMFS01.variants.json").read_text())

    def evidence(d):
        return [(v["chrom"], v["pos"], v["alt"], v["population"], v["clinvar"], v["acmg"]["points"],
                 v["acmg"]["classification"])
                for v in d["variants"]]  # fmt: skip

    assert evidence(doc) == evidence(other) and doc["variants"]


@needs_nginx
def test_a_fetched_file_that_changed_is_refused(fetched, tmp):
    dest, _ = fetched
    for name, change in (("clinvar.vcf.gz", "flip"), ("gnomad.regions.bed", "append")):
        copy = tmp / f"res-{change}"
        shutil.copytree(dest, copy, ignore=shutil.ignore_patterns("downloads"))
        path = copy / name
        if change == "flip":
            data = path.read_bytes()
            path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
        else:
            with open(path, "a") as fh:
                fh.write("chr9\t1\t2\n")
        run = subprocess.run(
            [*CLI, "filter", str(DEMO / "demo.vcf.gz"), "--resources", str(copy), "--outdir",
             str(tmp / "o")], capture_output=True, text=True, env=_env(tmp),
        )  # fmt: skip
        line = one_error_line(run)
        assert "manifest.json: " in line and "changed since it was fetched" in line, name
        assert name in line
        assert not (tmp / "o").exists()


@needs_nginx
def test_research_mode_refuses_resources_cut_to_the_panel(fetched, tmp):
    dest, _ = fetched
    run = subprocess.run([*CLI, "filter", str(DEMO / "demo.vcf.gz"), "--no-panel",
                          "--resources", str(dest), "--outdir", str(tmp / "o")],
                         capture_output=True, text=True)  # fmt: skip
    assert "fetch them with --all-genes" in one_error_line(run)


@needs_nginx
def test_all_genes_keeps_the_gene_models_and_clinvar_whole(server, tmp):
    url, _, _ = server
    proc = fetch(tmp, sources_yaml(url), tmp / "res", "--all-genes")
    assert proc.returncode == 0, proc.stderr
    with gzip.open(tmp / "res" / "gene_models.gff3.gz", "rt") as fh:
        assert "DECOY1" in fh.read()
    with pysam.VariantFile(str(tmp / "res" / "clinvar.vcf.gz")) as vf:
        assert len(list(vf)) == 8
    manifest = json.loads((tmp / "res" / "manifest.json").read_text())
    assert manifest["all_genes"] is True


@needs_nginx
def test_a_checksum_mismatch_stops_with_both_sums_and_leaves_nothing(server, tmp):
    url, _, sums = server
    proc = fetch(tmp, sources_yaml(url, clinvar_md5="0" * 32), tmp / "res")
    line = one_error_line(proc)
    assert f"{url}/clinvar/clinvar.vcf.gz: md5 mismatch: expected {'0' * 32}" in line
    assert sums["clinvar.vcf.gz"] in line
    assert final_files(tmp / "res") == []
    assert not list((tmp / "res").rglob("clinvar*"))  # no corrupt download under any name


@needs_nginx
@pytest.mark.parametrize("prefix, status", [("/nothere", "HTTP 404"), ("/broken", "HTTP 500")])
def test_http_errors_name_the_url_and_a_rerun_does_only_the_missing_work(
    server, tmp, prefix, status
):
    url, _, _ = server
    bad = fetch(tmp, sources_yaml(url, gnomad_prefix=prefix), tmp / "res")
    line = one_error_line(bad)
    assert f"{url}{prefix}/gnomad/sites.chr1.vcf.bgz.tbi: {status}" in line
    assert final_files(tmp / "res") == []  # no manifest, no half set
    downloads = tmp / "res" / "downloads"
    kept = {p: p.stat().st_mtime_ns for p in downloads.glob("*.gz")}
    assert len(kept) == 2  # the verified gene models and ClinVar stay for the rerun
    good = fetch(tmp, sources_yaml(url), tmp / "res")
    assert good.returncode == 0, good.stderr
    assert {p: p.stat().st_mtime_ns for p in downloads.glob("*.gz")} == kept  # not fetched again
    assert "manifest.json" in final_files(tmp / "res")


@needs_nginx
def test_slices_already_read_are_not_read_again(server, tmp):
    url, root, _ = server
    assert fetch(tmp, sources_yaml(url), tmp / "res").returncode == 0
    (tmp / "res" / "manifest.json").unlink()
    slices = {p: p.stat().st_mtime_ns for p in (tmp / "res" / "downloads").rglob("*.slice.gz")}
    assert len(slices) == 15
    again = fetch(tmp, sources_yaml(url), tmp / "res")
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_mtime_ns for p in slices} == slices


@needs_nginx
def test_remote_tabix_works_through_a_server_that_ignores_range(server, tmp):
    url, _, _ = server
    proc = fetch(tmp, sources_yaml(url, gnomad_prefix="/norange"), tmp / "res")
    assert proc.returncode == 0, proc.stderr
    with pysam.VariantFile(str(tmp / "res" / "gnomad.vcf.gz")) as vf:
        assert len(list(vf.fetch())) == 9


@needs_nginx
def test_a_remote_read_that_fails_names_the_file_and_the_region(server, tmp):
    url, root, _ = server
    # A gnomAD-style file whose header fills the first BGZF blocks, served cut after them:
    # the index opens, the region's blocks are not there.
    bad = root / "cut" / "gnomad"
    bad.mkdir(parents=True, exist_ok=True)
    for src in (root / "gnomad").iterdir():
        shutil.copy(src, bad / src.name)
    plain = tmp / "chr9.vcf"
    with gzip.open(root / "gnomad" / "sites.chr9.vcf.bgz", "rt") as fh:
        lines = fh.readlines()
    header = [ln for ln in lines if ln.startswith("##")]
    filler = [f"##comment{i}={'x' * 200}\n" for i in range(800)]
    body = [ln for ln in lines if not ln.startswith("##")]
    plain.write_text("".join(header + filler + body))
    target = bad / "sites.chr9.vcf.bgz"
    pysam.tabix_compress(str(plain), str(target), force=True)
    pysam.tabix_index(str(target), preset="vcf", force=True)
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    proc = fetch(tmp, sources_yaml(url, gnomad_prefix="/cut"), tmp / "res")
    line = one_error_line(proc)
    assert f"{url}/cut/gnomad/sites.chr9.vcf.bgz" in line
    assert "chr9:5001-21996" in line
    assert final_files(tmp / "res") == []
    assert not list((tmp / "res" / "downloads" / "gnomad").glob("sites.chr9*.slice.gz"))


def test_bad_sources_files_get_one_line_naming_the_key(tmp):
    cases = {
        "demo:\n  gene_models: {url: x, colour: red}\n": "demo.gene_models: unknown key(s) colour",
        "demo:\n  clinvar: {url: x}\n": "gene_models is required",
        "demo:\n  gene_models: {url: 'x{chrom}'}\n": "{chrom} is for files read region by region",
        "demo:\n  gene_models: {url: x, md5: abc}\n": "md5 must be 32 hexadecimal digits",
        "demo:\n  gene_models: {url: x, md5: 00000000000000000000000000000000}\n": "quoted",
        "demo:\n  revol: {url: x}\n": "unknown resource 'revol'",
        "other:\n  gene_models: {url: x}\n": "no section for build demo (sections: other)",
        "demo: [\n": "not valid YAML",
        "demo:\n  gene_models: {url: 'ftp://ftp.ensembl.org/x.gff3.gz'}\n": "ftp:// is not",
    }
    for text, message in cases.items():
        proc = fetch(tmp, text, tmp / "res")
        assert message in one_error_line(proc), text
        assert final_files(tmp / "res") == []


def test_bsd_sum_agrees_with_coreutils_and_reads_ensembl_checksums(tmp_path):
    sum_tool = shutil.which("sum")
    if sum_tool is None:
        pytest.skip("coreutils sum not installed")
    for name, data in (("a.gz", os.urandom(70_001)), ("b.gz", b""), ("c.gz", b"x" * 1024)):
        path = tmp_path / name
        path.write_bytes(data)
        theirs = subprocess.run([sum_tool, str(path)], capture_output=True, text=True).stdout
        checksum, blocks = theirs.split()[:2]
        assert bsd_sum(path) == f"{int(checksum)} {int(blocks)}"
        listing = f"12345 9 other.gz\n{checksum} {blocks} {name}\n"
        got = checksum_from_listing(listing, name, "https://ftp.ensembl.org/x/CHECKSUMS")
        assert got == Checksum("sum", bsd_sum(path))


@needs_nginx
def test_a_score_table_in_one_file_is_cut_and_indexed_on_its_own_columns(server, tmp):
    url, _, _ = server
    proc = fetch(tmp, sources_yaml(url, revel=True), tmp / "res")
    assert proc.returncode == 0, proc.stderr
    revel = tmp / "res" / "revel.tsv.gz"
    with pysam.TabixFile(str(revel)) as tf:
        assert tf.header[0].startswith("#chr\thg19_pos\tgrch38_pos")
        rows = [r.split("\t") for c in tf.contigs for r in tf.fetch(c)]
    with pysam.TabixFile(str(DEMO / "revel.demo.tsv.gz")) as tf:
        expected = [r.split("\t") for c in tf.contigs for r in tf.fetch(c)]
    assert rows == expected and rows  # every demo row lies in a panel gene
    run = subprocess.run(
        [*CLI, "filter", str(DEMO / "demo.vcf.gz"), "--sample", "EIMFS01", "--reference",
         str(DEMO / "genome.fa"), "--resources", str(tmp / "res"), "--outdir", str(tmp / "o")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    doc = json.loads((tmp / "o" / "EIMFS01.variants.json").read_text())
    assert any(v["scores"]["status"]["revel"] == "found" for v in doc["variants"])


def test_a_gnomad_slice_keeps_only_what_the_filter_reads_with_the_same_answers(tmp_path):
    """On the real gnomAD v2.1 header and records (slivar's test file, MIT): the trimmed slice
    gives the same look-up results and is much smaller."""
    from mmpsi_variants.annotation.sources.gnomad import GnomadSource, info_keys_read
    from mmpsi_variants.io.slices import TabixConf, read_regions, write_slice

    real = Path(__file__).parent / "data" / "realdata" / "annotated" / "gnomad_v2.1_header.vcf.gz"
    source = tmp_path / "gnomad.exomes.r2.1.sites.vcf.bgz"
    with gzip.open(real, "rt") as fh:
        (tmp_path / "plain.vcf").write_text(fh.read())
    pysam.tabix_compress(str(tmp_path / "plain.vcf"), str(source))
    pysam.tabix_index(str(source), preset="vcf")
    index = Path(f"{source}.tbi")
    header, lines, missing = read_regions(
        str(source), index, {"chr1": [(1_290_000, 1_300_000)]}, keep_info=info_keys_read
    )
    sliced = tmp_path / "gnomad.vcf.gz"
    assert write_slice(sliced, header, lines, TabixConf.of(index)) == 2 and missing == []
    with pysam.TabixFile(str(source)) as a, pysam.TabixFile(str(sliced)) as b:
        whole, cut = list(a.fetch("1")), list(b.fetch("1"))
    assert sum(map(len, cut)) * 5 < sum(map(len, whole))  # most of INFO is gone
    with GnomadSource(source) as g1, GnomadSource(sliced) as g2:
        assert g2.describe()["version"] == g1.describe()["version"] == "gnomAD 2.1"
        for chrom, pos, ref, alt in (("1", 1291159, "GA", "G"), ("1", 1292016, "GCTGA", "G")):
            assert g1.lookup(chrom, pos, ref, alt) == g2.lookup(chrom, pos, ref, alt)
            assert g1.lookup(chrom, pos, ref, alt).status == "found"


def test_the_gene_model_cut_keeps_children_listed_before_their_parents(tmp_path):
    """A coordinate-sorted GFF3 lists a transcript's first exon before the transcript."""
    from mmpsi_variants.io.gff_subset import subset_gene_models
    from mmpsi_variants.panel.knowledge import load_panel
    from mmpsi_variants.panel.regions import load_panel_models, panel_regions

    lines = (DEMO / "genes.gff3").read_text().splitlines(keepends=True)
    header = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    body.sort(
        key=lambda ln: (ln.split("\t")[0], int(ln.split("\t")[3]), ln.split("\t")[2] != "exon")
    )
    src = tmp_path / "sorted.gff3"
    src.write_text("".join(header + body))
    panel = load_panel(None)
    whole = {r.symbol: r.gene for r in panel_regions(panel, load_panel_models(src, panel))}
    cut = tmp_path / "cut.gff3"
    with open(cut, "w") as fh:
        subset_gene_models(src, {g.id for g in whole.values()}, fh)
    got = {r.symbol: r.gene for r in panel_regions(panel, load_panel_models(cut, panel))}
    assert got["KCNT1"].transcripts == whole["KCNT1"].transcripts
    assert all(got[s].transcripts == whole[s].transcripts for s in whole)


@needs_nginx
def test_the_filter_refuses_regions_beyond_what_was_fetched_and_another_build(server, tmp):
    url, _, _ = server
    assert fetch(tmp, sources_yaml(url), tmp / "res", "--padding", "0").returncode == 0
    base = [*CLI, "filter", str(DEMO / "demo.vcf.gz"), "--resources", str(tmp / "res")]
    wide = subprocess.run([*base, "--outdir", str(tmp / "o")], capture_output=True, text=True)
    assert "reaches beyond the regions the clinvar file was cut to" in one_error_line(wide)
    narrow = subprocess.run([*base, "--padding", "0", "--outdir", str(tmp / "o2")],
                            capture_output=True, text=True)  # fmt: skip
    assert narrow.returncode == 0, narrow.stderr
    manifest = json.loads((tmp / "res" / "manifest.json").read_text())
    manifest["build"] = "GRCh38"
    (tmp / "res" / "manifest.json").write_text(json.dumps(manifest))
    other = subprocess.run([*base, "--padding", "0", "--build", "GRCh37", "--outdir",
                            str(tmp / "o3")], capture_output=True, text=True)  # fmt: skip
    assert "--build GRCh37, but the resources are for GRCh38" in one_error_line(other)
    assert not (tmp / "o").exists() and not (tmp / "o3").exists()


@needs_nginx
def test_a_damaged_slice_or_a_changed_remote_index_is_read_again(server, tmp):
    url, root, _ = server
    assert fetch(tmp, sources_yaml(url), tmp / "res").returncode == 0
    folder = tmp / "res" / "downloads" / "gnomad"
    (chr9,) = folder.glob("sites.chr9.*.slice.gz")
    chr9.write_bytes(chr9.read_bytes()[:20])  # cut short after it took its name
    index2 = folder / "sites.chr2.vcf.bgz.tbi"
    before = index2.stat().st_mtime_ns
    served = root / "gnomad" / "sites.chr2.vcf.bgz.tbi"
    os.utime(served, (served.stat().st_atime + 3600, served.stat().st_mtime + 3600))
    (tmp / "res" / "manifest.json").unlink()
    again = fetch(tmp, sources_yaml(url), tmp / "res")
    assert again.returncode == 0, again.stderr
    assert index2.stat().st_mtime_ns != before  # the server's copy changed: fetched anew
    with pysam.VariantFile(str(tmp / "res" / "gnomad.vcf.gz")) as vf:
        assert len(list(vf.fetch())) == 9  # the damaged slice was read again, not trusted


@needs_nginx
def test_an_exome_only_gnomad_covers_only_its_calling_regions(server, tmp):
    from mmpsi_variants.annotation.sources.gnomad import GnomadSource

    url, _, _ = server
    proc = fetch(tmp, sources_yaml(url, exome=True), tmp / "res")
    assert proc.returncode == 0, proc.stderr
    res = tmp / "res"
    assert (res / "gnomad.regions.bed").read_text() == "chr9\t9999\t12000\n"
    with GnomadSource(res / "gnomad.vcf.gz", coverage=res / "gnomad.regions.bed") as g:
        assert g.lookup("chr9", 11000, "A", "G").status == "absent"  # called, not seen
        assert g.lookup("chr9", 15000, "A", "G").status == "not_covered"  # intron: never called
