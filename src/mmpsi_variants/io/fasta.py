"""The reference genome: a FASTA read through its index, with contig-name translation.

The index beside the user's FASTA is used only when it is trustworthy: not older than the
FASTA, and its contig lengths and offsets adding up to the FASTA's size. Otherwise (or when
there is none) an index is built in the cache, never beside the user's file, whose folder may
be read-only or shared; a stale index would otherwise make a contig look shorter or longer
than it is, and the bases read from it wrong.

A base the reference cannot give is an error, never a silent ``N``: annotating a missense
change against a contig the FASTA lacks read it as ``p.(Xaa474=)``.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pysam

from mmpsi_variants.core.cache import cache_dir
from mmpsi_variants.core.contigs import ContigMap
from mmpsi_variants.core.errors import ReferenceGenomeError
from mmpsi_variants.core.stops import temporary_folder
from mmpsi_variants.io.htslib import BGZF, captured_stderr, compression, last_message

EXPECTED = "a FASTA file"


def _fai_agrees(fasta: Path, fai: Path, bgzf: bool) -> bool:
    """The index is not older than the FASTA, and (for a plain FASTA) its last contig ends
    where the file does: an index of an edited or cut-short FASTA fails one or the other."""
    try:
        if fai.stat().st_mtime < fasta.stat().st_mtime:
            return False
        if bgzf:
            return True  # compressed: sizes cannot be compared; the .gzi is checked beside
        lines = [ln.split("\t") for ln in fai.read_text().splitlines() if ln.strip()]
        length, offset, bases, width = (int(x) for x in lines[-1][1:5])
    except (OSError, ValueError, IndexError):
        return False
    full, rest = divmod(length, bases)
    newline = width - bases
    end = offset + full * width + (rest + newline if rest else 0)
    # The last line may lack its line end, or be followed by a blank line.
    return end - newline <= fasta.stat().st_size <= end + width


def _build_index(fasta: Path, folder: Path, bgzf: bool) -> tuple[Path, Path | None]:
    """(fai, gzi) for ``fasta`` in ``folder``, built if missing; keyed by the file's path,
    size and modification time, so that an edited FASTA gets a new one."""
    st = fasta.stat()
    ident = f"{fasta.resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode()
    stem = folder / hashlib.sha1(ident).hexdigest()
    fai, gzi = Path(f"{stem}.fai"), Path(f"{stem}.gzi")
    if fai.exists() and (gzi.exists() or not bgzf):
        return fai, gzi if bgzf else None
    folder.mkdir(parents=True, exist_ok=True)
    with temporary_folder(".fai-", str(folder)) as tmp:
        t_fai, t_gzi = Path(tmp) / "x.fai", Path(tmp) / "x.gzi"
        args = ["--fai-idx", str(t_fai)] + (["--gzi-idx", str(t_gzi)] if bgzf else [])
        with captured_stderr() as err:
            try:
                pysam.faidx(str(fasta), *args)
                failed = not t_fai.exists()
            except (pysam.SamtoolsError, OSError):
                failed = True
        if failed:
            detail = last_message(err["text"]) or "samtools faidx failed"
            raise ReferenceGenomeError(
                f"cannot index ({detail}); expected a FASTA file (plain or BGZF-compressed)",
                path=str(fasta),
            )
        if bgzf:
            shutil.move(t_gzi, gzi)
        shutil.move(t_fai, fai)  # last: a complete pair is what an existing .fai means
    return fai, gzi if bgzf else None


class Reference:
    """A FASTA with contig-name translation and strict reads."""

    def __init__(self, path: str):
        self.path = path
        fasta = Path(path)
        bgzf = compression(fasta, EXPECTED) == BGZF  # missing, a folder, empty: one line
        self._work: tempfile.TemporaryDirectory[str] | None = None
        fai: Path = Path(f"{path}.fai")
        gzi: Path | None = Path(f"{path}.gzi") if bgzf else None
        if not (_fai_agrees(fasta, fai, bgzf) and (gzi is None or gzi.exists())):
            fai, gzi = self._index_of_ours(fasta, bgzf)
        try:
            with captured_stderr():
                self.fasta = pysam.FastaFile(
                    path,
                    filepath_index=str(fai),
                    filepath_index_compressed=str(gzi) if gzi else None,
                )
        except (OSError, ValueError) as exc:
            self.close_work()
            raise ReferenceGenomeError(
                f"cannot open ({exc}); expected a FASTA file, indexed or indexable with "
                "samtools faidx",
                path=path,
            ) from None
        self.contigs = ContigMap(self.fasta.references)
        self.lengths = dict(zip(self.fasta.references, self.fasta.lengths, strict=True))

    def _index_of_ours(self, fasta: Path, bgzf: bool) -> tuple[Path, Path | None]:
        """An index in the cache, or, when there is none or it cannot be written, in a
        temporary folder of this run's."""
        folder = cache_dir("indexes")
        if folder is not None:
            try:
                return _build_index(fasta, folder, bgzf)
            except OSError:
                pass  # a read-only or full cache: index for this run only
        self._work = temporary_folder("mmpsi-fasta-")
        return _build_index(fasta, Path(self._work.name), bgzf)

    def length(self, chrom: str) -> int | None:
        """The contig's length in the FASTA, None when the FASTA lacks it."""
        name = self.contigs.get(chrom)
        return None if name is None else self.lengths[name]

    def fetch(self, chrom: str, start0: int, end0: int) -> str | None:
        """Bases [start0, end0) in 0-based coordinates, upper case; None for an unknown contig."""
        name = self.contigs.get(chrom)
        if name is None:
            return None
        return self.fasta.fetch(name, max(0, start0), end0).upper()

    def bases(self, chrom: str, start0: int, end0: int, what: str) -> str:
        """Bases [start0, end0) that ``what`` needs: an error naming the contig and both
        lengths when the FASTA lacks the contig or holds fewer bases."""
        name = self.contigs.get(chrom)
        if name is None:
            raise ReferenceGenomeError(
                f"contig {chrom} is not in the reference, but {what} lies on it; expected the "
                "FASTA the calls and gene models were made against",
                path=self.path,
            )
        if end0 > self.lengths[name]:
            raise ReferenceGenomeError(
                f"contig {chrom} has {self.lengths[name]:,} bases in the reference, but {what} "
                f"reaches {end0:,}; expected the FASTA the calls and gene models were made "
                "against",
                path=self.path,
            )
        return self.fasta.fetch(name, max(0, start0), end0).upper()

    def close_work(self) -> None:
        if self._work is not None:
            self._work.cleanup()
            self._work = None

    def close(self) -> None:
        self.fasta.close()
        self.close_work()


def check_lengths(reference: Reference, contigs: Mapping[str, int], source: str) -> None:
    """Contigs that both ``source`` (a VCF header) and the reference know must have one length:
    another length means another assembly, and every base read would be wrong."""
    for chrom, length in contigs.items():
        have = reference.length(chrom)
        if length and have is not None and have != length:
            raise ReferenceGenomeError(
                f"contig {chrom} has {have:,} bases in the reference but {length:,} in "
                f"{source}; expected the FASTA the calls were made against",
                path=reference.path,
            )
