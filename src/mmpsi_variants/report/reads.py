"""The reads behind each candidate: one self-contained igv.js page per sample.

igv-reports (the IGV team's package) cuts, for each locus, a slice of every BAM, the family VCF,
the transcripts and the reference, and turns each into an igv.js session held in the page as a
``data:`` URI; BAMs are never copied whole. igv.js itself is inlined from the pinned npm
release (see :mod:`mmpsi_variants.report.igvjs`) through igv-reports' ``--standalone``
inlining, given a template whose script points at the local file, so the page fetches nothing
when it is opened: it works from an e-mail attachment.

The page is ours, not igv-reports' default template: that one writes the variant table with
``innerHTML`` from unescaped data. Ours is rendered with autoescaping, keeps the sessions in a
JSON data block, and a Content-Security-Policy allows igv.js and the page's one script by hash,
and no connection but to ``data:`` and ``blob:`` URIs, so the page cannot reach the network
and a string that escaped the escaping could not run.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import hashlib
import html
import io
import json
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam

from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.report.document import DISCLAIMER
from mmpsi_variants.report.html import TEMPLATES, candidate_rows, origin_words
from mmpsi_variants.report.igvjs import IGV_VERSION

# The reads kept either side of a candidate (a copy-number event is kept whole): enough for
# reads that overlap it to be whole and for a homopolymer beside it, small enough that a
# trio's slices stay well under a megabyte per site. The page opens on the candidate itself.
FLANK = 150
# A copy-number event longer than this is shown as two windows of EDGE bases either side of
# its called ends (the breakpoints lie beyond them, in the introns, unmeasured).
LONG_EVENT = 20_000
EDGE = 1_000
# igv.js's default marks a base in the coverage track from a 20% allele fraction; a parent's
# low-level mosaicism is below that.
ALLELE_FRACTION_MARK = 0.05
# VCF 4.3's contig name characters, without a leading '#' (igv-reports skips such site lines):
# nothing that could close a script block.
_CONTIG = re.compile(r"^[0-9A-Za-z!$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*$")

_SCRIPT = (
    "(function(){var s=JSON.parse(document.getElementById('sessions').textContent),"
    "rows=Array.prototype.slice.call(document.querySelectorAll('#loci tbody tr')),b=null;"
    "function pick(){var h=location.hash.replace('#locus-','');"
    "return rows.filter(function(r){return r.dataset.anchor===h;})[0]||rows[0];}"
    "function mark(r){rows.forEach(function(x){x.classList.remove('selected');});"
    "r.classList.add('selected');document.getElementById('shown').textContent="
    "r.dataset.label;}"
    # When a session is drawn, the page says so, and how many of igv.js's canvases hold
    # pixels (igv.js draws in its own shadow root), for a browser test to read.
    "function ready(){setTimeout(function(){var d=document.getElementById('igv'),"
    "root=d.shadowRoot||d,n=0;root.querySelectorAll('canvas').forEach(function(c){"
    "try{var p=c.getContext('2d').getImageData(0,0,c.width,c.height).data;"
    "for(var i=3;i<p.length;i+=4){if(p[i]){n++;break;}}}catch(e){}});"
    "document.documentElement.setAttribute('data-drawn',String(n));"
    "document.documentElement.setAttribute('data-igv','ready');},300);}"
    "function show(r){mark(r);document.documentElement.setAttribute('data-igv','loading');"
    "b.loadSession({url:s[r.dataset.session]}).then(ready);}"
    "rows.forEach(function(r){r.addEventListener('click',function(e){"
    "if(e.target.tagName==='A'&&!e.target.hash.startsWith('#locus-'))return;"
    "history.replaceState(null,'','#locus-'+r.dataset.anchor);if(b)show(r);});});"
    "window.addEventListener('hashchange',function(){if(b)show(pick());});"
    "if(!rows.length)return;var first=pick();mark(first);"
    "igv.createBrowser(document.getElementById('igv'),{sessionURL:s[first.dataset.session],"
    "showChromosomeWidget:false,showCenterGuide:true,search:false}).then(function(x){b=x;"
    "ready();});})();"
)


@dataclass(frozen=True)
class Locus:
    """One candidate of the report, where its reads are shown."""

    anchor: str  # the candidate's anchor in the report (v1, cnv2)
    chrom: str
    start: int  # 0-based, half-open: the variant's REF or the event
    end: int
    gene: str
    change: str
    classification: str
    origin: str
    genotype: str
    where: str  # as a reader writes it: chr9:12383 C>T, chr2:48729-49859
    rank: str = ""  # the candidate's rank in the report
    sort_at: int | None = None  # 1-based position the reads are sorted at (sequence variants)

    @property
    def split(self) -> bool:
        """A long event is shown at its two ends: igv.js draws no reads over more than 30 kb,
        and the slices of a whole large event would not fit a page."""
        return self.end - self.start > LONG_EVENT

    @property
    def label(self) -> str:
        return f"{self.gene} {self.change} ({self.where})"


def candidate_loci(doc: Mapping[str, Any], source: str = "") -> list[Locus]:
    """The report's candidates, in its order and with its anchors; ``source`` names the
    document in errors."""
    loci = []
    for row in candidate_rows(doc.get("variants") or [], doc):
        try:
            loci.append(_locus(row))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputFileError(f"candidate {row['anchor']} lacks a usable field ({exc}); "
                                 "expected the variants JSON of mmpsi-variants filter",
                                 path=source or None) from None  # fmt: skip
    return loci


def _locus(row: Mapping[str, Any]) -> Locus:
    c, anchor = row["c"], row["anchor"]
    chrom = str(c["chrom"])
    if not _CONTIG.match(chrom):
        raise ValueError(f"contig {chrom!r} is not a VCF contig name")
    cls = str(c["acmg"]["genotype"]["classification"])
    origin, gene = origin_words(c), str(c.get("gene") or "")
    if row["kind"] == "variant":
        pos, ref, alt = int(c["pos"]), str(c["ref"]), str(c["alt"])
        start = pos - 1
        # An indel's reads are sorted at the first base after the shared one.
        sort_at = pos if len(ref) == len(alt) else pos + 1
        return Locus(anchor, chrom, start, start + max(len(ref), 1), gene, _change(c), cls,
                     origin, f"{c.get('genotype') or ''} ({c.get('zygosity') or ''})",
                     f"{chrom}:{pos} {ref}>{alt}", str(c.get("rank") or ""),
                     sort_at)  # fmt: skip
    start, end = int(c["start"]) - 1, int(c["end"])
    exons = str(c.get("exons") or "")
    change = f"{c.get('call')} of exon{'s' if '-' in exons else ''} {exons}"
    if c.get("hgvs_c"):
        change += f" ({c['hgvs_c']})"
    return Locus(anchor, chrom, start, end, gene, change, cls, origin,
                 f"copy number {c.get('copy_number')} ({c.get('zygosity')})",
                 f"{chrom}:{c['start']}-{c['end']}")  # fmt: skip


def _change(v: Mapping[str, Any]) -> str:
    """The protein change, and the coding one with its transcript beside it."""
    c, p = str(v.get("hgvs_c") or ""), str(v.get("hgvs_p") or "")
    return f"{p} ({c})" if p and c else p or c


@dataclass(frozen=True)
class Track:
    name: str  # as shown: the sample and its role
    path: str
    kind: str  # alignment, variant, annotation


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def reads_html(
    doc: Mapping[str, Any],
    loci: Sequence[Locus],
    tracks: Sequence[Track],
    fasta: str,
    igv_js: Path,
    report_page: str | None,
    workdir: Path,
) -> str:
    """The page's text; ``workdir`` (empty, removed by the caller) holds igv-reports' files."""
    from igv_reports import __version__ as igv_reports_version
    from igv_reports.report import create_report

    js = igv_js.read_text(encoding="utf-8")
    # A copy under a path of our own, so that the script line igv-reports inlines needs no
    # escaping whatever the installed path holds.
    local = workdir / "igv.min.js"
    local.write_text(js, encoding="utf-8")
    # igv-reports inlines a script as a newline and the file's text.
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        f"connect-src data: blob:; script-src {_hash(chr(10) + js)} {_hash(_SCRIPT)}; "
        "base-uri 'none'; form-action 'none'"
    )
    template = TEMPLATES.get_template("reads.html.j2").render(
        head=doc, loci=loci, tracks=tracks, report_page=report_page, igv_js=local.as_uri(),
        igv_version=IGV_VERSION, igv_reports_version=igv_reports_version, csp=csp,
        script=_SCRIPT, disclaimer=DISCLAIMER, edge=f"{EDGE:,}",
    )  # fmt: skip
    out = workdir / "page.html"
    if not loci:
        return template.replace('"@SESSION_DICTIONARY@"', "{}")
    (workdir / "template.html").write_text(template, encoding="utf-8")
    # BEDPE, so that a long event can be two windows; one window is the same span twice,
    # which igv-reports merges (merge_overlaps).
    sites = workdir / "loci.bedpe"
    sites.write_text("".join(_bedpe(x) for x in loci))
    config = workdir / "tracks.json"
    config.write_text(json.dumps([_track_json(t) for t in tracks]))
    args = _arguments(sites, fasta, config, workdir / "template.html", out)
    before = tempfile.tempdir
    tempfile.tempdir = str(workdir)  # igv-reports' own temporary files go with ours
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its progress, one line per site
            create_report(args)
    except pysam.utils.SamtoolsError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else "samtools failed"
        raise InputFileError(f"cannot slice the reads ({first})") from None
    finally:
        tempfile.tempdir = before
    return _sort_each_session(out.read_text(encoding="utf-8"), loci)


def _bedpe(x: Locus) -> str:
    if x.split:
        first = (max(0, x.start - EDGE), x.start + EDGE)
        second = (max(0, x.end - EDGE), x.end + EDGE)
    else:
        first = second = (x.start, x.end)
    return f"{x.chrom}\t{first[0]}\t{first[1]}\t{x.chrom}\t{second[0]}\t{second[1]}\t{x.anchor}\n"


_SESSIONS = re.compile(r'(<script type="application/json" id="sessions">)(.*?)(</script>)', re.S)


def _sort_each_session(page: str, loci: Sequence[Locus]) -> str:
    """Each locus's reads sorted by the base at its own variant, none at a copy-number event:
    igv-reports carries one locus's sort over to the next."""
    from igv_reports.datauri import get_data_uri

    m = _SESSIONS.search(page)
    if m is None:
        raise AssertionError("the page template lost its sessions block")
    sessions = json.loads(m.group(2))
    if len(sessions) != len(loci):
        raise AssertionError(f"{len(sessions)} sessions for {len(loci)} loci")
    for i, x in enumerate(loci):
        data = base64.b64decode(sessions[str(i)].split(",", 1)[1])
        session = json.loads(gzip.decompress(data))
        for track in session.get("tracks", []):
            if track.get("type") != "alignment":
                continue
            track.pop("sort", None)
            if x.sort_at is not None:
                track["sort"] = {"option": "BASE", "chr": x.chrom, "position": str(x.sort_at),
                                 "direction": "ASC"}  # fmt: skip
        sessions[str(i)] = get_data_uri(json.dumps(session))
    return page[: m.start(2)] + json.dumps(sessions) + page[m.end(2) :]


