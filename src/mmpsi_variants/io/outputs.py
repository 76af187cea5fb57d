"""Writing outputs so that nothing is half-written: every file goes to a temporary name in the
output folder first, and all of them are renamed into place only when every one was written.

Also here: sample names made safe as file names, and the JSON layout of the contract (a
variant per line).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TextIO

from mmpsi_variants.core.errors import OutputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A sample name made safe to use as a file name: no path separators, no leading dot."""
    cleaned = _UNSAFE.sub("_", name).strip("._-")
    return cleaned[:100] or "sample"


def unique_filenames(samples: list[str]) -> dict[str, str]:
    """Safe, distinct file stems for every sample (``a/b`` and ``a_b`` must not collide)."""
    used: set[str] = set()
    out = {}
    for s in samples:
        stem = base = safe_filename(s)
        n = 2
        while stem.lower() in used:
            stem = f"{base}_{n}"
            n += 1
        used.add(stem.lower())
        out[s] = stem
    return out


def json_text(data: object) -> str:
    """JSON with one top-level key per line and one list item (a variant) per line.

    Indenting every nested field with the json module's pure-Python encoder took longer than
    the whole analysis of a panel; items written by the C encoder keep it fast and the file
    still reads, and diffs, a variant per line.
    """

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return "".join(json_chunks(data))


class Items:
    """A list value that :func:`json_chunks` writes item by item as it is produced, so that a
    document of a hundred thousand variants is never held as one string or one list."""

    def __init__(self, items: Iterable[object], *, encoded: bool = False):
        self.items = items
        self.encoded = encoded  # the items are JSON texts already


def json_chunks(data: dict[str, Any]) -> Iterator[str]:
    """The text of :func:`json_text`, in pieces; list values may be :class:`Items`."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    yield "{\n"
    for n, (key, value) in enumerate(data.items()):
        sep = ",\n" if n else ""
        if not isinstance(value, (list, Items)):
            yield f"{sep}  {dump(key)}: {dump(value)}"
            continue
        items = iter(value.items if isinstance(value, Items) else value)
        text = str if isinstance(value, Items) and value.encoded else dump
        first = next(items, _END)
        if first is _END:
            yield f"{sep}  {dump(key)}: []"
            continue
        yield f"{sep}  {dump(key)}: [\n    {text(first)}"
        for item in items:
            yield f",\n    {text(item)}"
        yield "\n  ]"
    yield "\n}\n"


_END = object()


def temporary_beside(final: str | Path) -> tuple[int, Path]:
    """Open a new, uniquely named temporary file beside ``final`` for writing: (fd, path).

    Unlike tempfile.mkstemp, which makes its files private (0600), the file is created as any
    new file would be (the umask, or a directory's default ACL, decide), so a finished output
    renamed into place is as readable to the group as the user's other files.
    """
    final = Path(final)
    for _ in range(100):
        tmp = final.parent / f".{final.name}.{secrets.token_hex(4)}.part"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {final}")


class AtomicOutputs:
    """Collect files, then put all of them in place at once with :meth:`commit`."""

    def __init__(self, outdir: str | Path):
        self.outdir = Path(outdir)
        self._pending: list[tuple[Path, Path]] = []

    def add(self, name: str, text: str) -> Path:
        """Write ``text`` to a temporary file for ``name``, which may include subdirectories."""
        with self.writer(name) as fh:
            fh.write(text)
        return self.outdir / name

    def add_json(self, name: str, data: dict[str, Any]) -> Path:
        return self.add(name, json_text(data))

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[TextIO]:
        """A text handle on a temporary file for ``name``, committed with the others; for an
        output written piece by piece."""
        final = self.outdir / name
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temporary_beside(final)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                yield fh
        except OSError as exc:
            written = _size(tmp)
            os.unlink(tmp)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise disk_full(final, written) from None
            raise
        except BaseException:
            os.unlink(tmp)
            raise
        self._pending.append((Path(tmp), final))

    def commit(self) -> list[Path]:
        done = []
        for tmp, final in self._pending:
            os.replace(tmp, final)
            done.append(final)
        self._pending.clear()
        return done

    def discard(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> AtomicOutputs:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if exc_type is not None:
            self.discard()
        return False


def disk_full(final: Path, written: int) -> OutputError:
    """The one line for a full disk: the folder, the space left, what was being written."""
    try:
        free = shutil.disk_usage(final.parent).free
    except OSError:
        free = 0
    return OutputError(
        f"the disk is full ({free:,} bytes free) after {written:,} bytes of {final.name}; "
        "free space there or write elsewhere",
        path=str(final.parent),
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
