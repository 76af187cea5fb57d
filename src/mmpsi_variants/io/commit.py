"""Putting a run's output files in place as one set.

Files are written into a private staging folder inside the output folder (same file system,
so each rename is atomic), then moved into place under an exclusive lock on the output folder.
A file they replace is kept aside until every move succeeded, so a failed move puts the old
set back. A run that writes a whole folder (``filter``) also writes a manifest, last: while it
is missing the folder is not a finished set. Files an earlier run wrote and this one did not
(another ``--sample``) are left alone; the manifest says which files are this run's.

A run that was killed leaves its staging folder behind; it is removed by the next run into
that folder, which can tell it is abandoned because no process holds its owner lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, BinaryIO, Literal

from mmpsi_variants.core.errors import OutputError
from mmpsi_variants.core.stops import deferred
from mmpsi_variants.io.outputs import json_text
from mmpsi_variants.io.sink import ThreadedSink

log = logging.getLogger("mmpsi_variants")

STAGING_PREFIX = ".mmpsi-staging-"
LOCK_NAME = ".mmpsi-variants.lock"
# Hidden and without a .json suffix: a glob for the documents (a shell's *.json, or
# pathlib's, which also matches hidden names) must not take it for one.
MANIFEST_NAME = ".mmpsi-manifest"
_OWNER = ".owner"
# A staging folder without an owner file, or a .part file of an earlier version, that nobody
# has touched for this long is litter: a live writer keeps writing.
_ABANDONED_AFTER_S = 3600


class AtomicOutputs:
    """Collect files, then put all of them in place at once with :meth:`commit`.

    ``manifest``, when given, holds fields written into the folder's ``.mmpsi-manifest``
    (JSON) with the list of files (name, size, SHA-256); give it when the folder is the run's.
    """

    def __init__(self, outdir: str | Path, *, manifest: dict[str, Any] | None = None):
        self.outdir = Path(outdir)
        self.manifest = manifest
        self._stage: _Staging | None = None
        self._pending: list[tuple[Path, Path]] = []  # (staged, final)
        self._digests: dict[Path, str] = {}  # staged -> SHA-256, from writers that hashed

    def add(self, name: str, text: str) -> Path:
        """Write ``text`` for ``name`` (which may include subfolders); returns the final path."""
        with self.writer(name) as fh:
            fh.write(text)
        return self.outdir / name

    def add_json(self, name: str, data: dict[str, Any]) -> Path:
        return self.add(name, json_text(data))

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[ThreadedSink]:
        """A text handle for ``name``, committed with the others; for output written piece by
        piece. A thread does the writing (and hashes it for the manifest)."""
        with self._open(name) as (fh, staged):
            sink = ThreadedSink(fh)
            try:
                yield sink
            except BaseException:
                sink.abandon()
                raise
            sink.close()
            self._digests[staged] = sink.sha256()

    @contextlib.contextmanager
    def binary_writer(self, name: str) -> Iterator[BinaryIO]:
        with self._open(name) as (fh, _):
            yield fh

    @contextlib.contextmanager
    def _open(self, name: str) -> Iterator[tuple[BinaryIO, Path]]:
        staged = self.staged(name)
        entry = self._pending[-1]
        final = entry[1]
        try:
            # Created as any new file is (not mkstemp's 0600): the umask, or the folder's
            # default ACL, decide who may read the finished output.
            fd = _create(staged)
            with open(fd, "wb") as fh:
                yield fh, staged
        except BaseException as exc:
            written = _size(staged)
            if entry in self._pending:  # not when the whole set was discarded already
                self._pending.remove(entry)
            with contextlib.suppress(OSError):
                os.unlink(staged)
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise disk_full(final, written) from None
            raise

    def staged(self, name: str) -> Path:
        """The staging path that becomes ``name`` at commit, for a writer that wants a path
        (BGZF, an index built beside its file). The caller creates the file."""
        final = self.outdir / _relative(name)
        staged = self._staging() / f"{len(self._pending)}-{final.name}"
        self._pending.append((staged, final))
        return staged

    def commit(self) -> list[Path]:
        """Move every staged file into place (and the manifest last); all or none."""
        if not self._pending and self.manifest is None:
            self.discard()
            return []
        stage = self._staging()
        for staged, final in self._pending:
            if not staged.exists():
                raise OutputError(f"{final.name} was not written", path=str(self.outdir))
        if len(self._pending) == 1 and self.manifest is None:
            # One file: its rename is atomic without help, and the folder (often the user's
            # own) keeps no lock file.
            staged, final = self._pending[0]
            final.parent.mkdir(parents=True, exist_ok=True)
            _replace(staged, final, self.outdir)
        else:
            with FolderLock(self.outdir):
                _Move(self.outdir, stage / "previous").run(self._pending, self._manifest_text())
        done = [final for _, final in self._pending]
        self.discard()
        return done

    def discard(self) -> None:
        self._pending.clear()
        self._digests.clear()
        if self._stage is not None:
            self._stage.remove()
            self._stage = None

    def _manifest_text(self) -> str | None:
        if self.manifest is None:
            return None
        files = [
            {
                "name": _name_in(final, self.outdir),
                "bytes": staged.stat().st_size,
                "sha256": self._digests.get(staged) or _sha256(staged),
            }
            for staged, final in self._pending
        ]
        doc = {**self.manifest, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": files}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def _staging(self) -> Path:
        if self._stage is None:
            self.outdir.mkdir(parents=True, exist_ok=True)
            sweep_abandoned(self.outdir)
            with deferred():  # a folder made but not yet ours to remove would stay behind
                self._stage = _Staging.create(self.outdir)
        return self._stage.path

    def __enter__(self) -> AtomicOutputs:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        self.discard()
        return False


class _Staging:
    """A private folder for one run's files, with an owner file the run keeps locked."""

    def __init__(self, path: Path, owner_fd: int):
        self.path = path
        self._owner_fd = owner_fd

    @classmethod
    def create(cls, outdir: Path) -> _Staging:
        path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=outdir))
        fd = os.open(path / _OWNER, os.O_RDWR | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):  # no locks here: the age rule still applies
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return cls(path, fd)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._owner_fd)