def _track_json(t: Track) -> dict[str, Any]:
    fmt = {"alignment": "bam", "variant": "vcf", "annotation": "bed"}[t.kind]
    # igv.js sanitises what it renders as HTML; escaping the name as well costs a name of
    # letters, digits, '.', '_' and '-' (the sample sheet's) nothing.
    config: dict[str, Any] = {"name": html.escape(t.name), "url": t.path, "format": fmt,
                              "type": t.kind}  # fmt: skip
    if t.kind == "alignment":
        # Duplicates and QC failures are left out of the slice (exclude_flags below).
        config.update(height=300, filter={"duplicate": False, "vendorFailed": False},
                      alleleFreqThreshold=ALLELE_FRACTION_MARK)  # fmt: skip
    if t.kind == "annotation":
        config.update(displayMode="EXPANDED")
    return config


def _arguments(sites: Path, fasta: str, tracks: Path, template: Path, out: Path):
    """What igv-reports' create_report reads from its command line."""
    return argparse.Namespace(
        sites=str(sites), fasta=fasta, fasta_=None, twobit=None, genome=None, type=None,
        ideogram=None, tracks=None, track_config=[str(tracks)], roi=None, sort=None,
        template=str(template), output=str(out), info_columns=None,
        info_columns_prefixes=None, sampleinfo=None, samples=None, sample_columns=None,
        flanking=2 * FLANK, window=None, standalone=True, title=None, header=None, footer=None,
        sequence=None, begin=None, end=None, zero_based=None, idlink=None, exclude_flags=1536,
        no_embed=False, subsample=None, maxlen=10000, translate_sequence_track=False,
        tabulator=False, filter_config=None, merge_overlaps=True,
    )  # fmt: skip
