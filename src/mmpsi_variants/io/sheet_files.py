"""The sample sheets checked against the files they name, and loaded as one.

:func:`load_sheet` reads ``samples.tsv`` and ``units.tsv`` and then looks at the files: an index
beside each BAM/CRAM, the read groups' sample names where freebayes needs them, and the
family's samples in its VCF. A file that does not exist yet is left to Snakemake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mmpsi_variants.core.errors import SampleSheetError
from mmpsi_variants.core.stops import temporary_folder
from mmpsi_variants.io.samplesheet import VCF, SampleSheet, load_samples, load_units, sheet_families


def index_of(path: Path) -> Path | None:
    """The index file beside a BAM/CRAM (.bai, .csi or .crai), or None."""
    name = path.name
    stem = name.rsplit(".", 1)[0]
    for cand in (f"{name}.bai", f"{stem}.bai", f"{name}.csi", f"{name}.crai", f"{stem}.crai"):
        if (path.parent / cand).exists():
            return path.parent / cand
    return None


def read_group_samples(path: str | Path) -> set[str]:
    """The SM values of the @RG lines of a BAM/CRAM header."""
    import pysam

    from mmpsi_variants.core.errors import AlignmentError
    from mmpsi_variants.io.htslib import captured_stderr

    mode = "rc" if str(path).endswith(".cram") else "rb"
    try:
        with captured_stderr(), pysam.AlignmentFile(str(path), mode) as af:
            return {rg.get("SM", "") for rg in af.header.to_dict().get("RG", [])}
    except (OSError, ValueError) as exc:
        raise AlignmentError(f"cannot read as BAM/CRAM ({exc})", path=str(path)) from None


def _check_files(sheet: SampleSheet, check_read_groups: bool) -> None:
    """Checks that need the files; a file that does not exist yet is left to Snakemake."""

    for u in sheet.units:
        where = f"line {u.line} (sample {u.sample})"
        if u.bam and Path(u.bam).exists():
            if index_of(Path(u.bam)) is None:
                raise SampleSheetError(
                    f"no index beside {u.bam} (expected .bai, .csi or .crai); run samtools index",
                    path=sheet.units_path,
                    where=f"{where}, column bam",
                )
            if check_read_groups:
                sms = read_group_samples(u.bam)
                if sms != {u.sample}:
                    raise SampleSheetError(
                        f"the read groups of {u.bam} name sample(s) "
                        f"{', '.join(sorted(sms)) or '(none)'}; freebayes needs @RG SM:{u.sample}",
                        path=sheet.units_path,
                        where=f"{where}, column bam",
                    )
    for fam in sheet.families.values():
        if fam.source != VCF:
            continue
        assert fam.vcf is not None  # a family from a VCF names it
        if not Path(fam.vcf).exists():
            continue
        in_vcf = set(vcf_samples(fam.vcf, sheet.units_path))
        for sid in fam.samples:
            if sid not in in_vcf:
                u = sheet.units_of(sid)[0]
                raise SampleSheetError(
                    f"sample {sid!r} is not in {fam.vcf} (its samples: "
                    f"{', '.join(sorted(in_vcf)[:5])}{', ...' if len(in_vcf) > 5 else ''})",
                    path=sheet.units_path,
                    where=f"line {u.line} (sample {sid}), column vcf",
                )


def load_sheet(
    samples_path: str | Path,
    units_path: str | Path,
    *,
    samples_schema: dict[str, Any] | None = None,
    units_schema: dict[str, Any] | None = None,
    check_files: bool = True,
    check_read_groups: bool = False,
) -> SampleSheet:
    """Read, check and join samples.tsv and units.tsv."""
    samples = load_samples(samples_path, samples_schema)
    units = load_units(units_path, samples, units_schema)
    families = sheet_families(samples, units, str(units_path))
    sheet = SampleSheet(str(samples_path), str(units_path), samples, units, families)
    if check_files:
        _check_files(sheet, check_read_groups)
    return sheet


def vcf_samples(path: str, units_path: str | None) -> tuple[str, ...]:
    """The samples a family's VCF/BCF holds, read from its header."""

    from mmpsi_variants.core.errors import MmpsiError
    from mmpsi_variants.io.vcf import VariantFile

    try:
        with temporary_folder("mmpsi-sheet-") as work:
            vf = VariantFile(path, Path(work), indexed=False)
            vf.close()
    except MmpsiError as exc:
        raise SampleSheetError(
            f"cannot read {path} as a VCF/BCF ({exc})", path=units_path
        ) from None
    return vf.samples