def sweep_abandoned(folder: Path) -> None:
    """Remove staging folders of runs that were killed, and .part files of earlier versions."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
            owner = Path(entry.path) / _OWNER
            try:
                fd = os.open(owner, os.O_RDWR)
            except FileNotFoundError:
                if _age(entry.path) > _ABANDONED_AFTER_S:
                    shutil.rmtree(entry.path, ignore_errors=True)
                continue
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pass  # its run is alive (or locks do not work here: leave it)
            else:
                shutil.rmtree(entry.path, ignore_errors=True)
            finally:
                os.close(fd)
        elif (
            entry.name.startswith(".")
            and entry.name.endswith(".part")
            and entry.is_file(follow_symlinks=False)
            and _age(entry.path) > _ABANDONED_AFTER_S
        ):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


class FolderLock:
    """An exclusive lock on an output folder, held while a set of files is moved into place.

    A second run that wants to commit into the same folder waits (commits take milliseconds)
    and says so. The lock file is removed while still locked; a run that was waiting for it
    then finds that the name no longer leads to the file it locked, and tries again.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        said = False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                if not self._lock(fd, said):
                    break  # no locks on this file system: warned, go on without
                said = True
                if _same_file(fd, self.path):
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        self._fd = fd
        return self

    def _lock(self, fd: int, said: bool) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not said:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
                log.warning(
                    "waiting for another mmpsi-variants run (pid %s) to finish writing to %s",
                    holder,
                    self.folder,
                )
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
            log.warning(
                "%s: the file system does not support locks; two runs writing here at once "
                "could mix their outputs",
                self.folder,
            )
            return False
        return True

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            os.close(self._fd)  # closing releases the lock
            self._fd = None


def _same_file(fd: int, path: Path) -> bool:
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


class _Move:
    """The moves of one commit, undone in reverse if any of them fails."""

    def __init__(self, outdir: Path, aside: Path):
        self.outdir = outdir
        self.aside = aside
        self._done: list[tuple[Path, Path | None, bool]] = []  # (final, kept aside, placed)

    def run(self, pending: list[tuple[Path, Path]], manifest: str | None) -> None:
        self.aside.mkdir()
        manifest_path = self.outdir / MANIFEST_NAME
        try:
            if manifest is not None:
                # Taken away first: while it is missing the folder is not a finished set.
                self._put_aside(manifest_path)
            for staged, final in pending:
                final.parent.mkdir(parents=True, exist_ok=True)
                self._place(staged, final)
            if manifest is not None:
                staged_manifest = self.aside.parent / MANIFEST_NAME
                staged_manifest.write_text(manifest, encoding="utf-8")
                self._place(staged_manifest, manifest_path)
        except OSError as exc:
            failed = exc.filename or ""
            self._undo()
            raise OutputError(
                f"could not put {Path(str(failed)).name or 'the outputs'} in place "
                f"({exc.strerror or exc}); the folder holds the previous outputs, unchanged",
                path=str(self.outdir),
            ) from None

    def _put_aside(self, final: Path) -> Path | None:
        if not os.path.lexists(final) or _is_folder(final):
            return None
        kept = self.aside / str(len(self._done))
        os.replace(final, kept)
        self._done.append((final, kept, False))
        return kept

    def _place(self, staged: Path, final: Path) -> None:
        if _is_folder(final):
            # Moved aside, a folder of the user's would be deleted with the staging folder.
            raise IsADirectoryError(errno.EISDIR, "a folder has this name", str(final))
        kept = None
        if os.path.lexists(final):
            kept = self.aside / str(len(self._done))
            os.replace(final, kept)
        self._done.append((final, kept, False))
        os.replace(staged, final)
        self._done[-1] = (final, kept, True)

    def _undo(self) -> None:
        for final, kept, placed in reversed(self._done):
            with contextlib.suppress(OSError):
                if placed:
                    os.unlink(final)
                if kept is not None:
                    os.replace(kept, final)
        self._done.clear()


def _relative(name: str) -> Path:
    """``name`` as a path below the output folder; nothing absolute, nothing with '..'."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts or "." in parts:
        raise ValueError(f"not a name inside the output folder: {name!r}")
    return Path(*parts)


def _create(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _name_in(final: Path, outdir: Path) -> str:
    return final.relative_to(outdir).as_posix()


def _replace(staged: Path, final: Path, outdir: Path) -> None:
    try:
        os.replace(staged, final)
    except OSError as exc:
        raise OutputError(
            f"could not put {final.name} in place ({exc.strerror or exc})", path=str(outdir)
        ) from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _age(path: str) -> float:
    try:
        return time.time() - os.lstat(path).st_mtime
    except OSError:
        return 0.0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def disk_full(final: Path, written: int) -> OutputError:
    """The one line for a full disk: the folder, the space left, what was being written."""
    try:
        free = shutil.disk_usage(final.parent if final.parent.exists() else ".").free
    except OSError:
        free = 0
    return OutputError(
        f"the disk is full ({free:,} bytes free) after {written:,} bytes of {final.name}; "
        "free space there or write elsewhere",
        path=str(final.parent),
    )
