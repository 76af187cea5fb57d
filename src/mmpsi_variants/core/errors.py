"""The exceptions a user can cause.

Everything that is the user's mistake (a missing file, a malformed record, a sample that is not in
the VCF) raises a subclass of :class:`MmpsiError`. The command line turns it into one line on
standard error and exit code 2; anything else is our bug and keeps its traceback.
"""

from __future__ import annotations


class MmpsiError(Exception):
    """Root of all errors caused by input or configuration.

    ``path`` names the file, ``where`` the record or line in it, and the message says what was
    expected, so the one-line report points at the exact place to fix.
    """

    def __init__(self, message: str, *, path: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.where = where

    def __str__(self) -> str:
        parts = [p for p in (self.path, self.where) if p]
        return ": ".join([*parts, self.message])


class InputFileError(MmpsiError):
    """A file is missing, unreadable, truncated or not of the expected format."""


class VcfError(MmpsiError):
    """A VCF or BCF record or header is malformed."""


class GeneModelError(MmpsiError):
    """A GFF3/GTF gene model file is malformed or lacks what we need."""


class PanelError(MmpsiError):
    """The gene panel file is malformed, or a panel gene cannot be resolved."""


class ReferenceGenomeError(MmpsiError):
    """The reference FASTA is missing, unindexed or does not match the variants."""


class SampleError(MmpsiError):
    """A requested sample is not present."""


class PedigreeError(MmpsiError):
    """A PED file is malformed or inconsistent."""


class ContigError(MmpsiError):
    """Contig names of two inputs cannot be matched."""


class ConfigError(MmpsiError):
    """A configuration value is invalid."""


class SampleSheetError(MmpsiError):
    """A sample sheet (samples.tsv, units.tsv) is malformed or inconsistent."""


class AlignmentError(MmpsiError):
    """A BAM/CRAM file is missing, unindexed or unreadable."""


class UsageError(MmpsiError):
    """Options that do not go together, or a needed option missing: no file is at fault."""


class OutputError(MmpsiError):
    """An output cannot be written: no space, a read-only or protected folder."""
