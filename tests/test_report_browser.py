"""Issue 13: the reports opened in a real browser (headless Chromium) from file:// URLs.

Skipped, with the reason printed, where Chromium is not installed (``make setup`` installs it
as root on Debian). Screenshots of three reports are written beside the test's outputs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmpsi_variants.cli import cli

from .conftest import DEMO
from .test_filter_demo import demo_vcf_text
from .test_report_html import AFFECTED, RESOURCES, _coverage

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (make setup installs it as root)"
)
_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--disable-background-networking", "--disable-sync"]  # fmt: skip


def _chromium(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(CHROMIUM), *_FLAGS, f"--user-data-dir={home / 'profile'}", *args],
        capture_output=True, text=True, timeout=120, env=env, check=True,
    )  # fmt: skip


def _filter(vcf, out: Path, *extra) -> None:
    phenotypes = [
        a for s in AFFECTED for a in ("--phenotype", f"{s}=eeg: migrating_focal_seizures")
    ]
    args = ["filter", vcf, *RESOURCES, "-o", out, *extra, *phenotypes]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser")
    cov = work / "EIMFS01.coverage.json"
    import json

    cov.write_text(json.dumps(_coverage("EIMFS01")))
    _filter(DEMO / "demo.vcf.gz", work / "out", "--coverage", f"EIMFS01={cov}")
    return work


def test_the_proband_report_in_a_browser_shows_the_answer_and_its_reasons(pages):
    page = pages / "out" / "EIMFS01.report.html"
    dom = _chromium("--dump-dom", page.as_uri(), home=pages).stdout
    assert 'data-ready="1"' in dom  # the page's own script ran under its CSP
    answer = dom[dom.index('id="answer"') :]
    assert answer.index("KCNT1") < answer.index("ALDH7A1")  # the top candidate first
    notes = dom[dom.index('id="genes"') :]
    assert "quinidine" in notes and "Gras M et al." in notes and "QT" in notes
    assert dom.count("<svg") >= 1 and "stroke-dasharray" in dom  # coverage plot


def test_screenshots_of_three_reports(pages):
    shots = pages / "screenshots"
    shots.mkdir(exist_ok=True)
    for sample in ("EIMFS01", "EIMFS03", "EIMFS04"):
        png = shots / f"{sample}.png"
        _chromium(f"--screenshot={png}", "--window-size=1280,2400",
                  (pages / "out" / f"{sample}.report.html").as_uri(), home=pages)  # fmt: skip
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    print(f"screenshots in {shots}")


def test_a_hostile_sample_name_runs_no_script_and_writes_nothing_outside(tmp_path):
    payload = "<img src=x onerror=document.title='pwned'><script>document.title='pwned'</script>"
    vcf = tmp_path / "evil.vcf"
    vcf.write_text(demo_vcf_text().replace("\tEIMFS02\t", f"\t{payload}/../x\t"))
    out = tmp_path / "out"
    _filter(vcf, out)
    before = {p for p in tmp_path.rglob("*")}
    page = next(p for p in out.glob("*.report.html") if "pwned" in p.read_text())
    dom = _chromium("--dump-dom", page.as_uri(), home=tmp_path / "home").stdout
    assert "<title>" in dom and "pwned</title>" not in dom  # neither payload ran
    assert "<img src=" not in dom.replace("&lt;img src=", "")
    after = {p for p in tmp_path.rglob("*") if "home" not in p.parts}
    assert after <= before | {tmp_path / "home"}  # nothing written outside the output folder
