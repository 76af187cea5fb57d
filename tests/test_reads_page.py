"""Issue 18: the reads behind every candidate, an offline igv.js page per affected sample.

The pages come from the demo workflow run from FASTQ (the session's ``demo_fastq_run``): real
alignments by bwa of the simulated reads. The browser test opens the proband's page in headless
Chromium from a ``file://`` URL with every host unresolvable and the proxy pointing at a closed
port, so any fetch would fail; it checks that igv.js drew and saves a screenshot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmpsi_variants.cli import cli
from mmpsi_variants.report.igvjs import IGV_VERSION, find_igv_js

from .conftest import DEMO, needs_tool

pytestmark = [pytest.mark.e2e, *(needs_tool(t) for t in ("bwa", "samtools", "bcftools"))]

AFFECTED = ["EIMFS01", "EIMFS02", "EIMFS03", "EIMFS04", "EIMFS05", "EIMFS06", "EIMFS07"]
MAX_BYTES = 15 * 1024 * 1024
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run(demo_fastq_run):
    return demo_fastq_run[0]


def _page(run, sample):
    return run / "results" / "reports" / sample / f"{sample}.reads.html"


def _candidate_anchors(run, sample):
    doc = json.loads((run / "results" / "reports" / sample / f"{sample}.variants.json").read_text())
    from mmpsi_variants.report.html import candidate_rows

    return [r["anchor"] for r in candidate_rows(doc["variants"], doc)]


def test_every_affected_sample_gets_a_page_listing_its_candidates(run):
    for sample in AFFECTED:
        page = _page(run, sample)
        assert page.stat().st_size < MAX_BYTES, (sample, page.stat().st_size)
        text = page.read_text()
        anchors = _candidate_anchors(run, sample)
        assert anchors, sample
        assert re.findall(r'<tr id="locus-([a-z0-9]+)"', text) == anchors
        assert f"igv.js {IGV_VERSION}" in text and "igv-reports 1.17.0" in text
        assert "For research use only" in text
    # Unaffected parents get none.
    assert not _page(run, "EIMFS01_FA").exists()


def test_the_proband_page_carries_the_trio_and_opens_offline(run):
    text = _page(run, "EIMFS01").read_text()
    for name in ("EIMFS01 (proband)", "EIMFS01_FA (father)", "EIMFS01_MO (mother)"):
        assert name in text
    assert "calls (EIMFS01.vcf.gz)" in text and "transcripts (genes.gff3)" in text
    # The de novo KCNT1 missense and the ALDH7A1 pair are there; the SCN1A exon deletion too.
    assert "KCNT1 p.(Arg474Cys)" in text and "ALDH7A1" in text and "deletion of exons" in text
    # igv.js is inlined whole (the pinned release's own text), not linked; outside it, no URL
    # names a host, and the policy allows connections to data: and blob: URIs only.
    js = find_igv_js().read_text()
    assert js in text
    ours = text.replace(js, "")
    assert not re.search(r'(src|href)="(https?:)?//', ours)
    assert "connect-src data: blob:;" in ours
    assert "<script src=" not in ours


def test_the_report_and_the_reads_page_link_to_each_other(run):
    folder = run / "results" / "reports" / "EIMFS01"
    report = (folder / "EIMFS01.report.html").read_text()
    reads = (folder / "EIMFS01.reads.html").read_text()
    for anchor in _candidate_anchors(run, "EIMFS01"):
        assert f'href="EIMFS01.reads.html#locus-{anchor}"' in report, anchor
        assert f'href="EIMFS01.report.html#{anchor}"' in reads, anchor
        assert f'id="{anchor}"' in report
    assert 'href="EIMFS01.report.html"' in reads


def _reads(run, tmp_path, *bams, extra=()):
    res = run / "results"
    args = [
        "reads", res / "reports" / "EIMFS01" / "EIMFS01.variants.json", *bams,
        "--vcf", res / "calls" / "EIMFS01.vcf.gz", "--reference", DEMO / "genome.fa",
        "--genes", DEMO / "genes.gff3", "-o", tmp_path / "out" / "page.html", *extra,
    ]  # fmt: skip
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_names_are_escaped_in_the_page(run, tmp_path):
    bam = run / "results" / "bam" / "EIMFS01.bam"
    hostile = "<script>alert(1)</script>"  # NAME ends at the first '='
    result = _reads(run, tmp_path, "--bam", f"{hostile}={bam}")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "page.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert hostile not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-index", "EIMFS01.bam: no index beside it (.bai or .csi)"),
        ("bad-bam", "--bam nothing: expected NAME=PATH"),
        ("no-igv", "igv.js 3.8.10 not found"),
        ("not-json", "page.html: cannot read as JSON"),
        ("other-genome", "has no contig chr9, where candidate KCNT1"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(run, tmp_path, change, message):
    bam = run / "results" / "bam" / "EIMFS01.bam"
    args, extra = [f"--bam=EIMFS01={bam}"], []
    if change == "no-index":
        shutil.copy(bam, tmp_path / "EIMFS01.bam")
        args = [f"--bam=EIMFS01={tmp_path / 'EIMFS01.bam'}"]
    elif change == "bad-bam":
        args = ["--bam", "nothing"]
    elif change == "no-igv":
        extra = ["--igv-js", str(tmp_path / "missing.js")]
    elif change == "not-json":
        (tmp_path / "page.html").write_text("{not json")
        res = run / "results"
        result = CliRunner().invoke(cli, ["reads", str(tmp_path / "page.html"), *args,
                                          "--reference", str(DEMO / "genome.fa"), "-o",
                                          str(tmp_path / "out" / "page.html")])  # fmt: skip
        assert result.exit_code == 2 and message in result.output, result.output
        assert not (tmp_path / "out").exists() and res.exists()
        return
    elif change == "other-genome":
        fasta = tmp_path / "other.fa"
        fasta.write_text(">chrOther\nACGT\n")
        Path(str(fasta) + ".fai").write_text("chrOther\t4\t10\t4\t5\n")
        extra = ["--reference", str(fasta)]
    result = _reads(run, tmp_path, *args, extra=extra)
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert message in line and "\n" not in line and "Traceback" not in result.output, line
    assert not (tmp_path / "out" / "page.html").exists()


def _sessions(page):
    import base64
    import gzip

    block = re.search(r'<script type="application/json" id="sessions">(.*?)</script>', page, re.S)
    raw = json.loads(block.group(1))
    return [json.loads(gzip.decompress(base64.b64decode(raw[str(i)].split(",", 1)[1])))
            for i in range(len(raw))]  # fmt: skip


def test_each_locus_sorts_its_own_reads(run):
    """igv-reports carries one site's read sort over to the next; each session sorts at its
    own variant, and a copy-number event is not sorted."""
    page = _page(run, "EIMFS01").read_text()
    doc = json.loads((run / "results/reports/EIMFS01/EIMFS01.variants.json").read_text())
    from mmpsi_variants.report.reads import candidate_loci

    loci = candidate_loci(doc)
    for locus, session in zip(loci, _sessions(page), strict=True):
        sorts = {json.dumps(t.get("sort")) for t in session["tracks"] if t["type"] == "alignment"}
        if locus.sort_at is None:
            assert sorts == {"null"}, locus
        else:
            (sort,) = (json.loads(x) for x in sorts)
            assert (sort["chr"], sort["position"]) == (locus.chrom, str(locus.sort_at)), locus


def test_a_cram_is_read_against_the_reference(run, tmp_path):
    cram = tmp_path / "EIMFS01.cram"
    bam = run / "results" / "bam" / "EIMFS01.bam"
    subprocess.run(["samtools", "view", "-C", "-T", str(DEMO / "genome.fa"), "-o", str(cram),
                    str(bam)], check=True)  # fmt: skip
    subprocess.run(["samtools", "index", str(cram)], check=True)
    result = _reads(run, tmp_path, "--bam", f"EIMFS01={cram}")
    assert result.exit_code == 0, result.output
    sessions = _sessions((tmp_path / "out" / "page.html").read_text())
    assert all(
        t["format"] == "bam" for s in sessions for t in s["tracks"] if t["type"] == "alignment"
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (make setup installs it)")
def test_the_proband_page_draws_the_reads_in_a_browser_with_no_network(run, tmp_path):
    page = _page(run, "EIMFS01")
    flags = [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-sync",
        # No network: every host name fails to resolve, and the proxy is a closed port.
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000",
    ]  # fmt: skip
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def chromium(*args):
        return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True,
                              timeout=180, env=env, check=True)  # fmt: skip

    url = page.as_uri() + "#locus-v1"
    dom = chromium("--dump-dom", url).stdout
    assert 'data-igv="ready"' in dom, dom[-2000:]
    drawn = int(re.search(r'data-drawn="(\d+)"', dom).group(1))
    # Rulers, the reference, three coverage and three read tracks, the calls, the transcripts.
    assert drawn >= 6, drawn
    assert re.search(r'<tr id="locus-v1"[^>]*class="selected"', dom)
    rows = re.findall(r'<tr id="locus-([a-z0-9]+)"', dom)
    assert rows == _candidate_anchors(run, "EIMFS01")
    assert "KCNT1 p.(Arg474Cys)" in re.search(r'id="shown">([^<]*)', dom).group(1)
    # Another locus by its link: the copy-number event.
    dom = chromium("--dump-dom", page.as_uri() + "#locus-cnv1").stdout
    assert "SCN1A deletion of exons" in re.search(r'id="shown">([^<]*)', dom).group(1)
    shot = tmp_path / "EIMFS01.reads.png"
    chromium("--window-size=1400,1600", f"--screenshot={shot}", url)
    assert shot.stat().st_size > 50_000
    print(f"reads page screenshot: {shot}")
