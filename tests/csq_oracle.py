"""Load bcftools csq's own regression cases and compare our annotator with them.

Each case folder of tests/data/realdata/csq/ holds one real Ensembl transcript (FASTA slice +
GFF3) and VCFs. bcftools' expectation for a record is its INFO/EXP, or, when a `<stem>.txt`
file exists, the BCSQ that bcftools wrote (the second line of each pair in that file).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from mmpsi_variants.annotation.annotator import Annotator, combine_alleles
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.gene_cache import load_gene_models

CSQ_DIR = Path(__file__).parent / "data" / "realdata" / "csq"

# bcftools' short names -> the Sequence Ontology terms VEP and we use.
BCFTOOLS_TO_SO = {
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "stop_retained": "stop_retained_variant",
    "start_lost": "start_lost",
    "start_retained": "start_retained_variant",
    "frameshift": "frameshift_variant",
    "inframe_deletion": "inframe_deletion",
    "inframe_insertion": "inframe_insertion",
    "inframe_altering": "protein_altering_variant",
    "splice_donor": "splice_donor_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_region": "splice_region_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_exon_variant",
    "coding_sequence": "coding_sequence_variant",
}
# Terms that name the same class of change in the two tools' conventions: an in-frame change
# of length is inframe_insertion/deletion in bcftools whether or not it also replaces a residue,
# which VEP (and we) call protein_altering_variant.
CLASS = {
    "inframe_insertion": "inframe",
    "inframe_deletion": "inframe",
    "protein_altering_variant": "inframe",
}
# bcftools terms that describe the transcript or the allele, not the consequence class.
NOT_A_CLASS = {"NMD_transcript", "feature_elongation"}


@dataclass
class Case:
    folder: str
    vcf: str
    chrom: str
    pos: int
    ref: str
    alt: str
    expected: str  # bcftools' CSQ string, or "." for none
    end: int | None = None  # INFO/END of symbolic alleles
    gff: str | None = None  # gene models used, when not the folder's own <folder>.gff


def _vcf_records(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            yield c[0], int(c[1]), c[3], c[4], c[7]


def _txt_expectations(path: Path) -> dict:
    """pos, ref, alt -> the BCSQ bcftools wrote: the last column of one-line entries, or the
    second line of each identical-key pair."""
    out, seen = {}, {}
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        c = line.split("\t")
        key = (int(c[0]), c[1], c[2])
        seen[key] = seen.get(key, 0) + 1
        value = c[-1] if len(c) > 3 else "."
        if seen[key] == 2 or key not in out or len(c) > 4:
            out[key] = value
    return out


def _cmd_expectations(folder: Path) -> dict:
    """(vcf name, pos, ref, alt) -> BCSQ from the `<name>.cmd` / `<name>.cmd.out` pairs.

    Each command line of a .cmd file runs bcftools csq on one VCF and the .cmd.out holds one
    block per command, separated by blank lines. Blocks that use gene models not shipped in
    the folder are skipped; the first block that names a record wins.
    """
    out: dict = {}
    for cmd in sorted(folder.glob("*.cmd")):
        result = cmd.with_name(cmd.name + ".out")
        if not result.exists():
            continue
        commands = [c for c in cmd.read_text().splitlines() if c.strip() and c.strip() != "echo"]
        blocks = [b for b in re.split(r"\n\s*\n", result.read_text()) if b.strip()]
        if len(blocks) != len(commands):
            blocks = [result.read_text()] if len(commands) == 1 else []
        for command, block in zip(commands, blocks, strict=False):
            gff = re.search(r"-g (\S+)", command)
            vcf = re.search(r"(\S+\.vcf)\b", command)
            if not gff or not vcf or not (folder / gff.group(1)).exists():
                continue
            for line in block.splitlines():
                c = line.split("\t")
                if len(c) < 4 or not c[0].isdigit():
                    continue
                bcsq = c[5] if len(c) >= 7 else c[3]  # per-haplotype TBCSQ: first haplotype
                key = (vcf.group(1), int(c[0]), c[1], c[2])
                out.setdefault(key, (bcsq, gff.group(1)))
    return out


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in CSQ_DIR.iterdir() if p.is_dir()):
        cmd_exp = _cmd_expectations(folder)
        for vcf in sorted(folder.glob("*.vcf")):
            txt = folder / f"{vcf.stem}.txt"
            txt_exp = _txt_expectations(txt) if txt.exists() else {}
            for chrom, pos, ref, alt, info in _vcf_records(vcf):
                m = re.search(r"(?:^|;)EXP=([^;]*)", info)
                end = re.search(r"(?:^|;)END=(\d+)", info)
                gff = None
                expected = m.group(1) if m else txt_exp.get((pos, ref, alt))
                if expected is None and (vcf.name, pos, ref, alt) in cmd_exp:
                    expected, gff = cmd_exp[(vcf.name, pos, ref, alt)]
                if expected is None:
                    continue
                cases.append(
                    Case(folder.name, vcf.name, chrom, pos, ref, alt, expected,
                         int(end.group(1)) if end else None, gff)
                )  # fmt: skip
    return cases


def annotator_for(folder: str, gff: str | None = None) -> Annotator:
    d = CSQ_DIR / folder
    return Annotator(
        load_gene_models(d / (gff or f"{folder}.gff")), Reference(str(d / f"{folder}.fa"))
    )


def parse_expected(expected: str) -> tuple[dict[str, dict], bool]:
    """Per transcript: the union of its terms and its protein change; and whether bcftools
    merged this record with others of the same haplotype ('@pos' or 'a+b' changes)."""
    per_tx: dict[str, dict] = {}
    compound = False
    if expected in (".", ""):
        return per_tx, compound
    for entry in expected.split(","):
        if entry.startswith("@"):
            compound = True
            continue
        f = entry.split("|")
        if len(f) > 6 and "+" in f[6]:
            compound = True
        tx = f[2] if len(f) > 2 else ""
        d = per_tx.setdefault(
            tx, {"terms": set(), "aa": "", "gene": f[1] if len(f) > 1 else "", "changes": ""}
        )
        d["terms"] |= {t.lstrip("*") for t in f[0].split("&")}
        if len(f) > 5 and f[5]:
            d["aa"] = f[5]
        if len(f) > 6 and "+" in f[6]:
            d["changes"] = f[6]
    return per_tx, compound


_AA = re.compile(r"^(\d+)([A-Z*]*)(?:\.\.(\d+))?>(\d+)([A-Z*]*)(?:\.\.(\d+))?$")


def expected_alt_protein(ref_protein: str, aa: str) -> tuple[str, bool] | None:
    """The alternate protein implied by bcftools' '331I>331M' notation, and whether it is only
    a prefix (bcftools abbreviates long changes with '..')."""
    m = _AA.match(aa)
    if not m:
        return None
    pos, ref, ref_end, _, alt, alt_end = m.groups()
    start = int(pos) - 1
    n_ref = (int(ref_end) - start) if ref_end else len(ref)
    # Abbreviated changes, and stop losses (bcftools shows only the first new residues),
    # give only a prefix of the new protein.
    prefix_only = bool(ref_end or alt_end) or (ref.endswith("*") and not alt.endswith("*"))
    if prefix_only:
        return ref_protein[:start] + alt, True
    return ref_protein[:start] + alt + ref_protein[start + n_ref :], False


@dataclass
class Comparison:
    case: Case
    transcript: str
    theirs: str | None  # bcftools' most severe term, mapped to SO; None when it reports nothing
    ours: str | None
    merged: bool  # bcftools' answer depends on other variants of the record's haplotype
    protein_ok: bool | None  # None when bcftools gives no protein change to compare
    # For a change bcftools reports as several records of one haplotype ('a+b'): our most severe
    # term and protein for the same records taken together (Annotator.annotate_together).
    together: str | None = None
    together_protein_ok: bool | None = None

    @property
    def agrees(self) -> bool:
        """Same most severe term."""
        return self.theirs == self.ours

    @property
    def same_class(self) -> bool:
        return CLASS.get(self.theirs, self.theirs) == CLASS.get(self.ours, self.ours)


def _start_lost_sites(cases: list[Case]) -> dict[tuple[str, str, str], list[tuple[int, str]]]:
    """(folder, vcf, transcript) -> positions and strands bcftools calls start_lost."""
    out: dict = {}
    for c in cases:
        for entry in c.expected.split(","):
            f = entry.split("|")
            if len(f) > 4 and "start_lost" in f[0]:
                out.setdefault((c.folder, c.vcf, f[2]), []).append((c.pos, f[4]))
    return out


def _after_start_lost(c: Case, tid: str, start_lost: dict) -> bool:
    """A coding record that bcftools leaves blank while a start_lost of the same transcript lies
    upstream of it in the same VCF (-p a: both alleles on the sample's one haplotype).

    The one such case is test.vcf of ENST00000000001, added to bcftools' tests with its issue
    #2446: this pair of variants made `csq -Ot` abort, and either one alone did not. Since the
    fix the deletion gets no consequence of its own next to the start_lost; Debian's bcftools
    1.16 reports it as a frameshift (1MAV>1MR), as we do. bcftools' answer for the record thus
    depends on the other variant of its haplotype, so it is not one it gives the record alone.
    """
    for pos, strand in start_lost.get((c.folder, c.vcf, tid), []):
        if (pos < c.pos) if strand == "+" else (pos > c.pos):
            return True
    return False


def compare_all() -> list[Comparison]:
    """Run our annotator on every case; one comparison per transcript bcftools names."""
    from mmpsi_variants.annotation.consequence import predict
    from mmpsi_variants.annotation.effects import RANK, MinimalVariant
    from mmpsi_variants.io.normalize import left_align

    out, annotators = [], {}
    cases = load_cases()
    start_lost = _start_lost_sites(cases)
    for c in cases:
        key = (c.folder, c.gff)
        if key not in annotators:
            annotators[key] = annotator_for(c.folder, c.gff)
        a = annotators[key]
        ours = a.annotate(c.chrom, c.pos, c.ref, c.alt, c.end)
        per_tx, merged = parse_expected(c.expected)
        if not per_tx and merged:
            continue  # bcftools reports this record only as part of another ('@pos')
        if not per_tx:
            located = [
                o for o in ours
                if set(o.consequence) - {"upstream_gene_variant", "downstream_gene_variant"}
            ]  # fmt: skip
            top = located[0].consequence[0] if located else None
            tid = located[0].transcript.split(".")[0] if located else ""
            merged = _after_start_lost(c, tid, start_lost)
            out.append(Comparison(c, tid, None, top, merged, None))
            continue
        for tid, e in per_tx.items():
            # bcftools leaves the transcript ID empty for intronic and non-coding entries.
            def same(o, tid=tid, gene=e["gene"]):
                return o.transcript.split(".")[0] == tid.split(".")[0] if tid else o.symbol == gene

            mine = [o for o in ours if same(o)]
            terms = {BCFTOOLS_TO_SO.get(t, t) for t in e["terms"] - NOT_A_CLASS}
            theirs = min(terms, key=lambda t: RANK.get(t, len(RANK))) if terms else None
            protein_ok = None
            if e["aa"] and not merged:
                protein_ok = _protein_agrees(
                    a, c, tid, e["aa"], (c.pos, c.ref, c.alt), MinimalVariant, predict, left_align
                )
            comparison = Comparison(c, tid, theirs, mine[0].consequence[0] if mine else None,
                                    merged, protein_ok)  # fmt: skip
            if e["changes"]:
                _compare_together(comparison, a, e, MinimalVariant, predict, left_align)
            out.append(comparison)
    return out


_CHANGE = re.compile(r"^(\d+)([ACGTN]+)>([ACGTN]+)$")


def _compare_together(comparison, a, e, MinimalVariant, predict, left_align) -> None:
    """Annotate the records bcftools lists as one change ('53592GC>G+53595A>T') together."""
    c, tid = comparison.case, comparison.transcript
    changes = [_CHANGE.match(x) for x in e["changes"].lstrip("|").split("+")]
    if not all(changes):
        return
    alleles = [(int(m.group(1)), m.group(2), m.group(3)) for m in changes]
    mine = [o for o in a.annotate_together(c.chrom, alleles)
            if o.transcript.split(".")[0] == tid.split(".")[0]]  # fmt: skip
    comparison.together = mine[0].consequence[0] if mine else None
    combined = combine_alleles(alleles, lambda s, t: a.reference.fetch(c.chrom, s, t))
    if e["aa"] and combined:
        comparison.together_protein_ok = _protein_agrees(
            a, c, tid, e["aa"], combined, MinimalVariant, predict, left_align
        )


def _protein_agrees(a, c, tid, aa, allele, MinimalVariant, predict, left_align) -> bool:
    """Does the protein implied by bcftools' notation equal the one we predict for
    ``allele`` (pos, ref, alt)?"""
    txs = [t for g in a.models.genes for t in g.transcripts if t.id == tid]
    if not txs:
        return False
    ts = a.transcript_seq(txs[0])
    pos, ref, alt = allele
    if len(ref) != len(alt):
        pos, ref, alt = left_align(pos, ref, alt, lambda s, e: a.reference.fetch(c.chrom, s, e))
    effect = predict(ts, MinimalVariant.from_vcf(c.chrom, pos, ref, alt), a.reference.fetch)
    if effect is None or effect.protein is None:
        return False
    if ">" not in aa:  # synonymous: bcftools gives the residue only
        return effect.protein.first is None
    expected = expected_alt_protein(ts.protein, aa)
    if expected is None:
        return False
    protein, prefix_only = expected
    if "*" in protein:
        protein = protein[: protein.index("*") + 1]
    ours = effect.protein.alt_protein
    return ours.startswith(protein) if prefix_only else ours == protein
